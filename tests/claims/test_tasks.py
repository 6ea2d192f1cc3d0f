"""The sweep as a Celery task and as a command, and the app with the broker down."""

import datetime as dt
import io
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import time_machine
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import OperationalError, connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, Settings

from claims import digests, sweep, tasks
from claims.models import Channel, ClaimStatus, Reminder, newsroom_today
from claims.sweep_run import SweepRun, SweepSummary
from config.celery import app as celery_app
from tests.claims.sweeping import DatabaseErrorOnce
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

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
        "skipped": False,
        "stopped": "",
    }
    assert len(mail.outbox) == 1


def test_the_task_retries_when_the_database_is_unavailable(
    monkeypatch: pytest.MonkeyPatch, reviewer: User
) -> None:
    ClaimFactory(assignee=reviewer)
    real_sweep = sweep.sweep_overdue
    calls = []

    def flaky_sweep(**kwargs: object) -> SweepSummary:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("the database system is starting up")
        return real_sweep(**kwargs)

    monkeypatch.setattr(sweep, "sweep_overdue", flaky_sweep)

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


def test_a_sweep_task_is_stopped_before_the_broker_would_hand_it_out_again(
    settings: Settings,
) -> None:
    task = tasks.sweep_overdue
    assert task.soft_time_limit == settings.SWEEP_TIME_LIMIT_SECONDS + 30
    assert task.time_limit == settings.SWEEP_TIME_LIMIT_SECONDS + 60
    if "visibility_timeout" in settings.CELERY_BROKER_TRANSPORT_OPTIONS:
        assert task.time_limit < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


# Transactional: the failed statement would otherwise doom the test's own transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_retried_sweep_takes_back_the_digests_it_had_leased(reviewer: User) -> None:
    ClaimFactory(assignee=reviewer)
    # The database goes away after the digest's rows were leased, before it was sent:
    # the task is retried, and the retry mails it at once rather than after the lease.
    fail = DatabaseErrorOnce('"claims_person"')

    with time_machine.travel(MORNING_AFTER, tick=False), connection.execute_wrapper(fail):
        result = tasks.sweep_overdue.apply()

    assert fail.failed
    assert result.successful()
    assert [message.to for message in mail.outbox] == [[reviewer.email]]
    row = Reminder.objects.get(channel=Channel.EMAIL)
    assert (row.sent_at is not None, row.attempts, row.leased_by) == (True, 1, "")


def test_leases_of_another_sweep_are_not_taken_back(reviewer: User) -> None:
    ClaimFactory(assignee=reviewer)
    with time_machine.travel(MORNING_AFTER, tick=False):
        sweep.record_due_reminders(
            SweepRun(now=timezone.now(), today=newsroom_today(), summary=SweepSummary())
        )
        digests._lease_digest_rows([reviewer.pk], now=timezone.now(), sweep_id="other-task")

        assert tasks.sweep_overdue.apply(task_id="this-task").get()["digests_sent"] == 0
        assert tasks.sweep_overdue.apply(task_id="other-task").get()["digests_sent"] == 1


@pytest.mark.parametrize(
    ("every", "schedule"),
    [
        ("15", "<crontab: */15 * * * * (m/h/dM/MY/d)>"),
        ("30", "<crontab: */30 * * * * (m/h/dM/MY/d)>"),
        ("120", "<crontab: 0 */2 * * * (m/h/dM/MY/d)>"),
        # Not "*/45", which fires at :00 and :45 (45 and then 15 minutes apart).
        ("45", "0:45:00"),
    ],
)
def test_beat_sweeps_at_even_intervals(tmp_path: Path, every: str, schedule: str) -> None:
    result = run_manage(
        tmp_path,
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.CELERY_BEAT_SCHEDULE['sweep-overdue']['schedule'])",
        SWEEP_EVERY_MINUTES=every,
    )

    assert result.stdout.strip().splitlines()[-1] == schedule


@pytest.mark.parametrize("every", ["0", "-15", "2000"])
def test_a_sweep_interval_that_makes_no_sense_is_refused_with_a_clear_message(
    tmp_path: Path, every: str
) -> None:
    result = run_manage(tmp_path, "check", SWEEP_EVERY_MINUTES=every)

    assert result.returncode != 0
    assert f"SWEEP_EVERY_MINUTES must be from 1 to 1440 (a day), not {every}" in result.stderr


def test_a_visibility_timeout_shorter_than_a_sweep_is_refused(tmp_path: Path) -> None:
    result = run_manage(
        tmp_path,
        "check",
        REDIS_URL="redis://127.0.0.1:6379/1",
        CELERY_VISIBILITY_TIMEOUT="300",
        SWEEP_TIME_LIMIT_SECONDS="600",
    )

    assert result.returncode != 0
    assert "CELERY_VISIBILITY_TIMEOUT must be longer than" in result.stderr


def run_manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "CLAIMTRACK_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


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


