"""The claim form in a real Chromium: a phrase that proposes no date clears the dates an
earlier phrase proposed, says so, and the claim is saved without a deadline (issue 11)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from claims.models import Claim
from tests.browser.pages import PASSWORD, log_in
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
# Screenshots for a person to look at, when asked for: CLAIMTRACK_SHOTS=/some/folder.
SHOTS = os.environ.get("CLAIMTRACK_SHOTS", "")


def shoot(page: Page, name: str) -> None:
    if not SHOTS:
        return
    page.screenshot(path=str(Path(SHOTS) / f"{name}-desktop.png"), full_page=True)
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(Path(SHOTS) / f"{name}-390.png"), full_page=True)
    if size:
        page.set_viewport_size(size)


def test_a_phrase_without_a_date_clears_the_proposed_dates(browser: Browser, live_server) -> None:
    article = ArticleFactory(
        title="Council to vote on library hours",
        body="The mayor said the council will vote on Sunday opening before the election.",
    )
    UserFactory(username="ed", password=PASSWORD, groups=["Editors"])
    page = log_in(browser, live_server.url, "ed")
    page.goto(f"{live_server.url}/articles/{article.pk}/claims/new/")
    page.get_by_label("Statement").fill("The council will vote on Sunday opening")
    phrase = page.get_by_label("Time phrase", exact=True)
    due = page.get_by_label("Due date")

    phrase.fill("within two weeks")
    expect(due).to_have_value("2025-10-31")
    expect(page.get_by_label("Earliest date")).to_have_value("2025-10-17")
    proposal = page.locator("#window-proposal")
    expect(proposal).to_contain_text("by Fri 31 Oct 2025")
    expect(proposal).to_contain_text("counted from the article's date, Fri 17 Oct 2025")
    shoot(page, "proposal")

    phrase.fill("before the election")
    expect(proposal).to_contain_text(
        "No date found in “before the election”: enter the dates yourself, or leave them "
        "empty for a claim with no deadline"
    )
    expect(due).to_have_value("")
    expect(page.get_by_label("Earliest date")).to_have_value("")
    shoot(page, "no-date")

    page.get_by_role("button", name="Log claim").click()
    expect(
        page.get_by_role("heading", name="The council will vote on Sunday opening")
    ).to_be_visible()
    claim = Claim.objects.get()
    assert claim.time_phrase == "before the election"
    assert claim.due_date is None and claim.earliest_date is None
