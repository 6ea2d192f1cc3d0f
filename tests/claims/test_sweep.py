"""The reminder sweep (claims.sweep): when each step is recorded, for whom, exactly once,
one sweep at a time.

The newsroom is in New York (the fixture newsroom_in_new_york), so "the due date has
passed" means local midnight there (04:00 or 05:00 UTC), not UTC midnight. Claims are due on
Friday 31 October 2025 (tests/factories.py); 1 November 00:00 in New York is 04:00 UTC.
"""

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.db import OperationalError, connection, connections, transaction
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import DjangoAssertNumQueries, Settings

from claims import bulk, services
from claims import sweep as claims_sweep
from claims.models import Channel, Claim, ClaimEvent, ClaimStatus, EventKind, Reminder
from claims.sweep import sweep_overdue
from claims.sweep_run import SweepSummary
from tests.claims.sweeping import DUE, NEW_YORK, at, mails_to, race, steps_of, sweep_at
from tests.factories import ClaimFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("newsroom_in_new_york")]

ROOT = Path(__file__).resolve().parents[2]


# --- When the first reminder goes out ------------------------------------------------------


def test_nothing_is_sent_before_local_midnight_even_when_utc_has_passed_it(reviewer: User) -> None:
    claim = ClaimFactory(assignee=reviewer)

    # 23:59 on the due date in New York is 03:59 UTC on 1 November: not overdue yet.
    summary = sweep_at(at(31, 23, 59, month=10))

    assert summary.claims == 0
    assert not Reminder.objects.filter(claim=claim).exists()
    assert mail.outbox == []


def test_first_sweep_after_local_midnight_reminds_the_assignee(reviewer: User) -> None:
    claim = ClaimFactory(assignee=reviewer)
    sweep_at(at(31, 23, 59, month=10))

    summary = sweep_at(at(1, 0, 1))

    assert summary.claims == 1
    assert steps_of(claim) == [("reviewer", 0, False)]
    assert steps_of(claim, Channel.EMAIL) == [("reviewer", 0, False)]
    assert len(mails_to("reviewer")) == 1


def test_in_app_reminders_count_as_sent_when_recorded_and_emails_once_mailed(
    reviewer: User,
) -> None:
    claim = ClaimFactory(assignee=reviewer)

    sweep_at(at(1))

    in_app = Reminder.objects.get(claim=claim, channel=Channel.IN_APP)
    email = Reminder.objects.get(claim=claim, channel=Channel.EMAIL)
    assert in_app.sent_at is not None
    assert in_app.read_at is None
    assert email.sent_at is not None
    assert email.attempts == 1
    assert email.due_date == DUE
    assert email.last_error == ""


def test_a_claim_without_a_due_date_is_never_reminded(reviewer: User) -> None:
    ClaimFactory(assignee=reviewer, due_date=None)

    assert sweep_at(at(30)).claims == 0
    assert not Reminder.objects.exists()


# --- The cadence ----------------------------------------------------------------------------


def test_whole_cadence_first_reminder_follow_ups_then_escalation(
    reviewer: User, editor: User
) -> None:
    claim = ClaimFactory(assignee=reviewer)

    recorded_on = {}
    for day in range(1, 21):
        # Four sweeps a day, as beat would: only the first of a step's day records it.
        for hour in (0, 6, 12, 23):
            summary = sweep_at(at(day, hour, 5))
            if summary.claims:
                recorded_on[day] = summary.claims

    assert recorded_on == {1: 1, 3: 1, 7: 1, 14: 1}
    assert steps_of(claim) == [
        ("reviewer", 0, False),
        ("reviewer", 1, False),
        ("reviewer", 2, False),
        ("editor", 3, True),
    ]
    assert len(mails_to("reviewer")) == 3
    assert len(mails_to("editor")) == 1
    assert "escalated" in mails_to("editor")[0].subject


def test_cadence_follows_the_configured_days(
    settings: Settings, reviewer: User, editor: User
) -> None:
    settings.REMINDER_FOLLOW_UP_DAYS = [2]
    settings.REMINDER_ESCALATE_AFTER_DAYS = 5
    claim = ClaimFactory(assignee=reviewer)

    for day in range(1, 8):
        sweep_at(at(day))

    assert steps_of(claim) == [("reviewer", 0, False), ("reviewer", 1, False), ("editor", 2, True)]
    assert Reminder.objects.get(claim=claim, step=1, channel=Channel.IN_APP).created_at.astimezone(
        NEW_YORK
    ).date() == dt.date(2025, 11, 2)


