"""Reminders of overdue claims: who is told about what, when, and exactly once.

PRODUCT.md, "Get reminded". A sweep (`claims.tasks.sweep_overdue` on Celery beat, or
`manage.py sweep_overdue`) works in two phases, each safe to run twice or side by side:

1. Record. Every open claim whose due date has passed in TIME_ZONE has reached a step of the
   cadence; the sweep records one Reminder per recipient and channel for it, and a "reminder
   sent" event in the claim's timeline, in one transaction. The unique constraint on
   (claim, recipient, due_date, step, channel) is the guard against recording twice. In-app
   reminders are delivered by being recorded.
2. Send. One email digest per recipient covers all of their unsent email reminders. The rows
   are claimed (leased) before the mail goes out and marked sent after it went, so two sweeps
   never send the same row; a failed send leaves them for a later sweep, with backoff.

The cadence counts days after the due date (`days` = today - due_date, in TIME_ZONE):

    step 0        days >= 1                                  first reminder
    step 1..n     days >= REMINDER_FOLLOW_UP_DAYS[i]         follow-ups (default 3 and 7)
    step n+1      days >= REMINDER_ESCALATE_AFTER_DAYS       escalation to the editors (14)

Steps go to the claim's assignee; unassigned claims (or an inactive assignee) and every
escalation go to the active members of the "Editors" group.

Missed steps collapse: a claim that is 10 days overdue when a sweep first sees it (logged
late, snoozed, or the sweeps were not running) gets one reminder, for the latest step it has
reached, and never the earlier ones afterwards. A claim has reached a step when any
reminder of that step or a later one exists for its current due date; so a moved deadline
starts the cadence again, and a reassigned claim goes on from its step with the new assignee.

One sweep at a time: a sweep holds SweepLock while it works (a PostgreSQL advisory lock, a
file lock on SQLite); a second sweep, started by beat, a change, or by hand, finds it taken
and returns at once, saying so. Two sweeps recording side by side used to split a person's
reminders between them, and each sent its own digest.

Which claims a sweep looks at: `Claim.next_reminder_on`, the date its next step falls due
(or its snooze ends), indexed for open claims. claims.services sets it to the first step
(`first_reminder_on`) when a claim is logged, reopened, snoozed or given a new deadline, and
clears it on resolution; the sweep moves it on to the following step after recording one,
and clears it after the escalation. A date too early only costs a look: the step-reached
check under the claim's lock skips steps already reminded of, and moves the date on.
"""

import datetime as dt
import heapq
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Field, Model, Q, QuerySet
from django.db.models.constants import OnConflict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Channel, Claim, ClaimEvent, ClaimStatus, EventKind, Reminder

logger = logging.getLogger(__name__)

EDITORS_GROUP = "Editors"
# Claims per transaction while recording: few round trips, yet the row locks, the
# transaction and the memory of one chunk stay small whatever the backlog.
CHUNK_SIZE = 2000
# Ids per `id__in` query: well under SQLite's limit on query parameters.
ID_BATCH = 2000
# After a digest went out, marking its rows sent is tried again after these pauses (seconds),
# on a fresh connection, before the sweep gives up: a database restart takes seconds, and
# rows left unmarked are mailed a second time once their lease ends.
MARK_SENT_RETRY_DELAYS = (1, 2, 4, 8, 15)
# Backoff after a failed digest: 5 min, 10, 20, ... at most 6 hours between attempts. It
# never gives up: a reminder recorded is never forgotten.
RETRY_FIRST = dt.timedelta(minutes=5)
RETRY_MAX = dt.timedelta(hours=6)
# After this many failed digests in a row a sweep stops sending: a mail server that is down
# would otherwise cost EMAIL_TIMEOUT per recipient. The rest stay due for the next sweep.
STOP_AFTER_FAILURES_IN_A_ROW = 3
# People whose email rows are leased together (one walk of the unsent-email index).
RECIPIENTS_PER_LEASE = 20


# --- The cadence -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A step of the cadence, reached `days` days after the due date."""

    number: int
    days: int
    escalation: bool = False

    @property
    def name(self) -> str:
        """What the step is to the person reminded: "first reminder", "third reminder"."""
        if self.escalation:
            return "escalation to the editors"
        return f"{_ordinal(self.number + 1)} reminder"

    def describe(self, days_overdue: int | None = None) -> str:
        """The step in plain words: "third reminder, 7 days overdue", "escalated to the
        editors, 14 days overdue", "first reminder, due date passed".

        `days_overdue` is how late the claim was when the reminder went out (a claim first
        seen after its step's day gets that step late); by default the step's own day.
        """
        days = self.days if days_overdue is None else days_overdue
        what = "escalated to the editors" if self.escalation else self.name
        if self.number == 0 and days <= self.days:
            return f"{what}, due date passed"
        return f"{what}, {_plural(days, 'day')} overdue"


ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]


