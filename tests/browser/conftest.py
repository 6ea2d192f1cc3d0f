"""Browser tests: a real Chromium (Debian's, driven by Playwright) against a live server.

Every test in this folder is marked `browser` and `slow`.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


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
