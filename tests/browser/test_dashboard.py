"""The dashboard in a real Chromium: filter to "mine", resolve a row inline, go back."""

import datetime as dt

import pytest
from playwright.sync_api import Browser, expect

from claims.models import Claim, ClaimStatus, EventKind
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

    done = page.locator(f"#claim-row-{mine.pk}")
    expect(done).to_contain_text("Marked not fulfilled: Trump and Putin will meet in Budapest")
    expect(done.locator(".row-statement")).to_have_count(0)
    expect(rows.locator(".row-statement")).to_have_count(1)
    expect(overdue).to_have_text("1")
    expect(page.locator(".counter-resolved .count")).to_have_text("1")
    expect(page.locator("#dashboard-status")).to_contain_text("Marked not fulfilled")
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


def test_one_row_form_open_at_a_time_across_the_row_then_resolve_and_undo(
    browser: Browser, live_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("claims.views.UNDO_SECONDS", 2)
    UserFactory(username="rev", password=PASSWORD, groups=["Reviewers"])
    budapest = ClaimFactory(
        statement="Trump and Putin will meet in Budapest", due_date=dt.date(2025, 10, 31)
    )
    rubio = ClaimFactory(
        statement="Rubio will meet his counterparts", due_date=dt.date(2025, 10, 26)
    )

    page = log_in(browser, live_server.url, "rev")
    page.goto(f"{live_server.url}/?who=all")
    first, second = (
        page.locator(f"#claim-row-{rubio.pk}"),
        page.locator(f"#claim-row-{budapest.pk}"),
    )

    first.get_by_text("Snooze", exact=True).click()
    expect(first.get_by_label("Remind me again on")).to_be_focused()
    second.get_by_text("Resolve", exact=True).click()
    outcome = second.get_by_label("Outcome", exact=True)
    expect(outcome).to_be_visible()
    # Opening one closed the other, and its form went with it.
    expect(first.locator("details[open]")).to_have_count(0)
    expect(first.locator(".row-panel form")).to_have_count(0)
    # Laid out across the row, not in a column beside it.
    row_box, form_box = second.bounding_box(), second.locator(".row-form").bounding_box()
    assert form_box["width"] > 0.9 * row_box["width"] - 40
    page.screenshot(path="/tmp/claimtrack-dashboard-form.png", full_page=True)

    # Refused (no reason given): the form comes back open, with what was chosen.
    outcome.select_option("not_fulfilled")
    second.get_by_label("Note").fill("Met in Budapest after all")
    second.get_by_role("button", name="Record outcome").click()
    expect(second.locator(".row-form .error")).to_have_text("Say why it was not fulfilled.")
    expect(second.get_by_label("Note")).to_have_value("Met in Budapest after all")
    outcome.select_option("fulfilled")
    second.get_by_role("button", name="Record outcome").click()
    expect(second).to_contain_text("Marked fulfilled: Trump and Putin will meet in Budapest")
    expect(page.locator(".counter-overdue .count")).to_have_text("1")
    page.screenshot(path="/tmp/claimtrack-dashboard-undo.png", full_page=True)

    second.get_by_role("button", name="Undo").click()
    expect(second.locator(".row-statement")).to_have_text("Trump and Putin will meet in Budapest")
    expect(second).to_contain_text("Reopened: Trump and Putin will meet in Budapest")
    expect(page.locator(".counter-overdue .count")).to_have_text("2")
    budapest.refresh_from_db()
    assert budapest.status == ClaimStatus.OPEN
    assert list(budapest.events.values_list("kind", flat=True)) == [
        EventKind.STATUS_CHANGED,
        EventKind.STATUS_CHANGED,
    ]
    # The message goes after a few seconds; the row stays.
    expect(second.locator(".row-done")).to_have_count(0)
    expect(second.locator(".row-statement")).to_be_visible()