def _ordinal(number: int) -> str:
    if number <= len(ORDINALS):
        return ORDINALS[number - 1]
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def cadence() -> list[Step]:
    """The steps, in order, from the settings (validated in config/settings.py)."""
    follow_ups = settings.REMINDER_FOLLOW_UP_DAYS
    return [
        Step(0, 1),
        *(Step(number, days) for number, days in enumerate(follow_ups, start=1)),
        Step(len(follow_ups) + 1, settings.REMINDER_ESCALATE_AFTER_DAYS, escalation=True),
    ]


def newsroom_date(now: dt.datetime) -> dt.date:
    # TIME_ZONE explicitly, not the active time zone: a sweep started from a request that
    # activated a user's zone must still agree with the dashboard on what is overdue.
    return timezone.localdate(now, timezone.get_default_timezone())


# --- Who is told --------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    id: int
    username: str
    email: str


def active_editors() -> list[Recipient]:
    user_model = get_user_model()
    rows = (
        user_model.objects.filter(groups__name=EDITORS_GROUP, is_active=True)
        .order_by("pk")
        .values_list("pk", user_model.USERNAME_FIELD, user_model.get_email_field_name())
        .distinct()
    )
    return [Recipient(*row) for row in rows]


def recipients_for(
    *,
    step: Step,
    assignee: Recipient | None,
    assignee_active: bool,
    editors: Callable[[], list[Recipient]],
) -> list[Recipient]:
    """The assignee for ordinary steps; the editors for escalations and unassigned claims."""
    if step.escalation or assignee is None or not assignee_active:
        return editors()
    return [assignee]


# --- One sweep at a time -----------------------------------------------------------------

# The PostgreSQL advisory lock of the running sweep: any constant, the same in every process.
SWEEP_LOCK_KEY = 7_246_030_112_915_001


class SweepLock:
    """Held by the one sweep that works; a second one finds it taken and does nothing.

    On PostgreSQL a session-level advisory lock on the sweep's connection, which also gets
    SWEEP_STATEMENT_TIMEOUT_SECONDS as its statement_timeout and lock_timeout for as long
    as it holds the lock (one query each way; the settings the connection had are
    restored). Both: a COMMIT waiting for a row lock (the deferred foreign key checks of
    the recorded reminders) ignores statement_timeout. The server drops the lock when the
    session ends, so a worker killed mid-sweep never leaves it behind. Elsewhere (SQLite:
    web, worker and beat on one machine) an exclusive flock on var/sweep.lock, which the
    kernel drops when the process ends.
    """

    def __init__(self) -> None:
        self.held = False
        self._previous: tuple[str, str] | None = None
        self._file: Any = None

    def acquire(self) -> bool:
        if connection.vendor == "postgresql":
            timeout = f"{settings.SWEEP_STATEMENT_TIMEOUT_SECONDS}s"
            with connection.cursor() as cursor:
                # The timeouts are set only if the lock was taken (the subquery runs
                # first), so a skipped sweep costs one query.
                cursor.execute(
                    "SELECT locked, statement, lock,"
                    " set_config('statement_timeout', CASE WHEN locked THEN %s ELSE statement END, false),"
                    " set_config('lock_timeout', CASE WHEN locked THEN %s ELSE lock END, false)"
                    " FROM (SELECT pg_try_advisory_lock(%s) AS locked,"
                    " current_setting('statement_timeout') AS statement,"
                    " current_setting('lock_timeout') AS lock) AS attempt",
                    [timeout, timeout, SWEEP_LOCK_KEY],
                )
                self.held, statement, lock, _, _ = cursor.fetchone()
            if self.held and self._previous is None:
                self._previous = (statement, lock)
            return self.held
        import fcntl  # POSIX; the embedded default runs on one machine

        path = settings.VAR_DIR / "sweep.lock"
        self._file = open(path, "a")  # noqa: SIM115 - held open for as long as the sweep runs
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            self._file = None
            return False
        self.held = True
        return True

    def reacquire(self) -> bool:
        """After a reconnection: the new session holds neither the lock nor the timeout.

        False if another sweep took the lock meanwhile; this one must then stop.
        """
        if connection.vendor != "postgresql":
            return self.held
        return self.acquire()

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        if self._file is not None:
            self._file.close()  # drops the flock
            self._file = None
            return
        try:
            with connection.cursor() as cursor:
                statement, lock = self._previous or ("0", "0")
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s), set_config('statement_timeout', %s, false),"
                    " set_config('lock_timeout', %s, false)",
                    [SWEEP_LOCK_KEY, statement, lock],
                )
        except DatabaseError:  # the session is gone, and its lock with it
            logger.debug("Releasing the sweep lock failed", exc_info=True)


