"""What one reminder sweep carries from recording (claims.sweep) to sending
(claims.digests): the lock that makes it the only sweep running, its clock and time limit,
and the summary of what it did.

One sweep at a time: a sweep holds SweepLock while it works (a PostgreSQL advisory lock, a
file lock on SQLite); a second sweep, started by beat, a change, or by hand, finds it taken
and returns at once, saying so. Two sweeps recording side by side used to split a person's
reminders between them, and each sent its own digest.
"""

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection

from .cadence import plural

logger = logging.getLogger(__name__)

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
            f"{plural(self.claims, 'claim')} due for reminders; "
            f"recorded {plural(self.reminders, 'reminder')} "
            f"for {plural(len(self.people), 'person', 'people')}; "
            f"sent {plural(self.digests_sent, 'digest')}; {self.digests_failed} failed"
        )
        if self.unrouted:
            text += f"; {plural(self.unrouted, 'claim')} with nobody to remind (no active editors)"
        if self.stopped:
            text += f"; stopped early: {self.stopped}, the next sweep goes on"
        return text


@dataclass
class SweepRun:
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