def test_missed_steps_collapse_into_the_latest_one(reviewer: User, editor: User) -> None:
    # Logged late, or the sweeps were down: 10 days overdue at the first sweep.
    claim = ClaimFactory(assignee=reviewer)

    summary = sweep_at(at(10))

    assert summary.claims == 1
    assert steps_of(claim) == [("reviewer", 2, False)]
    assert len(mails_to("reviewer")) == 1
    # The skipped steps are never sent afterwards; the escalation still comes on time.
    for day in range(11, 15):
        sweep_at(at(day))
    assert steps_of(claim) == [("reviewer", 2, False), ("editor", 3, True)]


def test_a_claim_long_overdue_when_logged_goes_straight_to_the_editors(
    reviewer: User, editor: User
) -> None:
    claim = ClaimFactory(assignee=reviewer, due_date=dt.date(2025, 10, 20))

    sweep_at(at(30))

    assert steps_of(claim) == [("editor", 3, True)]
    assert mails_to("reviewer") == []


def test_unassigned_claims_go_to_the_active_editors_from_the_start(reviewer: User) -> None:
    UserFactory(username="ed1", groups=["Editors"])
    UserFactory(username="ed2", groups=["Editors", "Reviewers"])
    UserFactory(username="gone", groups=["Editors"], is_active=False)
    claim = ClaimFactory(assignee=None)

    sweep_at(at(1))

    assert steps_of(claim) == [("ed1", 0, False), ("ed2", 0, False)]
    assert len(mails_to("ed1")) == len(mails_to("ed2")) == 1
    assert mails_to("reviewer") == mails_to("gone") == []
    event = ClaimEvent.objects.get(claim=claim, kind=EventKind.REMINDER_SENT)
    assert event.note == "first reminder to the editors (ed1, ed2), 1 day overdue"


def test_an_inactive_assignee_is_replaced_by_the_editors(editor: User) -> None:
    left = UserFactory(username="left", groups=["Reviewers"], is_active=False)
    claim = ClaimFactory(assignee=left)

    sweep_at(at(1))

    assert steps_of(claim) == [("editor", 0, False)]


def test_without_any_editor_an_unassigned_claim_waits_for_one(reviewer: User) -> None:
    claim = ClaimFactory(assignee=None)

    summary = sweep_at(at(1))

    assert summary.unrouted == 1
    assert not Reminder.objects.exists()
    assert "nobody to remind" in str(summary)
    UserFactory(username="newed", groups=["Editors"])
    sweep_at(at(2))
    assert steps_of(claim) == [("newed", 0, False)]


def test_a_person_without_an_email_address_is_reminded_in_app_only(editor: User) -> None:
    quiet = UserFactory(username="quiet", email="", groups=["Reviewers"])
    claim = ClaimFactory(assignee=quiet)

    sweep_at(at(1))

    assert steps_of(claim) == [("quiet", 0, False)]
    assert steps_of(claim, Channel.EMAIL) == []
    assert mail.outbox == []


def test_resolved_claims_get_nothing(reviewer: User) -> None:
    for status in ClaimStatus.values:
        if status != ClaimStatus.OPEN:
            ClaimFactory(assignee=reviewer, status=status, resolved_at=timezone.now())

    assert sweep_at(at(20)).claims == 0
    assert not Reminder.objects.exists()


def test_resolution_stops_the_cadence(reviewer: User, editor: User) -> None:
    claim = ClaimFactory(assignee=reviewer)
    sweep_at(at(1))

    Claim.objects.filter(pk=claim.pk).update(
        status=ClaimStatus.FULFILLED, resolved_at=timezone.now()
    )
    for day in range(2, 21):
        sweep_at(at(day))

    assert steps_of(claim) == [("reviewer", 0, False)]