def tick_window() -> dt.timedelta:
    """How early a scheduled sweep takes retries: half the time until the next one.

    A retry due a few seconds after a beat sweep started would otherwise wait a whole
    SWEEP_EVERY_MINUTES; this way each goes out with the beat sweep nearest its time.
    Sweeps queued by changes (any time, seconds apart) take retries only once due, so the
    backoff of a failing mail server holds.
    """
    return dt.timedelta(minutes=settings.SWEEP_EVERY_MINUTES) / 2


def send_lease() -> dt.timedelta:
    """How long a digest's rows belong to the sweep that leased them.

    Longer than a sweep can live (Celery kills it 60 s after SWEEP_TIME_LIMIT_SECONDS),
    plus the tick window a scheduled sweep takes early: a slow send is never taken over by
    another sweep. The same sweep retried takes its rows back at once (`leased_by`).
    """
    return dt.timedelta(seconds=settings.SWEEP_TIME_LIMIT_SECONDS + 60) + tick_window()


# --- The sweep ------------------------------------------------------------------------------


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


@dataclass
class SweepSummary:
    """What one sweep did. `reminders` counts (claim, person) pairs, whatever the channels."""

    claims: int = 0
    reminders: int = 0
    people: set[int] = field(default_factory=set)
    unrouted: int = 0
    digests_sent: int = 0
    digests_failed: int = 0
    # Another sweep was running: this one did nothing.
    skipped: bool = False
    # Why the sweep stopped before the end (the time limit, ...); the next sweep goes on.
    stopped: str = ""

    def as_dict(self) -> dict[str, int | bool | str]:
        return {
            "claims": self.claims,
            "reminders": self.reminders,
            "people": len(self.people),
            "unrouted": self.unrouted,
            "digests_sent": self.digests_sent,
            "digests_failed": self.digests_failed,
            "skipped": self.skipped,
            "stopped": self.stopped,
        }

    def __str__(self) -> str:
        if self.skipped:
            return "Skipped: another sweep is running, and it does this one's work."
        text = (
            f"{_plural(self.claims, 'claim')} due for reminders; "
            f"recorded {_plural(self.reminders, 'reminder')} "
            f"for {_plural(len(self.people), 'person', 'people')}; "
            f"sent {_plural(self.digests_sent, 'digest')}; {self.digests_failed} failed"
        )
        if self.unrouted:
            text += f"; {_plural(self.unrouted, 'claim')} with nobody to remind (no active editors)"
        if self.stopped:
            text += f"; stopped early: {self.stopped}, the next sweep goes on"
        return text


@dataclass
class _Run:
    now: dt.datetime
    today: dt.date
    summary: SweepSummary
    # time.monotonic() after which the sweep starts no new chunk or digest.
    deadline: float = float("inf")

    def out_of_time(self) -> bool:
        if time.monotonic() < self.deadline:
            return False
        self.summary.stopped = f"time limit of {settings.SWEEP_TIME_LIMIT_SECONDS} s reached"
        return True

    @cached_property
    def editors(self) -> list[Recipient]:
        # Looked up once per sweep, and only if a claim needs them: a sweep with nothing
        # due stays a handful of queries.
        return active_editors()


def sweep_overdue(
    *, now: dt.datetime | None = None, sweep_id: str | None = None, scheduled: bool = False
) -> SweepSummary:
    """Record the reminders that have fallen due, then send the email digests.

    Unless another sweep is running: then return at once, skipped. `sweep_id` names the
    leases this sweep takes (the Celery task id, the same when the task is retried); a
    `scheduled` sweep (beat) also takes the retries due within tick_window().
    """
    lock = SweepLock()
    if not lock.acquire():
        logger.info("Reminder sweep skipped: another sweep is running")
        return SweepSummary(skipped=True)
    try:
        now = now or timezone.now()
        run = _Run(
            now=now,
            today=newsroom_date(now),
            summary=SweepSummary(),
            deadline=time.monotonic() + settings.SWEEP_TIME_LIMIT_SECONDS,
        )
        record_due_reminders(run)
        if not run.summary.stopped:
            send_pending_digests(
                now=now,
                summary=run.summary,
                sweep_id=sweep_id,
                early=tick_window() if scheduled else dt.timedelta(0),
                run=run,
                lock=lock,
            )
    finally:
        lock.release()
    logger.info("Reminder sweep: %s", run.summary)
    return run.summary


def first_reminder_on(*, due_date: dt.date | None, snoozed_until: dt.date | None) -> dt.date | None:
    """`Claim.next_reminder_on` for an open claim whose cadence starts (again) from the top.

    The day of the first step, or the end of the snooze if later; None without a due date.
    Used when a claim is logged, reopened, snoozed or given a new deadline: steps already
    reminded of for this due date are skipped by the sweep, which then moves the date on.
    """
    if due_date is None:
        return None
    first = due_date + dt.timedelta(days=cadence()[0].days)
    return max(first, snoozed_until) if snoozed_until else first


