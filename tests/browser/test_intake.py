"""Claim intake in a real Chromium: an editor takes the seed article's suggestions, logging
the Budapest claim in one step and dismissing another, without a page reload.

With CLAIMTRACK_SHOTS=<folder> it also saves screenshots (desktop and 390 px wide) of the
pages involved, for a person to look at.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from articles.importing import import_paths
from articles.models import Article
from claims import tasks
from claims.models import Claim, PersonAlias, Suggestion, SuggestionStatus
from tests.browser.pages import PASSWORD, log_in
from tests.factories import PersonFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
SHOTS = os.environ.get("CLAIMTRACK_SHOTS", "")

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def shoot(page: Page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}-desktop.png", full_page=True)
    suggestions = page.locator("#suggestions")
    if suggestions.count():
        suggestions.screenshot(path=f"{SHOTS}/{name}-desktop-suggestions.png")
    width = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{SHOTS}/{name}-390.png", full_page=True)
    page.screenshot(path=f"{SHOTS}/{name}-390-top.png")
    if suggestions.count():
        suggestions.screenshot(path=f"{SHOTS}/{name}-390-suggestions.png")
    if width:
        page.set_viewport_size(width)


def test_an_editor_logs_one_suggestion_and_dismisses_another_without_a_reload(
    browser: Browser, live_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The people tracked already, as the demo data has them.
    trump = PersonFactory(name="Donald Trump")
    for alias in ("Trump", "Mr. Trump", "President Trump"):
        PersonAlias.objects.create(person=trump, alias=alias)
    # The worker's part, run here: the task queued once the import committed.
    monkeypatch.setattr(tasks, "queue_suggestions", lambda ids: tasks.suggest_claims.run(ids))
    import_paths([ROOT / "seeds"])
    article = Article.objects.get()
    assert Suggestion.objects.filter(article=article).count() >= 4
    UserFactory(username="ed", password=PASSWORD, groups=["Editors"])

    page = log_in(browser, live_server.url, "ed")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    page.evaluate("window.notReloaded = true")
    shoot(page, "1-article-suggestions")

    budapest = page.locator(".suggestion").filter(has_text="sometime during the next two weeks")
    expect(budapest).to_contain_text("Donald Trump")
    expect(budapest).to_contain_text("Fri 17 Oct to Fri 31 Oct 2025")
    pending = Suggestion.objects.get(
        article=article, time_phrase="sometime during the next two weeks"
    )
    expect(page.locator(f'#article-body a[href="#suggestion-{pending.pk}"]')).to_be_visible()

    budapest.get_by_role("button", name="Log", exact=True).click()
    expect(page.locator(".message")).to_contain_text("Claim logged")
    claim = Claim.objects.get()
    assert (claim.claimant.name, str(claim.earliest_date), str(claim.due_date)) == (
        "Donald Trump",
        "2025-10-17",
        "2025-10-31",
    )
    # The suggestion left the list; the passage is now the claim's mark.
    expect(page.locator(f"#suggestion-{pending.pk}")).to_have_count(0)
    expect(page.locator(f'#article-body a[href="{claim.get_absolute_url()}"]')).to_be_visible()
    expect(page.get_by_role("heading", name="Claims in this article")).to_be_visible()

    tomahawk = page.locator(".suggestion").filter(has_text="Tomahawk")
    tomahawk.get_by_role("button", name="Dismiss").click()
    expect(page.locator(".message")).to_contain_text("Suggestion dismissed")
    expect(page.locator(".suggestion").filter(has_text="Tomahawk")).to_have_count(0)
    assert Suggestion.objects.filter(status=SuggestionStatus.DISMISSED).count() == 1
    assert page.evaluate("window.notReloaded") is True
    shoot(page, "2-after-log-and-dismiss")

    page.goto(f"{live_server.url}/articles/")
    expect(page.locator(".intake-counts")).to_contain_text("1 claim logged")
    shoot(page, "3-article-list")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Articles with suggestions to review").click()
    expect(page.get_by_role("heading", name="Articles with suggestions to review")).to_be_visible()
    expect(page.locator("#review-results")).to_contain_text(article.title)
    shoot(page, "4-articles-to-review")
