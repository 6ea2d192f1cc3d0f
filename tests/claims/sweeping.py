"""Helpers shared by the reminder tests (test_sweep.py, test_digests.py).

The fixture that puts the newsroom in New York is `newsroom_in_new_york` in conftest.py.
"""

import datetime as dt
import threading
from collections.abc import Callable
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.db import OperationalError, connections

from claims.models import Channel, Claim, Reminder
from claims.sweep import sweep_overdue
from claims.sweep_run import SweepSummary

NEW_YORK = ZoneInfo("America/New_York")
DUE = dt.date(2025, 10, 31)


def sweep_at(when: dt.datetime) -> SweepSummary:
    """One sweep at `when`, a time in New York."""
    with time_machine.travel(when.replace(tzinfo=NEW_YORK), tick=False):
        return sweep_overdue()


def at(day: int, hour: int = 9, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, minute)


def steps_of(claim: Claim, channel: str = Channel.IN_APP) -> list[tuple[str, int, bool]]:
    return list(
        Reminder.objects.filter(claim=claim, channel=channel)
        .order_by("created_at", "step", "recipient__username")
        .values_list("recipient__username", "step", "escalation")
    )


def mails_to(username: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if message.to == [f"{username}@example.org"]]


def race(count: int, target: Callable[[], object]) -> list[object]:
    """Run `target` in `count` threads released at the same moment; their results."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = target()
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


class DatabaseErrorOnce:
    """An execute wrapper that fails the first statement containing `text` as a database
    that went away would, without sending it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.failed = False

    def __call__(
        self, execute: Callable, sql: str, params: object, many: bool, context: dict
    ) -> object:
        if self.text in sql and not self.failed:
            self.failed = True
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)
