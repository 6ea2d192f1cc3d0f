"""Helpers the browser tests share: logging in as a person would."""

from playwright.sync_api import Browser, Page, expect

PASSWORD = "browser-test-password"


def log_in(browser: Browser, base_url: str, username: str) -> Page:
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Claimtrack")).to_be_visible()
    return page
