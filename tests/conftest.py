import os
from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.db import connections

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
    }
    caches["local"].clear()


@pytest.fixture(autouse=True)
def _no_pending_sweep() -> None:
    # The marker of a pending sweep lives in Redis or var/ and outlives a test: left by one
    # test's change, it would keep the next test's change from queueing a sweep.
    from claims.tasks import SWEEP_PENDING_KEY

    caches["shared"].delete(SWEEP_PENDING_KEY)


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


CHROMIUM = "/usr/bin/chromium"
# Headless Debian Chromium on a machine without a network (see README, "Tests").
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """A headless Chromium driven by Playwright, for tests marked `browser`."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # stay synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # While Playwright's event loop runs, Django keeps this test's connections apart
        # from the ones pytest-django closes; left open, they stop it from dropping the
        # test database at the end of the run.
        connections.close_all()
