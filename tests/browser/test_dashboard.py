"""The dashboard in a real Chromium: filter to "mine", resolve a row inline, go back."""

import datetime as dt

import pytest
from playwright.sync_api import Browser, expect

from claims.models import Claim
from tests.browser.pages import PASSWORD, log_in
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_reviewer_filters_to_mine_resolves_inline_and_goes_back(
    browser: Browser,
    live_server,
) -> None:
    reviewer = UserFactory(username="rev", password=PASSWORD, groups=["Reviewers"])
    mine = ClaimFactory(
        statement="Trump and Putin will meet in Budapest",
        assignee=reviewer,
        due_date=dt.date(2025, 10, 31),
    )
    ClaimFactory(
        statement="Rubio will meet his counterparts",
        assignee=reviewer,
        due_date=dt.date(2025, 10, 26),
    )
    ClaimFactory(statement="Nobody's claim about Tomahawks", due_date=dt.date(2025, 10, 20))

    page = log_in(browser, live_server.url, "rev")
    page.goto(f"{live_server.url}/?who=all")
    rows = page.locator(".queue-row")
    expect(rows).to_have_count(3)
    page.evaluate("window.stillThisPage = true")

    page.get_by_label("Mine").check()
    expect(rows).to_have_count(2)
    expect(page).to_have_url(f"{live_server.url}/?view=overdue&who=mine")
    overdue = page.locator(".counter-overdue .count")
    expect(overdue).to_have_text("2")

    row = page.locator(f"#claim-row-{mine.pk}")
    row.get_by_text("Resolve", exact=True).click()
    row.get_by_label("Outcome", exact=True).select_option("not_fulfilled")
    row.get_by_label("Reason (if not fulfilled)").select_option("cancelled")
    row.get_by_label("Evidence link").fill("https://news.example/budapest-off")
    row.get_by_role("button", name="Record outcome").click()

    expect(page.locator(f"#claim-row-{mine.pk}")).to_have_count(0)
    expect(rows).to_have_count(1)
    expect(overdue).to_have_text("1")
    expect(page.locator(".counter-resolved .count")).to_have_text("1")
    expect(page.locator("#dashboard-status")).to_contain_text("Outcome recorded")
    assert page.evaluate("window.stillThisPage") is True
    page.screenshot(path="/tmp/claimtrack-dashboard.png", full_page=True)
    assert Claim.objects.get(pk=mine.pk).status == "not_fulfilled"

    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/?who=all")
    expect(page.get_by_label("All", exact=True)).to_be_checked()
    expect(rows).to_have_count(2)

    nobody = page.locator(".queue-row", has_text="Nobody's claim")
    page.evaluate("window.stillThisPage = true")  # the back button reloaded the page
    nobody.get_by_role("button", name="Take").click()
    expect(nobody).to_contain_text("Assignee: rev")
    expect(nobody.get_by_role("button", name="Take")).to_have_count(0)
    assert page.evaluate("window.stillThisPage") is True
