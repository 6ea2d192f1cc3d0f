"""Email digests of the reminders recorded by the sweep (claims.sweep): one mail per person.

One email digest per recipient covers all of their unsent email reminders. The rows are
claimed (leased) before the mail goes out and marked sent after it went, so two sweeps
never send the same row; a failed send leaves them for a later sweep, with backoff.
"""

import datetime as dt
import heapq
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .bulk import batches
from .cadence import plural
from .models import Channel, Claim, ClaimStatus, Reminder, newsroom_today
from .sweep_run import SweepLock, SweepRun, SweepSummary

logger = logging.getLogger(__name__)

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
    run: SweepRun | None = None,
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
        for batch in batches(recipient_ids, RECIPIENTS_PER_LEASE):
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
        for batch in batches(ids):
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
        user=user, address=address, digest=collect_digest(rows, today=newsroom_today(now))
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
            for batch in batches(ids):
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
        for batch in batches(ids):
            Reminder.objects.filter(id__in=batch, sent_at__isnull=True).update(
                next_attempt_at=now + delay,
                leased_by="",
                last_error=error[:2000],
                attempts=F("attempts") + 1,
            )


def _release(ids: Sequence[int]) -> None:
    """Give back leased rows this sweep did not try: the next sweep takes them at once."""
    for batch in batches(ids):
        Reminder.objects.filter(id__in=batch, sent_at__isnull=True).update(
            next_attempt_at=None, leased_by=""
        )


def _settle_unsent(ids: Sequence[int], *, now: dt.datetime, reason: str) -> None:
    """Close email rows that must never be sent, saying why, so no sweep picks them up again."""
    for batch in batches(ids):
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
    items = []
    for claim_id, (due_date, escalation) in top:
        claim = found[claim_id]
        items.append(
            DigestItem(
                claim_id=claim_id,
                statement=claim.statement,
                claimant=claim.claimant.name if claim.claimant else "",
                due_date=due_date,
                days_overdue=(today - due_date).days,
                url=settings.SITE_URL + claim.get_absolute_url(),
                escalation=escalation,
            )
        )
    escalated = sum(escalation for _due, escalation in claims.values())
    return Digest(items=items, total=len(claims), escalated=escalated)


def build_digest(*, user: AbstractUser, address: str, digest: Digest) -> EmailMultiAlternatives:
    """The email: plain text and HTML, from templates that escape every text they show."""
    subject = f"Claimtrack: {plural(digest.total, 'overdue claim')} to review"
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
