"""API tokens in a real Chromium: made from Your settings, the secret shown once on its own
page (no axe-core violations), back to the list, revoked."""

import pytest
from playwright.sync_api import expect

from tests.browser.pages import PASSWORD, log_in
from tests.browser.test_accounts import violations
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_reader_makes_a_token_copies_it_and_revokes_it(browser, live_server) -> None:
    UserFactory(username="reader", password=PASSWORD, groups=["Readers"])
    page = log_in(browser, live_server.url, "reader")
    page.get_by_role("link", name="reader").click()
    page.get_by_role("button", name="Make token").click()
    # Refused without a name, the error beside the field, still on the settings page.
    expect(page.get_by_text("This field is required.")).to_be_visible()
    expect(page.get_by_role("heading", name="Your settings")).to_be_visible()
    page.get_by_label("Name").fill("CMS sync")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Make token").click()
    expect(page.get_by_role("heading", name="New API token")).to_be_visible()
    secret = page.get_by_label("New API token CMS sync").input_value()
    assert secret.startswith("ct_")
    assert violations(page) == []
    page.get_by_role("link", name="Back to your settings").click()
    expect(page.get_by_role("heading", name="CMS sync")).to_be_visible()
    assert secret not in page.content()
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("Token revoked: it no longer works.")).to_be_visible()
    expect(page.locator("#api-tokens ~ ul strong", has_text="Revoked ")).to_be_visible()
