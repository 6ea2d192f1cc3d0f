"""Your settings in a real Chromium: the username leads there, a feed address is created and
works without a login, the page passes axe-core."""

import datetime as dt

import icalendar
import pytest
from playwright.sync_api import expect

from tests.browser.pages import PASSWORD, log_in
from tests.browser.test_accounts import violations
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_reviewer_creates_a_calendar_address_and_a_calendar_reads_it(
    browser, live_server
) -> None:
    reviewer = UserFactory(username="reviewer", password=PASSWORD, groups=["Reviewers"])
    due = dt.date.today() + dt.timedelta(days=5)
    claim = ClaimFactory(assignee=reviewer, due_date=due, article__published_date=dt.date.today())
    page = log_in(browser, live_server.url, "reviewer")
    page.get_by_role("link", name="reviewer").click()
    expect(page.get_by_role("heading", name="Your settings")).to_be_visible()
    assert violations(page) == []
    feed = page.locator("#feed-ical")
    feed.get_by_role("button", name="Create address").click()
    address = page.get_by_label("Due dates (iCalendar): new address")
    expect(address).to_be_visible()
    assert violations(page) == []
    url = address.input_value()
    path = url[url.index("/feeds/") :]
    # A calendar has no session: a fresh context.
    response = browser.new_context().request.get(f"{live_server.url}{path}")
    assert response.status == 200
    (event,) = icalendar.Calendar.from_ical(response.body()).walk("VEVENT")
    assert event.decoded("dtstart") == due
    assert str(event["uid"]).startswith(f"claim-{claim.pk}@")
