"""An editor publishes a resolved claim; an anonymous visitor opens the claimant's public
scorecard, sees the meter and follows a count to the claim (issue 12)."""

import datetime as dt
import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from claims import services
from claims.models import ClaimStatus
from tests.browser.pages import PASSWORD, log_in
from tests.factories import ClaimFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SHOTS = os.environ.get("SHOTS_DIR", "")


def test_an_anonymous_visitor_follows_a_public_scorecard_count_to_the_claim(
    browser, live_server, settings
) -> None:
    settings.PUBLIC_PAGES = True
    editor = UserFactory(username="editor", password=PASSWORD, groups=["Editors"])
    person = PersonFactory(name="Mayor Ada Lovelace")
    claim = ClaimFactory(
        claimant=person,
        statement="The tram line will open by June",
        due_date=dt.date(2026, 6, 30),
    )
    claim = services.resolve_claim(
        claim=claim,
        by=editor,
        version=claim.version,
        status=ClaimStatus.FULFILLED,
        outcome_date=dt.date(2026, 6, 20),
        note="Internal: confirmed by phone",
        public_note="The tram opened on 20 June.",
    )
    ClaimFactory(claimant=person, statement="An unpublished promise QUUX")

    page = log_in(browser, live_server.url, "editor")
    page.goto(f"{live_server.url}{claim.get_absolute_url()}")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("button", name="Unpublish")).to_be_visible()

    for width in (1280, 390):
        anonymous = browser.new_context(viewport={"width": width, "height": 900}).new_page()
        anonymous.goto(f"{live_server.url}/public/scorecards/")
        anonymous.get_by_role("link", name="Mayor Ada Lovelace").click()
        expect(
            anonymous.get_by_role("heading", name="Scorecard: Mayor Ada Lovelace")
        ).to_be_visible()
        meter = anonymous.get_by_role("img", name="Outcomes of Mayor Ada Lovelace’s 1 claims")
        expect(meter).to_be_visible()
        assert "QUUX" not in anonymous.content()
        assert "confirmed by phone" not in anonymous.content()
        if SHOTS:
            anonymous.screenshot(path=f"{SHOTS}/public-card-{width}.png", full_page=True)
        results = Axe().run(anonymous, options={"resultTypes": ["violations"]})
        assert results.response["violations"] == []

    anonymous.get_by_role("link", name="Fulfilled: 1").click()
    anonymous.get_by_role("link", name="The tram line will open by June").click()
    expect(anonymous.get_by_text("The tram opened on 20 June.")).to_be_visible()
    assert anonymous.url.endswith(f"/public/claims/{claim.pk}/")
    anonymous.get_by_role("link", name="Mayor Ada Lovelace").click()
    expect(anonymous.get_by_role("heading", name="Scorecard: Mayor Ada Lovelace")).to_be_visible()
