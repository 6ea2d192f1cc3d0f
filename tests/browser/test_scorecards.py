"""A reader opens a claimant's scorecard, sees the meter and follows a count to the claim;
the scorecard pages have no axe-core violations and no CSP reports."""

import datetime as dt
import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.pages import PASSWORD, log_in
from tests.factories import ArticleFactory, ClaimFactory, OutletFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
# Set to a folder to keep screenshots of the pages (desktop and 390 px wide).
SHOTS = os.environ.get("SCORECARD_SHOTS", "")


def test_a_reader_follows_a_count_from_the_meter_to_the_claim(browser, live_server) -> None:
    UserFactory(username="reader", password=PASSWORD, groups=["Readers"])
    person = PersonFactory(name="Ada Minister")
    outlet = OutletFactory(name="The Daily")
    today = timezone.localdate()
    kept = ClaimFactory(
        claimant=person,
        article=ArticleFactory(outlet=outlet, published_date=today - dt.timedelta(days=200)),
        statement="The bridge will open",
        due_date=today - dt.timedelta(days=90),
        status="fulfilled",
        outcome_date=today - dt.timedelta(days=80),
        resolved_at=timezone.now(),
    )
    for days in (150, 60, 30):
        ClaimFactory(
            claimant=person,
            article=ArticleFactory(outlet=outlet, published_date=today - dt.timedelta(days=200)),
            due_date=today - dt.timedelta(days=days),
            status="not_fulfilled",
            reason_code="cancelled",
            outcome_date=today - dt.timedelta(days=days),
            resolved_at=timezone.now(),
        )
    ClaimFactory(claimant=person, due_date=today + dt.timedelta(days=20), statement="Taxes fall")
    page = log_in(browser, live_server.url, "reader")
    csp: list[str] = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security" in m.text else None)
    page.get_by_role("link", name="Scorecards").click()
    page.get_by_role("link", name="Ada Minister").click()
    expect(page.get_by_role("heading", name="Scorecard: Ada Minister")).to_be_visible()
    meter = page.get_by_role("img", name="Outcomes of Ada Minister’s 5 claims")
    expect(meter).to_be_visible()
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    assert [v["id"] for v in results.response["violations"]] == []
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/card-desktop.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=f"{SHOTS}/card-390.png", full_page=True)
        page.set_viewport_size({"width": 1200, "height": 900})
    page.get_by_role("row", name="Fulfilled 1").get_by_role("link", name="1").click()
    expect(page.get_by_role("heading", name="Fulfilled: Ada Minister")).to_be_visible()
    page.get_by_role("link", name=kept.statement).click()
    expect(page).to_have_url(f"{live_server.url}/claims/{kept.pk}/")
    page.goto(f"{live_server.url}/scorecards/outlets/{outlet.pk}/")
    expect(page.get_by_role("heading", name="Scorecard: The Daily")).to_be_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/outlet-desktop.png", full_page=True)
        page.goto(f"{live_server.url}/scorecards/")
        page.screenshot(path=f"{SHOTS}/index-desktop.png", full_page=True)
    assert csp == []
