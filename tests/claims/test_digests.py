"""The email digests (claims.digests): one mail per person, leases, retries with backoff.

The newsroom is in New York (the fixture newsroom_in_new_york), so "the due date has
passed" means local midnight there (04:00 or 05:00 UTC), not UTC midnight. Claims are due on
Friday 31 October 2025 (tests/factories.py); 1 November 00:00 in New York is 04:00 UTC.
"""

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, connections, transaction
from django.utils import timezone
from pytest_django.fixtures import Settings

from claims import digests, sweep
from claims.models import Channel, Claim, ClaimStatus, Reminder
from claims.sweep import sweep_overdue
from claims.sweep_run import SweepRun, SweepSummary
from tests.claims.sweeping import DUE, NEW_YORK, DatabaseErrorOnce, at, mails_to, race, sweep_at
from tests.factories import ClaimFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("newsroom_in_new_york")]

ROOT = Path(__file__).resolve().parents[2]


# --- The digest -----------------------------------------------------------------------------


def test_one_digest_per_person_lists_all_their_claims(reviewer: User) -> None:
    trump = PersonFactory(name="Donald Trump")
    budapest = ClaimFactory(
        assignee=reviewer, claimant=trump, statement="Trump and Putin will meet in Budapest"
    )
    oval = ClaimFactory(
        assignee=reviewer,
        claimant=trump,
        statement="Zelensky will visit the Oval Office",
        due_date=dt.date(2025, 10, 29),
    )
    other = UserFactory(username="other", groups=["Reviewers"])
    ClaimFactory(assignee=other, statement="Rubio will lead the advisors' meeting")

    summary = sweep_at(at(1))

    assert summary.digests_sent == 2
    assert len(mail.outbox) == 2
    message = mails_to("reviewer")[0]
    assert message.subject == "Claimtrack: 2 overdue claims to review"
    text = message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    for body in (text, html):
        assert "Trump and Putin will meet in Budapest" in body
        assert "Zelensky will visit the Oval Office" in body
        assert "Donald Trump" in body
        assert "31 Oct 2025" in body
        assert "1 day overdue" in body
        assert "3 days overdue" in body
        assert f"https://claimtrack.example/claims/{budapest.pk}/" in body
        assert f"https://claimtrack.example/claims/{oval.pk}/" in body
        assert "https://claimtrack.example/" in body
        assert "Rubio" not in body
    # Most overdue first.
    assert text.index("Zelensky") < text.index("Budapest")


def test_a_digest_of_one_claim_says_so_in_the_singular(reviewer: User) -> None:
    ClaimFactory(assignee=reviewer)

    sweep_at(at(1))

    assert mail.outbox[0].subject == "Claimtrack: 1 overdue claim to review"


def test_the_digest_escapes_article_text_in_html_and_keeps_it_plain_in_text(reviewer: User) -> None:
    ClaimFactory(
        assignee=reviewer,
        statement='<script>alert("x")</script> & <b>bold</b>',
        claimant=PersonFactory(name="<img src=x onerror=alert(1)>"),
    )

    sweep_at(at(1))

    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert '<script>alert("x")</script> & <b>bold</b>' in message.body
    assert "&lt;" not in message.body


def test_a_long_digest_lists_the_most_overdue_and_counts_the_rest(
    settings: Settings, reviewer: User
) -> None:
    settings.REMINDER_DIGEST_MAX_CLAIMS = 2
    for days in range(1, 5):
        ClaimFactory(
            assignee=reviewer,
            statement=f"Due {days} days earlier",
            due_date=DUE - dt.timedelta(days=days),
        )

    sweep_at(at(1))

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Claimtrack: 4 overdue claims to review"
    assert "Due 4 days earlier" in message.body
    assert "Due 3 days earlier" in message.body
    assert "Due 2 days earlier" not in message.body
    assert "…and 2 more." in message.body
    assert Reminder.objects.filter(channel=Channel.EMAIL, sent_at__isnull=True).count() == 0


