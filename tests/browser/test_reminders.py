"""A reviewer in a real browser sees the unread count rise after a sweep and reads it."""

import datetime as dt
import os

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from claims.models import Channel, Reminder, newsroom_today
from claims.sweep import sweep_overdue
from tests.factories import ClaimFactory, PersonFactory, UserFactory

SCREENSHOT = "/tmp/claimtrack-notifications.png"
SCREENSHOT_PHONE = "/tmp/claimtrack-notifications-phone.png"


def logged_in_page(browser: Browser, live_server_url: str, user: User) -> Page:
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1100, "height": 640})
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server_url,
            }
        ]
    )
    return context.new_page()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reviewer_sees_the_unread_count_rise_after_a_sweep_and_reads_it(
    browser: Browser, live_server: LiveServer, settings: Settings
) -> None:
    # Refresh every second, so the test sees the periodic refresh itself, not a reload.
    settings.NOTIFICATIONS_REFRESH_SECONDS = 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reviewer = UserFactory(username="rina", groups=["Reviewers"])
    trump = PersonFactory(name="Donald Trump")
    yesterday = newsroom_today() - dt.timedelta(days=1)
    claim = ClaimFactory(
        assignee=reviewer,
        claimant=trump,
        statement="Trump and Putin will meet in Budapest",
        due_date=yesterday,
    )
    # An older reminder, already read: its claim has had its second follow-up.
    earlier = ClaimFactory(
        assignee=reviewer,
        claimant=PersonFactory(name="Marco Rubio"),
        statement="Rubio will lead a meeting of high-level advisors next week",
        due_date=yesterday - dt.timedelta(days=8),
    )
    Reminder.objects.create(
        claim=earlier,
        recipient=reviewer,
        due_date=earlier.due_date,
        step=2,
        channel=Channel.IN_APP,
        created_at=timezone.now() - dt.timedelta(days=5),
        sent_at=timezone.now() - dt.timedelta(days=5),
        read_at=timezone.now() - dt.timedelta(days=4),
    )
    page = logged_in_page(browser, live_server.url, reviewer)
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(live_server.url + "/")
    nav_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications")
    expect(nav_link).to_have_attribute("aria-label", "Notifications, 0 unread")

    sweep_overdue()

    # No reload: the count refreshes itself.
    expect(nav_link).to_have_attribute("aria-label", "Notifications, 1 unread", timeout=5000)
    expect(nav_link.locator(".notification-count")).to_have_text("1")

    nav_link.click()
    expect(page).to_have_url(live_server.url + "/notifications/")
    unread_row = page.locator("tr.unread")
    expect(unread_row).to_have_count(1)
    expect(unread_row).to_contain_text("Trump and Putin will meet in Budapest")
    expect(unread_row).to_contain_text("First reminder")
    expect(page.locator("tbody tr")).to_have_count(2)
    page.screenshot(path=SCREENSHOT, full_page=True)
    page.set_viewport_size({"width": 390, "height": 760})
    page.screenshot(path=SCREENSHOT_PHONE, full_page=True)
    page.set_viewport_size({"width": 1100, "height": 640})

    unread_row.get_by_role("button", name="Mark read").click()

    expect(page.locator("tr.unread")).to_have_count(0)
    expect(nav_link).to_have_attribute("aria-label", "Notifications, 0 unread")
    expect(page).to_have_url(live_server.url + "/notifications/")
    assert Reminder.objects.get(claim=claim, channel=Channel.IN_APP).read_at is not None

    page.get_by_role("link", name="Trump and Putin will meet in Budapest").click()
    expect(page).to_have_url(live_server.url + claim.get_absolute_url())
    # Scripts and styles only from static files: the CSP refused nothing, nothing broke.
    assert problems == []
    assert os.path.getsize(SCREENSHOT) > 0