def test_a_snoozed_claim_is_not_reminded_before_its_snooze_date(reviewer: User) -> None:
    claim = ClaimFactory(assignee=reviewer, snoozed_until=dt.date(2025, 11, 5))

    for day in range(1, 5):
        sweep_at(at(day, 23, 59))
    assert not Reminder.objects.exists()

    sweep_at(at(5, 0, 1))
    # 5 days overdue: the first follow-up is the latest step reached.
    assert steps_of(claim) == [("reviewer", 1, False)]


def test_a_snooze_after_the_first_reminder_holds_back_the_follow_ups(
    reviewer: User, editor: User
) -> None:
    claim = ClaimFactory(assignee=reviewer)
    sweep_at(at(1))
    Claim.objects.filter(pk=claim.pk).update(snoozed_until=dt.date(2025, 11, 9))

    for day in range(2, 9):
        sweep_at(at(day))
    assert steps_of(claim) == [("reviewer", 0, False)]

    sweep_at(at(9))
    assert steps_of(claim) == [("reviewer", 0, False), ("reviewer", 2, False)]


def test_a_moved_deadline_starts_the_cadence_again_from_the_new_date(
    reviewer: User, editor: User
) -> None:
    claim = ClaimFactory(assignee=reviewer)
    sweep_at(at(1))
    sweep_at(at(3))
    # "Postponed by the White House" to 10 November.
    Claim.objects.filter(pk=claim.pk).update(due_date=dt.date(2025, 11, 10))

    for day in range(4, 11):
        assert sweep_at(at(day)).claims == 0
    sweep_at(at(11))

    rows = Reminder.objects.filter(claim=claim, channel=Channel.IN_APP).order_by("created_at")
    assert list(rows.values_list("due_date", "step")) == [
        (DUE, 0),
        (DUE, 1),
        (dt.date(2025, 11, 10), 0),
    ]


def test_a_reassigned_claim_goes_on_from_its_step_with_the_new_assignee(reviewer: User) -> None:
    other = UserFactory(username="other", groups=["Reviewers"])
    claim = ClaimFactory(assignee=reviewer)
    sweep_at(at(1))
    Claim.objects.filter(pk=claim.pk).update(assignee=other)

    sweep_at(at(2))
    sweep_at(at(3))

    assert steps_of(claim) == [("reviewer", 0, False), ("other", 1, False)]


# --- next_reminder_on: which claims a sweep looks at --------------------------------------


def next_reminder_on(claim: Claim) -> dt.date | None:
    return Claim.objects.values_list("next_reminder_on", flat=True).get(pk=claim.pk)


def test_next_reminder_on_moves_on_step_by_step_and_clears_after_the_escalation(
    reviewer: User, editor: User
) -> None:
    claim = ClaimFactory(assignee=reviewer)
    assert next_reminder_on(claim) == dt.date(2025, 11, 1)

    expected = {1: (11, 3), 3: (11, 7), 7: (11, 14)}
    for day, (month, next_day) in expected.items():
        sweep_at(at(day))
        assert next_reminder_on(claim) == dt.date(2025, month, next_day)
    sweep_at(at(14))
    assert next_reminder_on(claim) is None

    assert sweep_at(at(20)).claims == 0
    assert [step for _who, step, _esc in steps_of(claim)] == [0, 1, 2, 3]


def test_the_sweep_skips_a_claim_until_its_next_reminder_date_comes(reviewer: User) -> None:
    claim = ClaimFactory(assignee=reviewer)
    Claim.objects.filter(pk=claim.pk).update(next_reminder_on=dt.date(2025, 11, 5))

    for day in range(1, 5):
        assert sweep_at(at(day)).claims == 0
    assert not Reminder.objects.exists()

    assert sweep_at(at(5)).claims == 1
    # 5 days overdue: the missed first reminder collapses into the first follow-up.
    assert steps_of(claim) == [("reviewer", 1, False)]
    assert next_reminder_on(claim) == dt.date(2025, 11, 7)


def test_a_next_reminder_date_too_early_sends_nothing_twice(reviewer: User) -> None:
    claim = ClaimFactory(assignee=reviewer)
    sweep_at(at(1))
    # As after the migration's backfill, or a snooze: back to the first step's date.
    Claim.objects.filter(pk=claim.pk).update(next_reminder_on=dt.date(2025, 11, 1))

    assert sweep_at(at(2)).claims == 0

    assert steps_of(claim) == [("reviewer", 0, False)]
    assert len(mail.outbox) == 1
    assert next_reminder_on(claim) == dt.date(2025, 11, 3)


