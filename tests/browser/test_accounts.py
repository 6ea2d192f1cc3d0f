"""The pages this part of the app owns, checked by axe-core in a real Chromium: the login
and password pages, the error pages, and flash messages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.pages import PASSWORD, log_in
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


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