def test_an_escalation_digest_says_the_claims_were_escalated(reviewer: User, editor: User) -> None:
    ClaimFactory(assignee=reviewer, statement="Escalated claim")

    sweep_at(at(14))

    message = mails_to("editor")[0]
    assert message.subject == "Claimtrack: 1 overdue claim to review (1 escalated)"
    assert "escalated to the editors" in message.body


# --- Retries and leases ------------------------------------------------------------------


class FlakyBackend(LocmemBackend):
    """Delivers the first `budget` messages, then fails like an SMTP server going away."""

    budget = 0

    def send_messages(self, messages: list[mail.EmailMessage]) -> int:
        if FlakyBackend.budget <= 0:
            raise ConnectionRefusedError("mail server unreachable")
        FlakyBackend.budget -= len(messages)
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings: Settings) -> Iterator[type[FlakyBackend]]:
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.budget = 0
    yield FlakyBackend
    FlakyBackend.budget = 0


def test_a_mail_server_failing_halfway_leaves_the_rest_for_a_later_sweep(
    flaky_mail: type[FlakyBackend],
) -> None:
    people = [UserFactory(username=f"rev{i}", groups=["Reviewers"]) for i in range(3)]
    for person in people:
        ClaimFactory(assignee=person)
    flaky_mail.budget = 1

    first = sweep_at(at(1, 9))

    assert (first.digests_sent, first.digests_failed) == (1, 2)
    assert [m.to for m in mail.outbox] == [["rev0@example.org"]]
    failed = Reminder.objects.filter(channel=Channel.EMAIL, sent_at__isnull=True)
    assert failed.count() == 2
    for row in failed:
        assert row.attempts == 1
        assert row.last_error == "ConnectionRefusedError: mail server unreachable"
        assert row.next_attempt_at == dt.datetime(2025, 11, 1, 9, 5, tzinfo=NEW_YORK)

    # Still failing, and then working again, within the backoff: nothing is tried.
    flaky_mail.budget = 10
    assert sweep_at(at(1, 9, 4)).digests_sent == 0

    later = sweep_at(at(1, 9, 5))

    assert (later.digests_sent, later.digests_failed) == (2, 0)
    assert Counter(address for m in mail.outbox for address in m.to) == {
        "rev0@example.org": 1,
        "rev1@example.org": 1,
        "rev2@example.org": 1,
    }
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    assert set(
        Reminder.objects.filter(channel=Channel.EMAIL).values_list("last_error", flat=True)
    ) == {""}
    # Nothing more, ever.
    assert sweep_at(at(2, 9)).digests_sent == 0


def test_failed_digests_back_off_exponentially(
    reviewer: User, flaky_mail: type[FlakyBackend]
) -> None:
    ClaimFactory(assignee=reviewer)
    sweep_at(at(1, 9))
    row = Reminder.objects.get(channel=Channel.EMAIL)
    assert row.next_attempt_at == dt.datetime(2025, 11, 1, 9, 5, tzinfo=NEW_YORK)

    sweep_at(at(1, 9, 5))
    row.refresh_from_db()
    assert (row.attempts, row.next_attempt_at) == (
        2,
        dt.datetime(2025, 11, 1, 9, 15, tzinfo=NEW_YORK),
    )

    sweep_at(at(1, 9, 15))
    row.refresh_from_db()
    assert (row.attempts, row.next_attempt_at) == (
        3,
        dt.datetime(2025, 11, 1, 9, 35, tzinfo=NEW_YORK),
    )
    assert row.sent_at is None


def test_a_retried_digest_joins_new_reminders_of_the_same_person(
    reviewer: User, flaky_mail: type[FlakyBackend]
) -> None:
    ClaimFactory(assignee=reviewer, statement="First claim")
    sweep_at(at(1, 9))
    ClaimFactory(assignee=reviewer, statement="Second claim", due_date=dt.date(2025, 11, 1))
    flaky_mail.budget = 10

    sweep_at(at(2, 9))

    assert len(mail.outbox) == 1
    assert "First claim" in mail.outbox[0].body
    assert "Second claim" in mail.outbox[0].body


