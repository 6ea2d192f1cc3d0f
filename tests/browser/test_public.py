"""An editor publishes a resolved claim; an anonymous reader then opens its public page,
which axe-core finds no violations on."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from claims import services
from claims.models import ClaimStatus
from tests.browser.pages import PASSWORD, log_in
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_editor_publishes_and_an_anonymous_reader_sees_the_verdict(
    browser, live_server, settings
) -> None:
    settings.PUBLIC_PAGES = True
    editor = UserFactory(username="editor", password=PASSWORD, groups=["Editors"])
    claim = ClaimFactory(statement="The new bridge will open by spring")
    claim = services.resolve_claim(
        claim=claim,
        by=editor,
        version=claim.version,
        status=ClaimStatus.FULFILLED,
        outcome_date=dt.date.today(),
        note="Internal: checked with the ministry",
        public_note="The bridge opened to traffic.",
    )
    page = log_in(browser, live_server.url, "editor")
    page.goto(f"{live_server.url}{claim.get_absolute_url()}")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("button", name="Unpublish")).to_be_visible()

    anonymous = browser.new_context(viewport={"width": 390, "height": 800}).new_page()
    anonymous.goto(f"{live_server.url}/public/claims/")
    anonymous.get_by_role("link", name="The new bridge will open by spring").click()
    expect(anonymous.get_by_text("The bridge opened to traffic.")).to_be_visible()
    expect(anonymous.get_by_text("Fulfilled", exact=True)).to_be_visible()
    assert "checked with the ministry" not in anonymous.content()
    results = Axe().run(anonymous, options={"resultTypes": ["violations"]})
    assert results.response["violations"] == []