def test_the_command_says_so_and_does_nothing_while_another_sweep_runs(
    reviewer: User, sweep_running_elsewhere: None
) -> None:
    ClaimFactory(assignee=reviewer)
    out = io.StringIO()
    with time_machine.travel(MORNING_AFTER, tick=False):
        call_command("sweep_overdue", stdout=out)

    assert out.getvalue() == "Skipped: another sweep is running, and it does this one's work.\n"
    assert not Reminder.objects.exists()


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


def test_enqueueing_with_the_broker_down_logs_one_warning_line(
    broker_down: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="claims.tasks"):
        assert tasks.enqueue_sweep() is False

    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith("Could not queue a reminder sweep (")
    assert "the next scheduled sweep will run it" in record.getMessage()
    # One line per failed enqueue, not a traceback per request.
    assert record.exc_info is None
    assert "\n" not in caplog.text.strip()


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
    sweep.sweep_overdue()
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


# --- Sweeps queued by changes are coalesced ------------------------------------------------


@pytest.fixture
def memory_broker(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An in-process broker whose queue the test can read."""
    monkeypatch.setattr(celery_app.conf, "broker_url", "memory://")
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    with celery_app.connection_for_write() as conn:
        conn.SimpleQueue("celery").clear()
    yield


def queued_sweeps() -> list[dict]:
    """The sweeps waiting in the memory broker: their ETA and keyword arguments."""
    found = []
    with celery_app.connection_for_write() as conn:
        queue = conn.SimpleQueue("celery")
        while queue.qsize():
            message = queue.get(timeout=1)
            found.append({"task": message.headers["task"], "eta": message.headers["eta"]})
            found[-1]["kwargs"] = message.payload[1]
            message.ack()
    return found


def test_many_changes_at_once_queue_one_sweep(
    memory_broker: None,
    settings: Settings,
    client: Client,
    reviewer: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    settings.SWEEP_COALESCE_SECONDS = 10
    claims = [
        ClaimFactory(assignee=reviewer, due_date=newsroom_today() + dt.timedelta(days=10))
        for _ in range(5)
    ]
    client.force_login(reviewer)

    for claim in claims:
        with django_capture_on_commit_callbacks(execute=True):
            move_deadline(client, claim, days=-2, reason="Brought forward")

    [sweep] = queued_sweeps()
    assert sweep["task"] == "claims.tasks.sweep_overdue"
    assert sweep["kwargs"] == {"queued_by_change": True}
    assert sweep["eta"] is not None  # in SWEEP_COALESCE_SECONDS, serving every change meanwhile


def test_a_change_after_the_pending_sweep_started_queues_the_next(
    memory_broker: None, reviewer: User
) -> None:
    assert tasks.enqueue_sweep() is True
    assert tasks.enqueue_sweep() is True
    assert len(queued_sweeps()) == 1

    # The queued sweep runs: changes from now on need a sweep of their own.
    with time_machine.travel(MORNING_AFTER, tick=False):
        tasks.sweep_overdue.apply(kwargs={"queued_by_change": True})
    assert tasks.enqueue_sweep() is True

    assert len(queued_sweeps()) == 1


def test_a_queued_sweep_that_found_another_running_queues_itself_again(
    memory_broker: None, reviewer: User, sweep_running_elsewhere: None
) -> None:
    ClaimFactory(assignee=reviewer)
    with time_machine.travel(MORNING_AFTER, tick=False):
        result = tasks.sweep_overdue.apply(kwargs={"queued_by_change": True}).get()

    assert result["skipped"] is True
    # The running sweep may have passed the claims this one was queued for.
    assert [sweep["kwargs"] for sweep in queued_sweeps()] == [{"queued_by_change": True}]


# --- A broker that hangs --------------------------------------------------------------------


@pytest.fixture
def broker_hangs(hanging_server: str, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Broker and shared cache on the hanging server, with one-second socket timeouts."""
    settings.BROKER_TIMEOUT_SECONDS = 1
    settings.WEB_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": hanging_server,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    monkeypatch.setattr(celery_app.conf, "broker_url", hanging_server)
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)


def finishes(target: Callable[[], object]) -> object:
    """Run `target` in a thread and return its result; fails if it never returns (a hang
    would otherwise hold the test run forever; a generous bound, not a timing check)."""
    result: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(target())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "still waiting on the broker"
    assert not errors, errors
    return result[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_deadline_change_commits_and_answers_while_the_broker_hangs(
    broker_hangs: None, client: Client, reviewer: User, caplog: pytest.LogCaptureFixture
) -> None:
    claim = ClaimFactory(assignee=reviewer, due_date=newsroom_today() + dt.timedelta(days=10))
    client.force_login(reviewer)

    with caplog.at_level(logging.WARNING, logger="claims.tasks"):
        response = finishes(
            lambda: client.post(
                reverse("claims:deadline", args=[claim.pk]),
                {
                    "version": 1,
                    "due_date": (newsroom_today() - dt.timedelta(days=2)).isoformat(),
                    "reason": "Brought forward",
                },
            )
        )

    assert response.status_code < 500
    claim.refresh_from_db()
    assert claim.due_date == newsroom_today() - dt.timedelta(days=2)
    assert "Could not queue a reminder sweep" in caplog.text


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