def test_a_claim_nobody_could_be_told_about_is_tried_again_next_sweep(reviewer: User) -> None:
    claim = ClaimFactory(assignee=None)

    assert sweep_at(at(1)).unrouted == 1
    assert next_reminder_on(claim) == dt.date(2025, 11, 1)

    UserFactory(username="late_editor", groups=["Editors"])
    assert sweep_at(at(1, 12)).claims == 1
    assert steps_of(claim) == [("late_editor", 0, False)]


def test_the_services_restart_and_stop_the_cadence(reviewer: User, editor: User) -> None:
    claim = ClaimFactory(assignee=reviewer)
    sweep_at(at(1))
    with time_machine.travel(at(2).replace(tzinfo=NEW_YORK), tick=False):
        claim = services.snooze_claim(
            claim=claim, by=editor, version=1, until=dt.date(2025, 11, 9), reason="Summit"
        )
    assert claim.next_reminder_on == dt.date(2025, 11, 9)
    for day in range(2, 9):
        assert sweep_at(at(day)).claims == 0
    sweep_at(at(9))
    assert steps_of(claim) == [("reviewer", 0, False), ("reviewer", 2, False)]

    with time_machine.travel(at(10).replace(tzinfo=NEW_YORK), tick=False):
        claim = services.change_deadline(
            claim=claim, by=editor, version=2, due_date=dt.date(2025, 11, 20), reason="Postponed"
        )
    assert claim.next_reminder_on == dt.date(2025, 11, 21)
    sweep_at(at(21))
    assert steps_of(claim)[-1] == ("reviewer", 0, False)
    assert Reminder.objects.filter(claim=claim, due_date=dt.date(2025, 11, 20)).exists()

    with time_machine.travel(at(22).replace(tzinfo=NEW_YORK), tick=False):
        claim = services.resolve_claim(claim=claim, by=editor, version=3, status="fulfilled")
    assert claim.next_reminder_on is None
    assert sweep_at(at(30)).claims == 0

    with time_machine.travel(at(30).replace(tzinfo=NEW_YORK), tick=False):
        claim = services.reopen_claim(claim=claim, by=editor, version=4)
    # From the first step again; the steps reminded of for this due date are not repeated.
    assert claim.next_reminder_on == dt.date(2025, 11, 21)
    sweep_at(at(30, 12))
    new_deadline = Reminder.objects.filter(
        claim=claim, due_date=dt.date(2025, 11, 20), channel=Channel.IN_APP
    )
    assert list(new_deadline.order_by("step").values_list("step", flat=True)) == [0, 2]
    assert next_reminder_on(claim) == dt.date(2025, 12, 4)


# --- The timeline ---------------------------------------------------------------------------


def test_each_step_writes_one_event_in_the_claims_timeline(editor: User) -> None:
    UserFactory(username="ed2", groups=["Editors"])
    claim = ClaimFactory(assignee=None)

    sweep_at(at(1))
    sweep_at(at(1, 12))

    events = ClaimEvent.objects.filter(claim=claim, kind=EventKind.REMINDER_SENT)
    assert events.count() == 1
    event = events.get()
    assert event.actor is None
    assert event.data == {
        "step": 0,
        "escalation": False,
        "due_date": "2025-10-31",
        "days_overdue": 1,
        "recipients": ["editor", "ed2"],
    }


def test_a_follow_up_event_names_the_assignee_and_how_late_it_is(reviewer: User) -> None:
    claim = ClaimFactory(assignee=reviewer)

    sweep_at(at(3))

    event = ClaimEvent.objects.get(claim=claim, kind=EventKind.REMINDER_SENT)
    assert event.note == "second reminder to reviewer, 3 days overdue"


# --- Exactly once ---------------------------------------------------------------------------