def test_a_mail_server_down_stops_the_sweep_after_three_failures(
    flaky_mail: type[FlakyBackend],
) -> None:
    for i in range(5):
        ClaimFactory(assignee=UserFactory(username=f"rev{i}", groups=["Reviewers"]))

    summary = sweep_at(at(1))

    assert summary.digests_failed == 3
    untried = Reminder.objects.filter(channel=Channel.EMAIL, attempts=0)
    assert untried.count() == 2
    assert all(row.next_attempt_at is None for row in untried)


def test_a_claim_resolved_before_its_retry_is_not_mailed(
    reviewer: User, flaky_mail: type[FlakyBackend]
) -> None:
    claim = ClaimFactory(assignee=reviewer)
    sweep_at(at(1, 9))
    Claim.objects.filter(pk=claim.pk).update(
        status=ClaimStatus.FULFILLED, resolved_at=timezone.now()
    )
    flaky_mail.budget = 10

    sweep_at(at(1, 10))

    assert mail.outbox == []
    row = Reminder.objects.get(channel=Channel.EMAIL)
    assert row.sent_at is not None
    assert row.last_error.startswith("Not emailed")
    assert sweep_at(at(1, 11)).digests_sent == 0


def test_rows_leased_by_another_sweep_are_left_to_it(reviewer: User) -> None:
    ClaimFactory(assignee=reviewer)
    with time_machine.travel(at(1).replace(tzinfo=NEW_YORK), tick=False):
        sweep.record_due_reminders(
            SweepRun(now=timezone.now(), today=dt.date(2025, 11, 1), summary=SweepSummary())
        )
        # Another sweep claims the digest and is still sending it.
        leased = digests._lease_digest_rows([reviewer.pk], now=timezone.now())
        assert len(leased[reviewer.pk]) == 1

        assert digests.send_pending_digests().digests_sent == 0
    assert mail.outbox == []


def test_digests_not_sent_by_the_time_limit_are_given_back_to_the_next_sweep(
    reviewer: User,
) -> None:
    ClaimFactory(assignee=reviewer)
    ClaimFactory(assignee=UserFactory(username="other", groups=["Reviewers"]))
    with time_machine.travel(at(1).replace(tzinfo=NEW_YORK), tick=False):
        run = SweepRun(
            now=timezone.now(), today=dt.date(2025, 11, 1), summary=SweepSummary(), deadline=0
        )
        sweep.record_due_reminders(run)

        summary = digests.send_pending_digests(now=timezone.now(), summary=run.summary, run=run)

    assert (summary.digests_sent, summary.stopped) == (0, "time limit of 600 s reached")
    assert not Reminder.objects.filter(channel=Channel.EMAIL, next_attempt_at__isnull=False)
    assert sweep_at(at(1, 9, 1)).digests_sent == 2


def test_a_scheduled_sweep_takes_a_retry_due_before_the_next_tick(
    reviewer: User, flaky_mail: type[FlakyBackend]
) -> None:
    # A sweep queued by a change at 8:55:20 fails to mail: the retry is due at 9:00:20.
    ClaimFactory(assignee=reviewer)
    sweep_at(dt.datetime(2025, 11, 1, 8, 55, 20))
    flaky_mail.budget = 10

    # Another change at 8:58: its sweep keeps the backoff, and mails nothing.
    assert sweep_at(at(1, 8, 58)).digests_sent == 0
    # Beat's 9:00 sweep takes it, rather than leaving it to 9:15, a whole period later.
    with time_machine.travel(at(1, 9).replace(tzinfo=NEW_YORK), tick=False):
        summary = sweep_overdue(scheduled=True)

    assert summary.digests_sent == 1
    assert len(mails_to("reviewer")) == 1


# Transactional: the failed statement would otherwise doom the test's own transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_marking_a_sent_digest_is_retried_when_the_database_fails(
    monkeypatch: pytest.MonkeyPatch, reviewer: User
) -> None:
    monkeypatch.setattr(digests, "MARK_SENT_RETRY_DELAYS", (0, 0))
    ClaimFactory(assignee=reviewer)
    fail = DatabaseErrorOnce('SET "sent_at"')

    with connection.execute_wrapper(fail):
        summary = sweep_at(at(1, 9))

    assert fail.failed
    assert summary.digests_sent == 1
    row = Reminder.objects.get(channel=Channel.EMAIL)
    assert row.sent_at is not None
    # Not mailed again once the lease would have run out.
    assert sweep_at(at(1, 10)).digests_sent == 0
    assert len(mail.outbox) == 1