def step_reached(steps: Sequence[Step], days: int) -> tuple[Step | None, Step | None]:
    """The latest step reached `days` days after the due date, and the step after it."""
    reached = None
    for step in steps:
        if step.days > days:
            return reached, step
        reached = step
    return reached, None


def record_due_reminders(run: _Run) -> None:
    """Record a reminder for every open claim that has reached a step not yet recorded.

    Candidates are the open claims whose next_reminder_on has come, read from the partial
    index claim_open_next_reminder by keyset on (next_reminder_on, id), CHUNK_SIZE claims
    per transaction. Each is locked, its latest step reached is recorded unless it was
    already, and its next_reminder_on moves on to its next step (after today), so a sweep
    with nothing due reads an empty index range.
    """
    steps = cadence()
    after: tuple[dt.date, int] | None = None
    while True:
        candidates = _claims_due(today=run.today, after=after)
        if not candidates:
            break
        with transaction.atomic():
            rows = _lock_claims_to_remind([claim_id for claim_id, _on in candidates], run.today)
            by_step: dict[Step, list[Any]] = defaultdict(list)
            next_on: dict[int, dt.date | None] = {}
            for row in rows:
                step, next_on[row.id] = _plan(row, steps=steps, today=run.today)
                if step is not None:
                    by_step[step].append(row)
            for step, group in by_step.items():
                # Left due, to be tried again next sweep, as before this date existed.
                for claim_id in _record_step(group, step=step, run=run):
                    del next_on[claim_id]
            _set_next_reminder_on(next_on)
        if len(candidates) < CHUNK_SIZE or run.out_of_time():
            break
        after = (candidates[-1][1], candidates[-1][0])


def _plan(row: Any, *, steps: Sequence[Step], today: dt.date) -> tuple[Step | None, dt.date | None]:
    """The step to record for a locked claim today (if any), and its next reminder date."""
    if row.due_date is None:
        return None, None
    if row.snoozed_until is not None and row.snoozed_until > today:
        # Snoozed by a change that did not go through claims.services: wait for the end.
        return None, first_reminder_on(due_date=row.due_date, snoozed_until=row.snoozed_until)
    step, following = step_reached(steps, (today - row.due_date).days)
    # After today in every case: the day of a step not reached yet, or never again.
    next_on = row.due_date + dt.timedelta(days=following.days) if following else None
    return step, next_on


def _claims_due(*, today: dt.date, after: tuple[dt.date, int] | None) -> list[tuple[int, dt.date]]:
    """(id, next_reminder_on) of the next open claims whose next reminder date has come.

    An index-only scan of claim_open_next_reminder, once vacuumed; empty when nothing is
    due, whatever the number of overdue claims reminded already.
    """
    claims = Claim.objects.filter(status=ClaimStatus.OPEN, next_reminder_on__lte=today)
    if after is not None:
        claims = claims.filter(
            Q(next_reminder_on__gt=after[0]) | Q(next_reminder_on=after[0], pk__gt=after[1])
        )
    claims = claims.order_by("next_reminder_on", "pk")
    return list(claims.values_list("pk", "next_reminder_on")[:CHUNK_SIZE])


def _lock_claims_to_remind(ids: Sequence[int], today: dt.date) -> list[Any]:
    """Those of `ids` still open and due, locked, with their due date, snooze and assignee.

    Checked again because a claim may have changed since it was read (another sweep may
    have moved its next_reminder_on on). On PostgreSQL the claims are locked FOR NO KEY
    UPDATE SKIP LOCKED: a concurrent sweep takes other claims instead of waiting and doing
    the same work, and rows referencing the claims (events, evidence) can still be inserted
    meanwhile. SQLite has no row locks; its IMMEDIATE transactions let one writer in at a
    time.
    """
    user_model = get_user_model()
    claims = (
        Claim.objects.filter(pk__in=ids, status=ClaimStatus.OPEN, next_reminder_on__lte=today)
        .select_for_update(skip_locked=True, no_key=True, of=("self",))
        .order_by("pk")
        .annotate(
            assignee_active=F("assignee__is_active"),
            assignee_name=F(f"assignee__{user_model.USERNAME_FIELD}"),
            assignee_email=F(f"assignee__{user_model.get_email_field_name()}"),
        )
        .values_list(
            "id",
            "due_date",
            "snoozed_until",
            "assignee_id",
            "assignee_active",
            "assignee_name",
            "assignee_email",
            named=True,
        )
    )
    return list(claims)


