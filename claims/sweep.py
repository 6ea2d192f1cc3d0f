"""The reminder sweep: record the reminders that have fallen due, then have the digests sent.

PRODUCT.md, "Get reminded". A sweep (`claims.tasks.sweep_overdue` on Celery beat, or
`manage.py sweep_overdue`) works in two phases, each safe to run twice or side by side:

1. Record (this module). Every open claim whose due date has passed in TIME_ZONE has
   reached a step of the cadence (claims.cadence); the sweep records one Reminder per
   recipient and channel for it, and a "reminder sent" event in the claim's timeline, in
   one transaction. The unique constraint on (claim, recipient, due_date, step, channel) is
   the guard against recording twice. In-app reminders are delivered by being recorded.
2. Send (claims.digests). One email digest per recipient covers all of their unsent email
   reminders, leased before the mail goes out and marked sent after it went.

Steps go to the claim's assignee; unassigned claims (or an inactive assignee) and every
escalation go to the active members of the "Editors" group.

A claim has reached a step when any reminder of that step or a later one exists for its
current due date; so a moved deadline starts the cadence again, and a reassigned claim goes
on from its step with the new assignee. Only one sweep runs at a time (claims.sweep_run).

Which claims a sweep looks at: `Claim.next_reminder_on`, the date its next step falls due
(or its snooze ends), indexed for open claims. claims.services sets it to the first step
(`first_reminder_on`) when a claim is logged, reopened, snoozed or given a new deadline, and
clears it on resolution; the sweep moves it on to the following step after recording one,
and clears it after the escalation. A date too early only costs a look: the step-reached
check under the claim's lock skips steps already reminded of, and moves the date on.
"""

import datetime as dt
import functools
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import roles, webhooks
from .bulk import batches, insert_rows
from .cadence import Step, cadence, first_reminder_on, plural, step_reached
from .digests import send_pending_digests, tick_window
from .models import Channel, Claim, ClaimEvent, ClaimStatus, EventKind, Reminder, newsroom_today
from .sweep_run import SweepLock, SweepRun, SweepSummary

logger = logging.getLogger(__name__)

# Claims per transaction while recording: few round trips, yet the row locks, the
# transaction and the memory of one chunk stay small whatever the backlog.
CHUNK_SIZE = 2000


# --- Who is told --------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    id: int
    username: str
    email: str


def active_editors() -> list[Recipient]:
    user_model = get_user_model()
    rows = roles.active_editors().values_list(
        "pk", user_model.USERNAME_FIELD, user_model.get_email_field_name()
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
        run = SweepRun(
            now=now,
            today=newsroom_today(now),
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


def record_due_reminders(run: SweepRun) -> None:
    """Record a reminder for every open claim that has reached a step not yet recorded.

    Candidates are the open claims whose next_reminder_on has come, read from the partial
    index claim_open_next_reminder by keyset on (next_reminder_on, id), CHUNK_SIZE claims
    per transaction. Each is locked, its latest step reached is recorded unless it was
    already, and its next_reminder_on moves on to its next step (after today), so a sweep
    with nothing due reads an empty index range.
    """
    steps = cadence()
    # Looked up once per sweep, and only if a claim needs them: a sweep with nothing due
    # stays a handful of queries.
    editors = functools.cache(active_editors)
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
                for claim_id in _record_step(group, step=step, run=run, editors=editors):
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
    rows = claims.values_list("pk", "next_reminder_on")[:CHUNK_SIZE]
    return [(pk, on) for pk, on in rows if on is not None]  # never None: filtered above


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
        for batch in batches(ids):
            Claim.objects.filter(pk__in=batch).update(next_reminder_on=on)


def _record_step(
    rows: Sequence[Any],
    *,
    step: Step,
    run: SweepRun,
    editors: Callable[[], list[Recipient]],
) -> set[int]:
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
            editors=editors,
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
    # "Claim overdue" for each claim recorded, whatever the step and whether or not anyone
    # could be told: its event id is made of the claim and due date, so only the first
    # sweep to see the claim overdue for that date writes it (claims.webhooks.queue_overdue).
    webhooks.queue_overdue(
        (row.id, row.due_date) for row in rows if (row.id, row.due_date) not in done
    )
    return unrouted


def _event_note(*, step: Step, people: Sequence[Recipient], to_assignee: bool, days: int) -> str:
    names = ", ".join(person.username for person in people[:5])
    if len(people) > 5:
        names += f" and {len(people) - 5} more"
    overdue = plural(days, "day") + " overdue"
    if step.escalation:
        return f"escalated to the editors ({names}), {overdue}"
    to = names if to_assignee else f"the editors ({names})"
    return f"{step.name} to {to}, {overdue}"
