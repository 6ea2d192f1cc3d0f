"""Celery tasks of the claims app: thin wrappers around claims.sweep and claims.webhooks."""

import logging

from celery import Task, shared_task
from django.conf import settings
from django.core.cache import caches
from django.db import InterfaceError, OperationalError, transaction

from . import sweep, webhooks

logger = logging.getLogger(__name__)

# Set while a sweep queued by a change is waiting to run: every change meanwhile is served
# by that one sweep, instead of queueing its own (160 deadline moves in two minutes used to
# queue 160 sweeps). The sweep deletes it when it starts, so a change after that queues
# the next one. In the "shared" cache: Redis with REDIS_URL, else files in var/.
SWEEP_PENDING_KEY = "sweep-pending"


def _pending_for() -> int:
    """Seconds a pending sweep stays pending, and its task stays valid in the queue.

    As long as a sweep can run (SWEEP_TIME_LIMIT_SECONDS, and the minute Celery gives it
    to stop) after its countdown: a worker busy with a long sweep still serves the changes
    made meanwhile with one sweep. If the task is lost (the broker restarted empty), the
    marker runs out and the next change queues another.
    """
    return settings.SWEEP_COALESCE_SECONDS + settings.SWEEP_TIME_LIMIT_SECONDS + 60


@shared_task(
    bind=True,
    # Late acknowledgement is safe: every step of the sweep can run twice (reminders are
    # recorded under a unique constraint, digests leased before they are sent), so a
    # worker lost mid-sweep only means the next worker does the rest.
    acks_late=True,
    # The database restarting or failing over costs a retry, not a lost sweep.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    # The sweep stops starting new work at SWEEP_TIME_LIMIT_SECONDS; a sweep stuck in one
    # call is interrupted 30 s later and its worker process killed 30 s after that (prefork
    # pool), well before the broker's visibility timeout would hand it out again.
    soft_time_limit=settings.SWEEP_TIME_LIMIT_SECONDS + 30,
    time_limit=settings.SWEEP_TIME_LIMIT_SECONDS + 60,
)
def sweep_overdue(self: Task, queued_by_change: bool = False) -> dict[str, int | bool | str]:
    """Record due reminders and send the email digests (PRODUCT.md, "Get reminded")."""
    if self.request.retries:
        logger.info("Reminder sweep: retry %d", self.request.retries)
    if queued_by_change:
        _clear_pending()
    summary = sweep.sweep_overdue(
        # The same id when the task is retried: it takes back the digests it had leased.
        sweep_id=self.request.id,
        scheduled=not queued_by_change,
    )
    if summary.skipped and queued_by_change:
        # The running sweep may have passed the claims this one was queued for.
        enqueue_sweep()
    return summary.as_dict()


def _clear_pending() -> None:
    try:
        caches["shared"].delete(SWEEP_PENDING_KEY)
    except Exception as exc:  # the marker runs out by itself
        logger.warning("Could not clear the pending sweep marker (%s: %s)", type(exc).__name__, exc)


def enqueue_sweep() -> bool:
    """Queue a sweep in SWEEP_COALESCE_SECONDS unless one is pending; False, logged, if the
    broker cannot be reached. Never raises, and never waits on the broker for longer than
    BROKER_TIMEOUT_SECONDS at a time.

    For changes that make a reminder due before the next beat sweep (a deadline moved into
    the past). With the broker down nothing is lost: what is due lives in the database, and
    the next sweep that runs catches up.
    """
    shared = caches["shared"]
    try:
        if not shared.add(SWEEP_PENDING_KEY, 1, timeout=_pending_for()):
            return True  # the sweep already pending sees this change too
        try:
            _publish_sweep()
        except Exception:
            shared.delete(SWEEP_PENDING_KEY)  # so that the next change tries again
            raise
    except (
        Exception
    ) as exc:  # kombu and redis-py raise many kinds of errors for a broker that is down
        # One line, no traceback: with the broker down every change would log one.
        logger.warning(
            "Could not queue a reminder sweep (%s: %s); the next scheduled sweep will run it",
            type(exc).__name__,
            exc,
        )
        return False
    return True


def _publish_sweep() -> None:
    app = sweep_overdue.app
    # A connection of its own with short socket timeouts (a broker that hangs rather than
    # refuses), one attempt to connect and no retried publish: a web request must not wait
    # out kombu's reconnection loop. One per pending sweep, so no pool is needed.
    with app.connection_for_write(
        transport_options=settings.WEB_BROKER_TRANSPORT_OPTIONS,
        connect_timeout=settings.BROKER_TIMEOUT_SECONDS,
    ) as conn:
        conn.ensure_connection(max_retries=0)
        sweep_overdue.apply_async(
            kwargs={"queued_by_change": True},
            countdown=settings.SWEEP_COALESCE_SECONDS,
            expires=_pending_for(),
            # celery-types leaves out connection=, which apply_async takes through **options.
            connection=conn,  # type: ignore[call-arg]
            retry=False,
        )


def queue_sweep() -> None:
    """Queue a sweep once the current transaction commits (like `delay_on_commit`), safely."""
    transaction.on_commit(enqueue_sweep)


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    max_retries=5,
)
def suggest_claims(article_ids: list[int]) -> int:
    """Read the claims suggested in these articles (one import chunk); safe to run twice:
    claims.intake stores suggestions idempotently and keeps every decision."""
    from . import intake

    return intake.suggest_for_articles(article_ids)


def queue_suggestions(article_ids: list[int]) -> bool:
    """Queue one task for the articles (called once they are committed). Never raises: an
    import must not fail because the broker is away; "Suggest claims" on the article page
    reads it later."""
    try:
        # No retried publish: a broker that is away must not hold up the import.
        suggest_claims.apply_async(args=(list(article_ids),), retry=False)
    except Exception as exc:  # kombu and redis-py raise many kinds of errors
        logger.warning(
            "Could not queue suggestions for %d articles (%s: %s)",
            len(article_ids),
            type(exc).__name__,
            exc,
        )
        return False
    return True


@shared_task(
    acks_late=True,
    # The database restarting costs a retry; the row stays claimed until its lease ends,
    # then beat queues it again.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    max_retries=5,
    # A send takes at most two timeouts (connect, answer); past that something hangs.
    soft_time_limit=2 * settings.WEBHOOK_TIMEOUT_SECONDS + 20,
    time_limit=2 * settings.WEBHOOK_TIMEOUT_SECONDS + 30,
)
def deliver_webhook(delivery_id: int) -> str:
    """Send one webhook delivery (claims.webhooks.deliver); safe to run twice: the row is
    claimed with a conditional UPDATE before it is sent. A failed send is tried again by a
    task queued for its backoff."""
    outcome = webhooks.deliver(delivery_id)
    if outcome.retry_in is not None:
        try:
            deliver_webhook.apply_async(args=(delivery_id,), countdown=outcome.retry_in)
        except Exception as exc:  # beat's redeliver_webhooks finds it in the outbox
            logger.warning("Could not queue the retry of webhook delivery %s: %s", delivery_id, exc)
    return outcome.result


@shared_task(acks_late=True, expires=60)
def redeliver_webhooks() -> int:
    """Queue again the deliveries whose task was lost (claims.webhooks.redeliver_lost)."""
    return webhooks.redeliver_lost()


@shared_task(acks_late=True)
def prune_webhook_log() -> int:
    """Forget deliveries settled more than WEBHOOK_LOG_DAYS ago (claims.webhooks.prune_log)."""
    return webhooks.prune_log()