def _set_next_reminder_on(next_on: dict[int, dt.date | None]) -> None:
    """Move the locked claims' next_reminder_on on: one UPDATE per distinct date."""
    by_date: dict[dt.date | None, list[int]] = defaultdict(list)
    for claim_id, on in next_on.items():
        by_date[on].append(claim_id)
    for on, ids in by_date.items():
        for batch in _batches(ids):
            Claim.objects.filter(pk__in=batch).update(next_reminder_on=on)


def _record_step(rows: Sequence[Any], *, step: Step, run: _Run) -> set[int]:
    """Record `step` for the locked claims not on it already; the ids left unrouted."""
    # Look again, under the locks: another sweep may have recorded some of these claims
    # since they were read (SKIP LOCKED only skips claims locked at that moment). Every
    # sweep locks a claim before recording it, so this second look is exact.
    done = set(
        Reminder.objects.filter(
            claim_id__in=[row.id for row in rows], step__gte=step.number
        ).values_list("claim_id", "due_date")
    )
    reminders: list[tuple[object, ...]] = []
    events: list[tuple[object, ...]] = []
    unrouted: set[int] = set()
    for row in rows:
        if (row.id, row.due_date) in done:
            continue
        assignee = None
        if row.assignee_id is not None:
            assignee = Recipient(row.assignee_id, row.assignee_name, row.assignee_email or "")
        people = recipients_for(
            step=step,
            assignee=assignee,
            assignee_active=bool(row.assignee_active),
            editors=lambda: run.editors,
        )
        if not people:
            run.summary.unrouted += 1
            unrouted.add(row.id)
            logger.warning("Claim %s is overdue but there are no active editors to tell", row.id)
            continue
        for person in people:
            common = (row.id, person.id, row.due_date, step.number, step.escalation, run.now)
            # In-app reminders are delivered by being recorded.
            reminders.append((*common, Channel.IN_APP.value, run.now))
            if person.email:
                reminders.append((*common, Channel.EMAIL.value, None))
            run.summary.people.add(person.id)
        run.summary.claims += 1
        run.summary.reminders += len(people)
        days = (run.today - row.due_date).days
        note = _event_note(step=step, people=people, to_assignee=people == [assignee], days=days)
        data = {
            "step": step.number,
            "escalation": step.escalation,
            "due_date": row.due_date.isoformat(),
            "days_overdue": days,
            "recipients": [person.username for person in people],
        }
        events.append((row.id, EventKind.REMINDER_SENT.value, run.now, note, data))
    # Conflicts ignored: the unique constraint stays the last word, even against a writer
    # that did not lock the claim.
    insert_rows(
        Reminder,
        (
            "claim",
            "recipient",
            "due_date",
            "step",
            "escalation",
            "created_at",
            "channel",
            "sent_at",
            "attempts",
            "last_error",
        ),
        [(*reminder, 0, "") for reminder in reminders],
        ignore_conflicts=True,
    )
    insert_rows(ClaimEvent, ("claim", "kind", "created_at", "note", "data"), events)
    return unrouted


