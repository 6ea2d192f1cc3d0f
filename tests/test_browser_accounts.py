"""The pages this part of the app owns, checked by axe-core in a real Chromium: the login
and password pages, the error pages, and flash messages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.factories import ClaimFactory, UserFactory

PASSWORD = "browser-test-password"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def violations(page: Page, rules: list[str] | None = None) -> list[str]:
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    results = Axe().run(page, options=options)
    return [
        f"{v['id']}: {node['target']}"
        for v in results.response["violations"]
        for node in v["nodes"]
    ]


def log_in(browser: Browser, base_url: str, username: str) -> Page:
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Claimtrack")).to_be_visible()
    return page


def test_the_account_and_error_pages_have_no_axe_violations(browser, live_server) -> None:
    UserFactory(username="reader", password=PASSWORD, groups=["Readers"])
    page = browser.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    assert violations(page) == []
    page = log_in(browser, live_server.url, "reader")
    for url in ["/accounts/password_change/", "/no/such/page/", "/articles/new/"]:
        page.goto(f"{live_server.url}{url}")
        assert violations(page) == [], url


def test_flash_messages_have_no_list_or_role_violations(browser, live_server) -> None:
    UserFactory(username="reviewer", password=PASSWORD, groups=["Reviewers"])
    claim = ClaimFactory()
    page = log_in(browser, live_server.url, "reviewer")
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    # Sent as a plain form, as without JavaScript: the answer is a page with a message.
    with page.expect_navigation():
        page.evaluate("document.querySelector('form[action$=\"/take/\"]').submit()")
    expect(page.get_by_role("status").filter(has_text="The claim is yours.")).to_be_visible()
    assert violations(page, ["listitem", "aria-allowed-role", "list"]) == []