# --- Senders racing on PostgreSQL ---------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_senders_racing_mail_each_digest_once() -> None:
    people = [UserFactory(username=f"sender{i}", groups=["Reviewers"]) for i in range(30)]
    for person in people:
        ClaimFactory(assignee=person)
        ClaimFactory(assignee=person)
    with time_machine.travel(at(1).replace(tzinfo=NEW_YORK), tick=True):
        sweep.record_due_reminders(
            SweepRun(now=timezone.now(), today=dt.date(2025, 11, 1), summary=SweepSummary())
        )
        assert mail.outbox == []

        summaries = race(4, digests.send_pending_digests)

    assert sum(s.digests_sent for s in summaries) == 30
    assert Counter(message.to[0] for message in mail.outbox) == {
        f"sender{i}@example.org": 1 for i in range(30)
    }
    assert all("2 overdue claims" in message.subject for message in mail.outbox)


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_persons_rows_are_leased_together_even_when_one_is_locked() -> None:
    # Rows leased one by one with SKIP LOCKED: a sweep that found one of a person's rows
    # locked by another sweep (midway through reading them) took the rest, and the person
    # got two digests in one sweep. Now a sweep leases a person's rows together.
    person = UserFactory(username="person", groups=["Reviewers"])
    ClaimFactory(assignee=person)
    ClaimFactory(assignee=person)
    with time_machine.travel(at(1).replace(tzinfo=NEW_YORK), tick=True):
        sweep.record_due_reminders(
            SweepRun(now=timezone.now(), today=dt.date(2025, 11, 1), summary=SweepSummary())
        )
        first_row = Reminder.objects.filter(recipient=person, channel=Channel.EMAIL).earliest("id")
        locked, release = threading.Event(), threading.Event()
        leased: dict[int, list] = {}

        def other_sweep_midway() -> None:
            try:
                with transaction.atomic():
                    list(Reminder.objects.filter(pk=first_row.pk).select_for_update())
                    locked.set()
                    release.wait(30)
            finally:
                connections.close_all()

        def this_sweep() -> None:
            try:
                leased.update(digests._lease_digest_rows([person.pk], now=timezone.now()))
            finally:
                connections.close_all()

        other = threading.Thread(target=other_sweep_midway)
        other.start()
        assert locked.wait(30)
        this = threading.Thread(target=this_sweep)
        this.start()
        this.join(0.5)  # time to reach the locked row
        release.set()
        other.join(30)
        this.join(30)

    assert len(leased[person.pk]) == 2


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_digest_is_marked_sent_after_the_database_connection_is_killed(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, reviewer: User
) -> None:
    # The mail goes out, then PostgreSQL ends the sweep's session (a restart, a failover)
    # before the rows are marked sent: they used to be mailed again when the lease ran out.
    monkeypatch.setattr(digests, "MARK_SENT_RETRY_DELAYS", (0, 1))
    settings.EMAIL_BACKEND = f"{__name__}.KillingBackend"
    ClaimFactory(assignee=reviewer)
    ClaimFactory(assignee=UserFactory(username="second", groups=["Reviewers"]))

    first = sweep_at(at(1, 9))

    assert KillingBackend.killed == 1
    assert (first.digests_sent, first.stopped) == (2, "")
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sweep_at(at(2, 9)).digests_sent == 0
    assert len(mail.outbox) == 2
    # The lock went with the killed session and was taken again; it is free now.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        assert cursor.fetchone()[0] == 0


class KillingBackend(LocmemBackend):
    """Delivers, then has PostgreSQL end the sending connection's session, once."""

    killed = 0

    def send_messages(self, messages: list[mail.EmailMessage]) -> int:
        sent = super().send_messages(messages)
        if not KillingBackend.killed:
            import psycopg

            pid = connection.connection.info.backend_pid
            params = connection.get_connection_params()
            params.pop("cursor_factory", None)
            params.pop("context", None)
            with psycopg.connect(**params, autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
            KillingBackend.killed += 1
        return sent
