"""An editor publishes a resolved claim; an anonymous visitor opens the claimant's public
scorecard, sees the meter and follows a count to the claim (issue 12)."""

import datetime as dt
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from claims import services
from claims.models import ClaimStatus
from tests.browser.pages import PASSWORD, log_in
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    OutletFactory,
    PersonFactory,
    TagFactory,
    UserFactory,
)

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


def test_a_visitor_walks_the_outlet_index_filters_a_card_and_finds_the_feed(
    browser, live_server, settings
) -> None:
    settings.PUBLIC_PAGES = True
    editor = UserFactory(username="editor", password=PASSWORD, groups=["Editors"])
    person = PersonFactory(name="Mayor Ada Lovelace")
    other = PersonFactory(name="Minister Grace Hopper")
    gazette = OutletFactory(name="The Gazette")
    roads = TagFactory(name="Roads", slug="roads")
    published = []
    for n, (who, status) in enumerate(
        [
            (person, ClaimStatus.FULFILLED),
            (person, ClaimStatus.NOT_FULFILLED),
            (other, ClaimStatus.FULFILLED),
            (person, ClaimStatus.OPEN),
        ]
    ):
        claim = ClaimFactory(
            claimant=who,
            article=ArticleFactory(outlet=gazette, title=f"Council report {n}"),
            statement=f"Promise number {n} will be kept",
            due_date=dt.date(2026, 1 + n, 15),
        )
        if n == 0:
            claim.tags.add(roads)
        if status != ClaimStatus.OPEN:
            claim = services.resolve_claim(
                claim=claim,
                by=editor,
                version=claim.version,
                status=status,
                reason_code="cancelled" if status == ClaimStatus.NOT_FULFILLED else "",
                outcome_date=dt.date(2026, 1 + n, 10),
                public_note=f"Public note {n}.",
                note="Internal note PLUGH",
            )
        published.append(services.publish_claim(claim=claim, by=editor, version=claim.version))
    ClaimFactory(claimant=person, statement="An unpublished promise QUUX")

    staff = log_in(browser, live_server.url, "editor")
    for width in (1280, 390):
        anonymous = browser.new_context(viewport={"width": width, "height": 900}).new_page()
        anonymous.goto(f"{live_server.url}/public/scorecards/")
        anonymous.get_by_role("link", name="Outlets", exact=True).click()
        expect(
            anonymous.get_by_role("heading", name="Outlets by published claims tracked")
        ).to_be_visible()
        if SHOTS:
            anonymous.screenshot(path=f"{SHOTS}/public-outlets-{width}.png", full_page=True)
        assert (
            Axe().run(anonymous, options={"resultTypes": ["violations"]}).response["violations"]
            == []
        )
        anonymous.get_by_role("link", name="The Gazette").click()
        expect(anonymous.get_by_role("heading", name="Scorecard: The Gazette")).to_be_visible()
        anonymous.get_by_label("Claimant").select_option(label="Mayor Ada Lovelace")
        anonymous.get_by_label("Tag").select_option(label="Roads")
        anonymous.get_by_role("button", name="Apply").click()
        expect(anonymous.get_by_role("link", name="Clear filters")).to_be_visible()
        assert f"claimant={person.pk}" in anonymous.url and "tag=roads" in anonymous.url
        expect(anonymous.get_by_role("link", name="Fulfilled: 1")).to_be_visible()
        if SHOTS:
            anonymous.screenshot(
                path=f"{SHOTS}/public-outlet-card-filtered-{width}.png", full_page=True
            )
        assert (
            Axe().run(anonymous, options={"resultTypes": ["violations"]}).response["violations"]
            == []
        )
        content = anonymous.content()
        assert "QUUX" not in content and "PLUGH" not in content
        anonymous.get_by_role("link", name="Fulfilled: 1").click()
        expect(anonymous.get_by_role("link", name="Promise number 0 will be kept")).to_be_visible()
        expect(anonymous.get_by_text("Promise number 1 will be kept")).to_have_count(0)
        if SHOTS:
            anonymous.screenshot(path=f"{SHOTS}/public-count-claims-{width}.png", full_page=True)
        anonymous.get_by_role("link", name="Promise number 0 will be kept").click()
        anonymous.get_by_role("link", name="The Gazette").click()
        expect(anonymous.get_by_role("heading", name="Scorecard: The Gazette")).to_be_visible()
        anonymous.goto(f"{live_server.url}/public/scorecards/people/{person.pk}/")
        if SHOTS:
            anonymous.screenshot(path=f"{SHOTS}/public-claimant-card-{width}.png", full_page=True)
        feed = anonymous.get_by_role("link", name="Feed of resolutions")
        expect(feed).to_be_visible()
        answer = anonymous.request.get(f"{live_server.url}/public/resolutions.atom")
        assert answer.status == 200 and "Public note 0." in answer.text()
        assert "PLUGH" not in answer.text() and "QUUX" not in answer.text()

        # The same pages, logged in: the same bytes (no user, no session on them).
        if SHOTS:
            staff.set_viewport_size({"width": width, "height": 900})
            for name, path in (
                ("claims", "/public/claims/"),
                ("claim", f"/public/claims/{published[0].pk}/"),
                ("article", f"/public/articles/{published[0].article_id}/"),
                ("claimants", "/public/scorecards/"),
                ("outlets", "/public/scorecards/outlets/"),
                ("outlet-card", f"/public/scorecards/outlets/{gazette.pk}/"),
            ):
                staff.goto(f"{live_server.url}{path}")
                staff.screenshot(
                    path=f"{SHOTS}/public-{name}-logged-in-{width}.png", full_page=True
                )
                anonymous.goto(f"{live_server.url}{path}")
                anonymous.screenshot(path=f"{SHOTS}/public-{name}-{width}.png", full_page=True)


def test_a_reader_downloads_the_claims_behind_a_staff_count_as_csv(browser, live_server) -> None:
    UserFactory(username="reader", password=PASSWORD, groups=["Readers"])
    person = PersonFactory(name="Mayor Ada Lovelace")
    for n in range(3):
        ClaimFactory(claimant=person, statement=f"Promise number {n} will be kept")
    page = log_in(browser, live_server.url, "reader")
    page.goto(f"{live_server.url}/scorecards/people/{person.pk}/")
    page.get_by_role("link", name="claims tracked").click()
    expect(page.get_by_role("link", name="Download CSV")).to_be_visible()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/staff-count-claims-{width}.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    body = Path(download.value.path()).read_text(encoding="utf-8")
    assert body.startswith("id,url,statement")
    assert body.count("Promise number") == 3
    # Anonymous, the list and its CSV ask to log in.
    anonymous = browser.new_context(viewport={"width": 390, "height": 900}).new_page()
    anonymous.goto(f"{live_server.url}/scorecards/claims/?count=all&claimant={person.pk}")
    expect(anonymous.get_by_label("Password")).to_be_visible()
    if SHOTS:
        anonymous.screenshot(path=f"{SHOTS}/staff-count-claims-anonymous-390.png", full_page=True)
