"""Celery tasks of the claims app: thin wrappers around claims.reminders."""

import logging

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError, transaction

from . import reminders

logger = logging.getLogger(__name__)


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
)
def sweep_overdue(self: Task) -> dict[str, int]:
    """Record due reminders and send the email digests (PRODUCT.md, "Get reminded")."""
    if self.request.retries:
        logger.info("Reminder sweep: retry %d", self.request.retries)
    return reminders.sweep_overdue().as_dict()


def enqueue_sweep() -> bool:
    """Queue a sweep now; False, logged, if the broker cannot be reached. Never raises.

    For changes that make a reminder due before the next beat sweep (a deadline moved into
    the past). With the broker down nothing is lost: what is due lives in the database, and
    the next sweep that runs catches up.
    """
    try:
        with sweep_overdue.app.producer_or_acquire() as producer:
            # One attempt to connect and no retried publish: a web request must not wait
            # out kombu's reconnection loop (seconds per attempt) for a broker that is down.
            producer.connection.ensure_connection(max_retries=0)
            sweep_overdue.apply_async(producer=producer, retry=False)
    except Exception:  # kombu and redis-py raise many kinds of errors for a broker that is down
        logger.exception("Could not queue a reminder sweep; the next scheduled sweep will run it")
        return False
    return True


def queue_sweep() -> None:
    """Queue a sweep once the current transaction commits (like `delay_on_commit`), safely."""
    transaction.on_commit(enqueue_sweep)