def insert_rows(
    model: type[Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    ignore_conflicts: bool = False,
) -> None:
    """INSERT rows given as tuples, without building model instances.

    bulk_create spent half of a 50,000-claim sweep constructing and preparing model objects
    (bench/bench_sweep.py). On PostgreSQL the rows go as one array per column through
    UNNEST, as bulk_create does, so that planning stays cheap; elsewhere as VALUES lists.
    """
    if not rows:
        return
    opts = model._meta
    columns = [opts.get_field(name) for name in fields]
    ops = connection.ops
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    head = (
        f"{ops.insert_statement(on_conflict=on_conflict)} {ops.quote_name(opts.db_table)} "
        f"({', '.join(ops.quote_name(column.column) for column in columns)})"
    )
    tail = ops.on_conflict_suffix_sql(columns, on_conflict, [], [])
    prepared: dict[tuple[str, object], object] = {}

    def prepare(column: Field, value: object) -> object:
        if value is None or isinstance(value, bool | int | str):
            return value
        if isinstance(value, dt.date):  # dates and datetimes: few distinct ones
            key = (column.attname, value)
            if key not in prepared:
                prepared[key] = column.get_db_prep_save(value, connection)
            return prepared[key]
        return column.get_db_prep_save(value, connection)

    values = [[prepare(c, v) for c, v in zip(columns, row, strict=True)] for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{c.db_type(connection).split('(')[0]}[]" for c in columns)
            cursor.execute(
                f"{head} SELECT * FROM UNNEST({arrays}) {tail}",
                [list(c) for c in zip(*values, strict=True)],
            )
            return
        per_statement = max(1, (connection.features.max_query_params or 999) // len(columns))
        placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(values), per_statement):
            batch = values[start : start + per_statement]
            cursor.execute(
                f"{head} VALUES {', '.join([placeholders] * len(batch))} {tail}",
                [value for row in batch for value in row],
            )


def _event_note(*, step: Step, people: Sequence[Recipient], to_assignee: bool, days: int) -> str:
    names = ", ".join(person.username for person in people[:5])
    if len(people) > 5:
        names += f" and {len(people) - 5} more"
    overdue = _plural(days, "day") + " overdue"
    if step.escalation:
        return f"escalated to the editors ({names}), {overdue}"
    to = names if to_assignee else f"the editors ({names})"
    return f"{step.name} to {to}, {overdue}"


# --- Email digests -----------------------------------------------------------------------


def _email_due(
    now: dt.datetime, *, sweep_id: str | None = None, early: dt.timedelta = dt.timedelta(0)
) -> Q:
    """Email reminders not sent yet whose next attempt has come (or that were never tried),
    or comes within `early`, and those leased by the sweep `sweep_id` itself (a retried
    task taking back its own rows).

    Served by the partial index reminder_unsent_email.
    """
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + early)
    if sweep_id:
        due |= Q(leased_by=sweep_id)
    return Q(channel=Channel.EMAIL, sent_at__isnull=True) & due


def _batches(ids: Sequence[int], size: int = ID_BATCH) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@dataclass(frozen=True)
class _EmailRow:
    """An email reminder leased for a digest."""

    id: int
    attempts: int
    claim_id: int
    due_date: dt.date
    escalation: bool
    # False once the claim was resolved or got a new deadline: nothing to remind of any more.
    current: bool


def send_pending_digests(
    *,
    now: dt.datetime | None = None,
    summary: SweepSummary | None = None,
    sweep_id: str | None = None,
    early: dt.timedelta = dt.timedelta(0),
    run: _Run | None = None,
    lock: SweepLock | None = None,
) -> SweepSummary:
    """Send one digest to every person with email reminders due, and record the outcome."""
    now = now or timezone.now()
    summary = summary if summary is not None else SweepSummary()
    sweep_id = sweep_id or uuid.uuid4().hex
    recipient_ids = list(
        Reminder.objects.filter(_email_due(now, sweep_id=sweep_id, early=early))
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    if not recipient_ids:
        return summary
    # One connection for the whole sweep: one SMTP login for hundreds of digests.
    connection = get_connection()
    failures_in_a_row = 0
    stop = ""
    try:
        for batch in _batches(recipient_ids, RECIPIENTS_PER_LEASE):
            leased = _lease_digest_rows(batch, now=now, sweep_id=sweep_id, early=early)
            for recipient_id, rows in leased.items():
                if not stop and run is not None and run.out_of_time():
                    stop = summary.stopped
                if stop or failures_in_a_row >= STOP_AFTER_FAILURES_IN_A_ROW:
                    # Given back: the next sweep takes them at once.
                    _release([row.id for row in rows])
                    continue
                outcome, reconnected = send_digest(
                    recipient_id=recipient_id, rows=rows, connection=connection, now=now
                )
                if outcome is True:
                    summary.digests_sent += 1
                    failures_in_a_row = 0
                elif outcome is False:
                    summary.digests_failed += 1
                    failures_in_a_row += 1
                if reconnected and lock is not None and not lock.reacquire():
                    # The lock went with the old session and another sweep has it now.
                    stop = summary.stopped = "another sweep took over after a database reconnection"
            if failures_in_a_row >= STOP_AFTER_FAILURES_IN_A_ROW:
                logger.error(
                    "%d digests failed in a row; the rest wait for the next sweep",
                    failures_in_a_row,
                )
                break
            if stop:
                break
    finally:
        _close_quietly(connection)
    return summary


def _lease_digest_rows(
    recipient_ids: Sequence[int],
    *,
    now: dt.datetime,
    sweep_id: str = "",
    early: dt.timedelta = dt.timedelta(0),
) -> dict[int, list[_EmailRow]]:
    """Lease the due email rows of these people to this sweep, by person.

    A person's due rows are leased together, so that two sweeps never split them into two
    digests: each sweep first locks the people (FOR NO KEY UPDATE, in id order, for the
    few milliseconds of the lease; nothing is sent under the lock), then reads and leases
    all their due rows. A sweep that waited for another finds the rows that one leased
    with their next attempt in the future, and takes only rows recorded since. Locking
    the rows with SKIP LOCKED instead let two sweeps each take part of one person's rows
    (rows are locked one by one as they are read): two digests for one person in one
    sweep. Skipping locked people instead left rows recorded meanwhile to the next sweep.
    On SQLite the IMMEDIATE transaction serialises sweeps. Several people at a time: each
    query walks the partial index of unsent email.
    """
    leased: dict[int, list[_EmailRow]] = defaultdict(list)
    with transaction.atomic():
        people = list(
            get_user_model()
            .objects.filter(pk__in=recipient_ids)
            .select_for_update(no_key=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        rows = (
            Reminder.objects.filter(
                _email_due(now, sweep_id=sweep_id, early=early), recipient_id__in=people
            )
            .order_by("recipient_id", "id")
            .values_list(
                "recipient_id",
                "id",
                "attempts",
                "claim_id",
                "due_date",
                "escalation",
                "claim__status",
                "claim__due_date",
            )
        )
        for recipient_id, row_id, attempts, claim_id, due, escalation, status, claim_due in rows:
            current = status == ClaimStatus.OPEN and claim_due == due
            leased[recipient_id].append(
                _EmailRow(row_id, attempts, claim_id, due, escalation, current)
            )
        ids = [row.id for rows in leased.values() for row in rows]
        for batch in _batches(ids):
            Reminder.objects.filter(id__in=batch).update(
                next_attempt_at=now + send_lease(), leased_by=sweep_id
            )
    return leased


def _close_quietly(connection: BaseEmailBackend) -> None:
    try:
        connection.close()
    except Exception:  # a broken SMTP connection may fail to say goodbye; it is gone anyway
        logger.debug("Closing the mail connection failed", exc_info=True)


@dataclass(frozen=True)
class DigestItem:
    claim_id: int
    statement: str
    claimant: str
    due_date: dt.date
    days_overdue: int
    url: str
    escalation: bool


@dataclass(frozen=True)
class Digest:
    """What one person's digest says: the first `items`, out of `total` claims."""

    items: list[DigestItem]
    total: int
    escalated: int


def send_digest(
    *,
    recipient_id: int,
    rows: Sequence[_EmailRow],
    connection: BaseEmailBackend,
    now: dt.datetime,
) -> tuple[bool | None, bool]:
    """Send one person's leased email reminders as one digest.

    First: True if sent; False if the mail failed (the rows are retried later, with
    backoff); None if there was nothing to send (the rows are settled unsent, saying why).
    Second: whether marking the rows sent needed a new database connection.
    """
    user_model = get_user_model()
    user = user_model.objects.filter(pk=recipient_id).first()
    address = getattr(user, user_model.get_email_field_name(), "") if user else ""
    if user is None or not user.is_active or not address:
        _settle_unsent(
            [row.id for row in rows],
            now=now,
            reason="Not emailed: the person has no active email address.",
        )
        return None, False
    _settle_unsent(
        [row.id for row in rows if not row.current],
        now=now,
        reason="Not emailed: the claim was resolved or its deadline moved before the digest went out.",
    )
    rows = [row for row in rows if row.current]
    if not rows:
        return None, False
    message = build_digest(
        user=user, address=address, digest=collect_digest(rows, today=newsroom_date(now))
    )
    try:
        sent = connection.send_messages([message])
        if sent == 0:
            raise RuntimeError("the mail backend sent nothing")
    except Exception as exc:  # any backend error: SMTP, network, a refused address
        _back_off(rows, now=now, error=f"{exc.__class__.__name__}: {exc}")
        logger.warning("Reminder digest to user %s failed: %s", recipient_id, exc)
        # Reconnect for the next digest: the failure may have broken the connection.
        _close_quietly(connection)
        return False, False
    return True, _mark_sent([row.id for row in rows])


def _mark_sent(ids: Sequence[int]) -> bool:
    """Mark the rows of a digest that went out as sent; whether it took a reconnection.

    The mail is gone: if the database fails now (a restart, a failover), the rows must
    still be marked, or they are mailed again once their lease ends. So each failure drops
    the broken connection and tries again on a new one, MARK_SENT_RETRY_DELAYS apart,
    before giving up (the error then ends the sweep, and the task is retried).
    """
    reconnected = False
    for pause in (*MARK_SENT_RETRY_DELAYS, None):
        try:
            for batch in _batches(ids):
                Reminder.objects.filter(id__in=batch, sent_at__isnull=True).update(
                    sent_at=timezone.now(),
                    next_attempt_at=None,
                    leased_by="",
                    last_error="",
                    attempts=F("attempts") + 1,
                )
            return reconnected
        except (OperationalError, InterfaceError) as exc:
            if pause is None:
                raise
            logger.warning(
                "Marking a sent digest failed (%s); trying again on a new connection in %d s",
                exc,
                pause,
            )
            _drop_connection()
            time.sleep(pause)
            reconnected = True
    return reconnected


def _drop_connection() -> None:
    """Close the database connection so that the next query opens a new one.

    Not inside a transaction (a test's): closing there would break it, and a connection in
    a transaction that failed is not reused anyway.
    """
    if connection.in_atomic_block:
        return
    try:
        connection.close()
    except DatabaseError:  # a broken connection may fail to close; it is dropped anyway
        logger.debug("Closing the broken database connection failed", exc_info=True)


def _back_off(rows: Iterable[_EmailRow], *, now: dt.datetime, error: str) -> None:
    by_attempts: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_attempts[row.attempts].append(row.id)
    for attempts, ids in by_attempts.items():
        delay = min(RETRY_FIRST * 2**attempts, RETRY_MAX)
        for batch in _batches(ids):
            Reminder.objects.filter(id__in=batch, sent_at__isnull=True).update(
                next_attempt_at=now + delay,
                leased_by="",
                last_error=error[:2000],
                attempts=F("attempts") + 1,
            )


def _release(ids: Sequence[int]) -> None:
    """Give back leased rows this sweep did not try: the next sweep takes them at once."""
    for batch in _batches(ids):
        Reminder.objects.filter(id__in=batch, sent_at__isnull=True).update(
            next_attempt_at=None, leased_by=""
        )


def _settle_unsent(ids: Sequence[int], *, now: dt.datetime, reason: str) -> None:
    """Close email rows that must never be sent, saying why, so no sweep picks them up again."""
    for batch in _batches(ids):
        Reminder.objects.filter(id__in=batch, sent_at__isnull=True).update(
            sent_at=now, next_attempt_at=None, leased_by="", last_error=reason
        )


def collect_digest(rows: Sequence[_EmailRow], *, today: dt.date) -> Digest:
    """The digest of one person's reminders: their claims, most overdue first.

    Lists at most REMINDER_DIGEST_MAX_CLAIMS and counts the rest: one editor may have
    thousands of unassigned claims due at once.
    """
    # A claim can have two rows (a follow-up whose earlier step's mail failed): it is
    # listed once, as escalated if either row is an escalation.
    claims: dict[int, tuple[dt.date, bool]] = {}
    for row in rows:
        previous = claims.get(row.claim_id)
        claims[row.claim_id] = (row.due_date, row.escalation or bool(previous and previous[1]))
    top = heapq.nsmallest(
        settings.REMINDER_DIGEST_MAX_CLAIMS, claims.items(), key=lambda kv: (kv[1][0], kv[0])
    )
    found = Claim.objects.select_related("claimant").in_bulk([claim_id for claim_id, _ in top])
    items = [
        DigestItem(
            claim_id=claim_id,
            statement=found[claim_id].statement,
            claimant=found[claim_id].claimant.name if found[claim_id].claimant else "",
            due_date=due_date,
            days_overdue=(today - due_date).days,
            url=settings.SITE_URL + found[claim_id].get_absolute_url(),
            escalation=escalation,
        )
        for claim_id, (due_date, escalation) in top
    ]
    escalated = sum(escalation for _due, escalation in claims.values())
    return Digest(items=items, total=len(claims), escalated=escalated)


def build_digest(*, user: AbstractBaseUser, address: str, digest: Digest) -> EmailMultiAlternatives:
    """The email: plain text and HTML, from templates that escape every text they show."""
    subject = f"Claimtrack: {_plural(digest.total, 'overdue claim')} to review"
    if digest.escalated:
        subject += f" ({digest.escalated} escalated)"
    context = {
        "name": user.get_short_name() or user.get_username(),
        "items": digest.items,
        "total": digest.total,
        "more": digest.total - len(digest.items),
        "dashboard_url": settings.SITE_URL + reverse("claims:dashboard"),
        "notifications_url": settings.SITE_URL + reverse("notifications:list"),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("claims/email/digest.txt", context),
        to=[address],
    )
    message.attach_alternative(render_to_string("claims/email/digest.html", context), "text/html")
    return message


# --- In-app notifications ------------------------------------------------------------------

# The navigation shows "99+" beyond this: counting further costs time and tells nobody more.
UNREAD_COUNT_CAP = 100


def notifications_for(user: AbstractBaseUser) -> QuerySet[Reminder]:
    """A person's in-app reminders, newest first."""
    return (
        Reminder.objects.filter(recipient=user, channel=Channel.IN_APP)
        .select_related("claim", "claim__claimant")
        .order_by("-created_at", "-id")
    )


def unread_count(user: AbstractBaseUser) -> int:
    """Unread in-app reminders, counted up to UNREAD_COUNT_CAP (index reminder_unread_in_app)."""
    unread = Reminder.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True)
    return unread.order_by()[:UNREAD_COUNT_CAP].count()


def mark_read(*, reminder: Reminder, now: dt.datetime | None = None) -> bool:
    """Mark one in-app reminder read; False if it was read already."""
    now = now or timezone.now()
    updated = Reminder.objects.filter(pk=reminder.pk, read_at__isnull=True).update(read_at=now)
    if updated:
        reminder.read_at = now
    return bool(updated)


def mark_all_read(*, user: AbstractBaseUser, now: dt.datetime | None = None) -> int:
    """Mark all of a person's in-app reminders read; how many were unread."""
    return Reminder.objects.filter(
        recipient=user, channel=Channel.IN_APP, read_at__isnull=True
    ).update(read_at=now or timezone.now())
