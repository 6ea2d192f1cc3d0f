import contextlib
import datetime as dt
import os
import socket
import threading
from collections.abc import Iterator

import pytest
import time_machine
from django.core.cache import caches

from tests.factories import UserFactory

# Tests marked `services` need the real PostgreSQL and Redis. Without DATABASE_URL and
# REDIS_URL they are skipped and say why; CI sets CLAIMTRACK_REQUIRE_SERVICES=1, which
# turns any skip into a failure so a green run means they really ran.
SERVICES_AVAILABLE = bool(os.environ.get("DATABASE_URL", "").startswith("postgres")) and bool(
    os.environ.get("REDIS_URL")
)
REQUIRE_SERVICES = os.environ.get("CLAIMTRACK_REQUIRE_SERVICES") == "1"


def pytest_configure(config: pytest.Config) -> None:
    if REQUIRE_SERVICES and not SERVICES_AVAILABLE:
        raise pytest.UsageError(
            "CLAIMTRACK_REQUIRE_SERVICES=1 but DATABASE_URL (PostgreSQL) or REDIS_URL is not set"
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A transactional test ends by emptying the database. Without serialized_rollback the
    # content types and permissions come back under new ids and the role groups of
    # migration 0002 do not come back at all, so every later test that reloads the
    # migrated data fails with duplicate keys, on PostgreSQL only, far from the culprit.
    careless = [
        item.nodeid
        for item in items
        if (marker := item.get_closest_marker("django_db"))
        and marker.kwargs.get("transaction")
        and not marker.kwargs.get("serialized_rollback")
    ]
    if careless:
        raise pytest.UsageError(
            "django_db(transaction=True) needs serialized_rollback=True here: "
            + ", ".join(careless)
        )
    if SERVICES_AVAILABLE:
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL and Redis: set DATABASE_URL=postgres://… and REDIS_URL=redis://…"
    )
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    report = yield
    if REQUIRE_SERVICES and report.skipped:
        report.outcome = "failed"
        report.longrepr = (
            f"skipped, but CLAIMTRACK_REQUIRE_SERVICES=1 forbids skips: {report.longrepr}"
        )
    return report


# Every test starts on this clock, whatever the real date: a Wednesday in March, away from
# month and year ends and daylight-saving changes. The clock ticks (timeouts and ordering
# still work); a test that needs another moment travels there itself.
FIXED_NOW = dt.datetime(2026, 3, 11, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fixed_clock(request: pytest.FixtureRequest) -> Iterator[None]:
    # Tests marked `slow` drive other processes (Chromium, a Celery worker, manage.py, the
    # whole stack) that read the real clock; a fixed clock here would only set the two apart
    # (a session cookie that expired before it was set). They use dates relative to today.
    if request.node.get_closest_marker("slow"):
        yield
        return
    with time_machine.travel(FIXED_NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # PBKDF2 at production strength costs ~0.3 s a user; tests don't need the strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _local_cache(settings) -> None:
    # As in production (DEBUG off): rows and counters kept per process, under keys made of
    # what they show. Emptied for each test: ids and timestamps repeat from one test to the
    # next (rolled back, time frozen), data does not.
    settings.CACHES = {
        **settings.CACHES,
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "public": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tests-public",
        },
    }
    caches["local"].clear()
    caches["public"].clear()
    # Public pages read their state on every request, so a change shows at once (a state
    # kept for a second is tested in tests/claims/test_public.py).
    settings.PUBLIC_STATE_SECONDS = 0


@pytest.fixture(autouse=True)
def _no_pending_sweep() -> None:
    # The marker of a pending sweep lives in Redis or var/ and outlives a test: left by one
    # test's change, it would keep the next test's change from queueing a sweep.
    from claims.tasks import SWEEP_PENDING_KEY

    caches["shared"].delete(SWEEP_PENDING_KEY)


@pytest.fixture(autouse=True)
def _no_api_rate_limit(settings) -> None:
    # The counts live in the shared cache by person and minute, and ids and the frozen
    # minute repeat from test to test; tests/api/test_limits.py turns the limit on.
    settings.API_RATE_LIMIT_PER_MINUTE = 0


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", groups=["Readers"])


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", groups=["Reviewers"])


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", groups=["Editors"])


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def as_reader(client, reader):
    client.force_login(reader)
    return client


@pytest.fixture
def as_reviewer(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def as_editor(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def hanging_server() -> Iterator[str]:
    """A TCP server on 127.0.0.1 that accepts connections and never answers: Redis frozen
    by SIGSTOP. Yields its redis:// URL."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                accepted.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/1"
    stop.set()
    thread.join(5)
    for conn in accepted:
        conn.close()
    server.close()