def test_the_sweep_run_twice_sends_nothing_new(reviewer: User) -> None:
    ClaimFactory(assignee=reviewer)
    ClaimFactory(assignee=reviewer)
    first = sweep_at(at(1))

    second = sweep_at(at(1))

    assert (first.claims, first.reminders, first.digests_sent) == (2, 2, 1)
    assert (second.claims, second.reminders, second.digests_sent) == (0, 0, 0)
    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 4
    assert ClaimEvent.objects.filter(kind=EventKind.REMINDER_SENT).count() == 2


def test_a_sweep_with_nothing_due_is_a_handful_of_queries(
    reviewer: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    ClaimFactory(assignee=reviewer)
    sweep_at(at(1))

    # One for the claims whose next reminder date has come (none), one for unsent emails;
    # on PostgreSQL one more each to take and to give back the sweep lock.
    with django_assert_max_num_queries(4):
        sweep_at(at(1, 12))


def test_chunks_cover_every_claim_when_there_are_more_than_one_chunk(
    monkeypatch: pytest.MonkeyPatch, reviewer: User
) -> None:
    monkeypatch.setattr(claims_sweep, "CHUNK_SIZE", 3)
    monkeypatch.setattr(bulk, "ID_BATCH", 4)
    claims = [
        ClaimFactory(assignee=reviewer, due_date=DUE - dt.timedelta(days=i % 2)) for i in range(10)
    ]

    summary = sweep_at(at(1))

    assert summary.claims == 10
    assert {r.claim_id for r in Reminder.objects.filter(channel=Channel.IN_APP)} == {
        c.pk for c in claims
    }
    assert len(mail.outbox) == 1
    assert "10 overdue claims" in mail.outbox[0].subject


# --- One sweep at a time ---------------------------------------------------------------


def test_a_second_sweep_returns_at_once_while_one_runs(
    reviewer: User, sweep_running_elsewhere: None
) -> None:
    ClaimFactory(assignee=reviewer)

    summary = sweep_at(at(1))

    assert summary.skipped
    assert str(summary) == "Skipped: another sweep is running, and it does this one's work."
    assert not Reminder.objects.exists()
    assert mail.outbox == []


def test_the_sweep_gives_the_lock_back_when_it_ends(reviewer: User) -> None:
    ClaimFactory(assignee=reviewer)
    ClaimFactory(assignee=reviewer, due_date=dt.date(2025, 11, 2))
    first = sweep_at(at(1))

    second = sweep_at(at(3))

    assert not first.skipped and not second.skipped
    assert (first.claims, second.claims) == (1, 2)


def test_a_sweep_out_of_time_stops_and_leaves_the_rest_to_the_next(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, reviewer: User
) -> None:
    monkeypatch.setattr(claims_sweep, "CHUNK_SIZE", 3)
    claims = [ClaimFactory(assignee=reviewer) for _ in range(10)]
    settings.SWEEP_TIME_LIMIT_SECONDS = 0

    first = sweep_at(at(1, 9))

    assert first.claims == 3
    assert first.stopped == "time limit of 0 s reached"
    assert str(first).endswith("; stopped early: time limit of 0 s reached, the next sweep goes on")
    assert mail.outbox == []
    settings.SWEEP_TIME_LIMIT_SECONDS = 600

    second = sweep_at(at(1, 9, 15))

    assert (second.claims, second.digests_sent, second.stopped) == (7, 1, "")
    assert "10 overdue claims" in mail.outbox[0].subject
    assert Reminder.objects.filter(channel=Channel.IN_APP).count() == len(claims)


# --- Sweeps racing on PostgreSQL ---------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_racing_send_each_reminder_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Small chunks so that the two sweeps interleave over many transactions.
    monkeypatch.setattr(claims_sweep, "CHUNK_SIZE", 25)
    people = [UserFactory(username=f"racer{i}", groups=["Reviewers"]) for i in range(6)]
    UserFactory(username="raceeditor", groups=["Editors"])
    claims = [
        ClaimFactory(
            assignee=people[i % 7] if i % 7 < 6 else None,
            due_date=DUE - dt.timedelta(days=i % 20),
        )
        for i in range(400)
    ]

    with time_machine.travel(at(1).replace(tzinfo=NEW_YORK), tick=True):
        summaries = race(2, sweep_overdue)

    assert sum(s.claims for s in summaries) == len(claims)
    reminder_keys = Reminder.objects.values_list(
        "claim", "recipient", "due_date", "step", "channel"
    )
    assert len(reminder_keys) == len(set(reminder_keys))
    events = Counter(
        ClaimEvent.objects.filter(kind=EventKind.REMINDER_SENT).values_list("claim", flat=True)
    )
    assert set(events) == {claim.pk for claim in claims}
    assert set(events.values()) == {1}
    # Each person got each claim in exactly one digest.
    mailed = Counter(
        (message.to[0], line.strip())
        for message in mail.outbox
        for line in message.body.splitlines()
        if line.strip().startswith("https://claimtrack.example/claims/")
    )
    assert set(mailed.values()) == {1}
    assert sum(s.digests_sent for s in summaries) == len(mail.outbox)
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_three_sweeps_at_once_send_one_digest_per_person(monkeypatch: pytest.MonkeyPatch) -> None:
    # Sweep A stops right after recording its first chunk, its claims still locked; B and C
    # start meanwhile. They used to record the other chunks and mail them, and A then mailed
    # its chunk: two digests for everyone. Now B and C see A running and return.
    monkeypatch.setattr(claims_sweep, "CHUNK_SIZE", 25)
    people = [UserFactory(username=f"trio{i}", groups=["Reviewers"]) for i in range(5)]
    for i in range(100):
        ClaimFactory(assignee=people[i % 5])
    paused, resume = threading.Event(), threading.Event()

    def pause_after_first_reminders(
        execute: Callable, sql: str, params: object, many: bool, context: dict
    ) -> object:
        result = execute(sql, params, many, context)
        if sql.startswith('INSERT INTO "claims_reminder"') and not paused.is_set():
            paused.set()
            resume.wait(60)
        return result

    summaries: dict[str, SweepSummary] = {}

    def sweep(name: str, wrapper: Callable | None = None) -> None:
        try:
            if wrapper is None:
                summaries[name] = sweep_overdue()
            else:
                with connections["default"].execute_wrapper(wrapper):
                    summaries[name] = sweep_overdue()
        finally:
            connections.close_all()

    with time_machine.travel(at(1).replace(tzinfo=NEW_YORK), tick=True):
        first = threading.Thread(target=sweep, args=("a", pause_after_first_reminders))
        first.start()
        assert paused.wait(60)
        others = [threading.Thread(target=sweep, args=(name,)) for name in ("b", "c")]
        for thread in others:
            thread.start()
        for thread in others:
            thread.join(60)
        resume.set()
        first.join(60)

    assert (summaries["b"].skipped, summaries["c"].skipped) == (True, True)
    assert summaries["a"].claims == 100
    assert Counter(message.to[0] for message in mail.outbox) == {
        f"trio{i}@example.org": 1 for i in range(5)
    }
    assert all("20 overdue claims" in message.subject for message in mail.outbox)


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sweep_waiting_on_a_row_lock_gives_up_at_its_timeout(
    settings: Settings, reviewer: User
) -> None:
    settings.SWEEP_STATEMENT_TIMEOUT_SECONDS = 1
    ClaimFactory(assignee=reviewer)
    locked, release = threading.Event(), threading.Event()

    def hold_the_reviewer() -> None:
        try:
            with transaction.atomic():
                list(User.objects.filter(pk=reviewer.pk).select_for_update())
                locked.set()
                release.wait(60)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_reviewer)
    holder.start()
    assert locked.wait(30)
    try:
        with pytest.raises(OperationalError, match="canceling statement due to lock timeout"):
            sweep_at(at(1))
    finally:
        release.set()
        holder.join(30)

    # The connection is back to no timeouts, and the lock is free for the retry.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('statement_timeout'), current_setting('lock_timeout')"
        )
        assert cursor.fetchone() == ("0", "0")
    assert sweep_at(at(1)).digests_sent == 1


def test_the_claim_page_shows_the_reminder_in_its_timeline(client: Client, reviewer: User) -> None:
    claim = ClaimFactory(assignee=reviewer)
    sweep_at(at(3))
    client.force_login(reviewer)

    html = client.get(claim.get_absolute_url()).content.decode()

    assert "sent a reminder: second reminder to reviewer, 3 days overdue" in " ".join(html.split())
