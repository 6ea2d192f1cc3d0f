"""The sweep as a Celery task and as a command, and the app with the broker down."""

import datetime as dt
import io
import logging
import time
from collections.abc import Iterator

import pytest
import time_machine
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import OperationalError, connections
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, Settings

from claims import reminders, tasks
from claims.models import Channel, ClaimStatus, Reminder, newsroom_today
from config.celery import app as celery_app
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db

# 1 November 2025, 09:00 UTC: claims due on 31 October (the factory's date) are overdue.
MORNING_AFTER = dt.datetime(2025, 11, 1, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def mail_in_memory(settings: Settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


# --- The task -------------------------------------------------------------------------------


def test_the_task_runs_the_sweep(reviewer: User) -> None:
    ClaimFactory(assignee=reviewer)

    with time_machine.travel(MORNING_AFTER, tick=False):
        result = tasks.sweep_overdue.apply().get()

    assert result == {
        "claims": 1,
        "reminders": 1,
        "people": 1,
        "unrouted": 0,
        "digests_sent": 1,
        "digests_failed": 0,
    }
    assert len(mail.outbox) == 1


def test_the_task_retries_when_the_database_is_unavailable(
    monkeypatch: pytest.MonkeyPatch, reviewer: User
) -> None:
    ClaimFactory(assignee=reviewer)
    real_sweep = reminders.sweep_overdue
    calls = []

    def flaky_sweep() -> reminders.SweepSummary:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("the database system is starting up")
        return real_sweep()

    monkeypatch.setattr(reminders, "sweep_overdue", flaky_sweep)

    with time_machine.travel(MORNING_AFTER, tick=False):
        result = tasks.sweep_overdue.apply()

    assert len(calls) == 3
    assert result.successful()
    assert Reminder.objects.filter(channel=Channel.IN_APP).count() == 1


def test_the_task_is_acknowledged_late_and_retried_with_backoff() -> None:
    task = tasks.sweep_overdue
    assert task.acks_late is True
    assert OperationalError in task.autoretry_for
    assert task.retry_backoff
    assert task.max_retries == 5


def test_beat_runs_the_sweep_every_15_minutes_and_drops_stale_runs(
    settings: Settings,
) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-overdue"]
    assert entry["task"] == "claims.tasks.sweep_overdue"
    assert entry["schedule"].minute == set(range(0, 60, 15))
    assert entry["options"] == {"expires": 15 * 60}
    assert "claims.tasks.sweep_overdue" in celery_app.tasks


# --- The command ----------------------------------------------------------------------------


def test_the_command_sweeps_once_and_prints_a_summary(editor: User) -> None:
    ed2 = UserFactory(username="ed2", groups=["Editors"])
    ClaimFactory(assignee=None)
    ClaimFactory(assignee=None)
    ClaimFactory(assignee=ed2)
    out = io.StringIO()

    with time_machine.travel(MORNING_AFTER, tick=False):
        call_command("sweep_overdue", stdout=out)

    assert out.getvalue() == (
        "3 claims due for reminders; recorded 5 reminders for 2 people; sent 2 digests; 0 failed\n"
    )
    assert len(mail.outbox) == 2


def test_the_command_run_again_does_nothing(reviewer: User) -> None:
    ClaimFactory(assignee=reviewer)
    out = io.StringIO()

    with time_machine.travel(MORNING_AFTER, tick=False):
        call_command("sweep_overdue", stdout=io.StringIO())
        call_command("sweep_overdue", stdout=out)

    assert out.getvalue() == (
        "0 claims due for reminders; recorded 0 reminders for 0 people; sent 0 digests; 0 failed\n"
    )
    assert len(mail.outbox) == 1


class RefusingBackend(LocmemBackend):
    def send_messages(self, messages: list[mail.EmailMessage]) -> int:
        raise ConnectionRefusedError("mail server unreachable")


def test_the_command_warns_about_failed_digests(settings: Settings, reviewer: User) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    ClaimFactory(assignee=reviewer)
    out, err = io.StringIO(), io.StringIO()

    with time_machine.travel(MORNING_AFTER, tick=False):
        call_command("sweep_overdue", stdout=out, stderr=err)

    assert out.getvalue().endswith("sent 0 digests; 1 failed\n")
    assert "a later sweep retries them" in err.getvalue()


# --- The broker is down ---------------------------------------------------------------------


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the Celery app at a port where nothing listens, with fresh connection pools."""
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)


def test_enqueueing_with_the_broker_down_logs_and_returns_quickly(
    broker_down: None, caplog: pytest.LogCaptureFixture
) -> None:
    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="claims.tasks"):
        assert tasks.enqueue_sweep() is False

    assert time.monotonic() - started < 3
    assert "Could not queue a reminder sweep" in caplog.text


def test_a_sweep_queued_in_a_transaction_waits_for_the_commit(
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    queued = []
    monkeypatch.setattr(tasks, "enqueue_sweep", lambda: queued.append(1) or True)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tasks.queue_sweep()
        assert queued == []

    assert len(callbacks) == 1
    assert queued == [1]


def test_the_web_app_keeps_working_with_the_broker_down(
    broker_down: None,
    client: Client,
    reviewer: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    claim = ClaimFactory(assignee=reviewer, due_date=newsroom_today() - dt.timedelta(days=1))
    reminders.sweep_overdue()
    notification = Reminder.objects.get(channel=Channel.IN_APP)
    client.force_login(reviewer)

    for url in (
        reverse("claims:dashboard"),
        claim.get_absolute_url(),
        reverse("notifications:list"),
        reverse("notifications:count"),
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(reverse("notifications:read", args=[notification.pk]))
    assert response.status_code == 302
    response = client.post(
        reverse("claims:resolve", args=[claim.pk]),
        {"version": claim.version, "status": ClaimStatus.FULFILLED},
    )
    assert response.status_code < 500
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.FULFILLED
    # A change that queues a sweep commits, and the failed enqueue is only logged.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.queue_sweep()


# --- A real worker ------------------------------------------------------------------------


@pytest.fixture
def worker_closes_its_database_connections() -> Iterator[None]:
    # The in-thread worker keeps its own connection (CONN_MAX_AGE); an open one would
    # stop pytest-django from dropping the test database at the end.
    def close(**kwargs: object) -> None:
        connections.close_all()

    signals.task_postrun.connect(close, weak=False)
    yield
    signals.task_postrun.disconnect(close)


@pytest.mark.slow
@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_consuming_from_redis_runs_the_sweep(
    worker_closes_its_database_connections: None,
) -> None:
    assert celery_app.conf.broker_url.startswith("redis://")
    reviewer = UserFactory(username="workerreviewer", groups=["Reviewers"])
    claim = ClaimFactory(assignee=reviewer, due_date=newsroom_today() - dt.timedelta(days=1))
    celery_app.control.purge()

    # The worker runs in a thread of this process, so it uses the test database.
    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"
    ):
        assert tasks.enqueue_sweep() is True
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if Reminder.objects.filter(claim=claim, channel=Channel.EMAIL, sent_at__isnull=False):
                break
            time.sleep(0.2)

    assert Reminder.objects.filter(claim=claim).count() == 2
    assert [message.to for message in mail.outbox] == [["workerreviewer@example.org"]]


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Tasks run in this process when queued, as a worker would run them."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def move_deadline(client: Client, claim: object, *, days: int, reason: str) -> None:
    """Give the claim a new due date `days` from today, as the claim page's form does."""
    client.post(
        reverse("claims:deadline", args=[claim.pk]),
        {
            "version": 1,
            "due_date": (newsroom_today() + dt.timedelta(days=days)).isoformat(),
            "reason": reason,
        },
    )


def test_a_deadline_moved_into_the_past_is_reminded_without_waiting_for_beat(
    eager_celery: None,
    client: Client,
    reviewer: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    claim = ClaimFactory(assignee=reviewer, due_date=newsroom_today() + dt.timedelta(days=10))
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        move_deadline(client, claim, days=-2, reason="The summit was brought forward")
    assert Reminder.objects.filter(claim=claim, recipient=reviewer).count() == 2
    assert [message.to for message in mail.outbox] == [[reviewer.email]]


def test_a_change_that_makes_nothing_due_queues_no_sweep(
    eager_celery: None,
    client: Client,
    reviewer: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    claim = ClaimFactory(assignee=reviewer, due_date=newsroom_today() + dt.timedelta(days=10))
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        move_deadline(client, claim, days=20, reason="Postponed")
    assert callbacks == []
    assert not Reminder.objects.filter(claim=claim).exists()
