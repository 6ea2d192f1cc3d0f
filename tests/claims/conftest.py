import threading
from collections.abc import Iterator

import pytest
from django.db import connections
from pytest_django.fixtures import Settings

from claims.sweep_run import SweepLock


@pytest.fixture
def newsroom_in_new_york(settings: Settings) -> None:
    settings.TIME_ZONE = "America/New_York"
    settings.SITE_URL = "https://claimtrack.example"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REMINDER_FOLLOW_UP_DAYS = [3, 7]
    settings.REMINDER_ESCALATE_AFTER_DAYS = 14
    settings.REMINDER_DIGEST_MAX_CLAIMS = 50


@pytest.fixture
def sweep_running_elsewhere() -> Iterator[None]:
    """Another sweep holds the sweep lock (from its own thread and database connection)."""
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        lock = SweepLock()
        try:
            assert lock.acquire()
            holding.set()
            done.wait(60)
            lock.release()
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(30)
    yield
    done.set()
    holder.join(30)
