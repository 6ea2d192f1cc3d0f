"""The claims workflow in a real Chromium: an editor logs the Budapest claim from a
selection in the seed article; a reviewer resolves it without a page reload."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from articles.importing import import_paths
from articles.models import Article
from claims.models import Claim
from tests.browser.pages import PASSWORD, log_in
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
PHRASE = "sometime during the next two weeks"

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def select_text(page: Page, text: str) -> None:
    """Select `text` in the article body as a user dragging the mouse would."""
    page.evaluate(
        """(text) => {
            const body = document.getElementById("article-body");
            const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const node = walker.currentNode;
                const at = node.textContent.indexOf(text);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + text.length);
                    const selection = document.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    node.parentElement.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
                    return;
                }
            }
            throw new Error("text not found: " + text);
        }""",
        text,
    )


def test_an_editor_logs_a_claim_and_a_reviewer_resolves_it_inline(
    browser: Browser, live_server
) -> None:
    import_paths([ROOT / "seeds"])
    article = Article.objects.get()
    UserFactory(username="ed", password=PASSWORD, groups=["Editors"])
    UserFactory(username="rev", password=PASSWORD, groups=["Reviewers"])

    editor = log_in(browser, live_server.url, "ed")
    editor.goto(f"{live_server.url}/articles/{article.pk}/")
    select_text(editor, PHRASE)
    expect(editor.get_by_label("Quote")).to_have_value(PHRASE)
    editor.get_by_role("button", name="Log claim").click()

    expect(editor.get_by_role("heading", name="Log a claim")).to_be_visible()
    expect(editor.get_by_label("Time phrase", exact=True)).to_have_value(PHRASE)
    expect(editor.get_by_label("Due date")).to_have_value("2025-10-31")
    expect(editor.locator("#window-proposal")).to_contain_text("by Fri 31 Oct 2025")
    editor.get_by_label("Statement").fill("Trump and Putin will meet in Budapest")
    editor.get_by_label("Claimant").fill("Donald Trump")
    editor.get_by_label("Resolution criteria").fill("They meet in Budapest by 31 October.")
    editor.get_by_role("button", name="Log claim").click()

    expect(
        editor.get_by_role("heading", name="Trump and Putin will meet in Budapest")
    ).to_be_visible()
    claim = Claim.objects.get()
    assert claim.due_date.isoformat() == "2025-10-31"
    assert article.body[claim.quote_start : claim.quote_end] == PHRASE
    editor.goto(f"{live_server.url}/articles/{article.pk}/")
    highlight = editor.locator("a.claim-mark")
    expect(highlight).to_have_text(PHRASE)
    editor.screenshot(path="/tmp/claimtrack-article-highlight.png", full_page=True)
    highlight.click()
    expect(editor).to_have_url(f"{live_server.url}/claims/{claim.pk}/")

    reviewer = log_in(browser, live_server.url, "rev")
    reviewer.goto(f"{live_server.url}/claims/{claim.pk}/")
    # A page reload would drop this marker; an htmx swap keeps it.
    reviewer.evaluate("window.stillThisPage = true")
    reviewer.get_by_text("Resolve", exact=True).click()
    reviewer.get_by_role("combobox", name="Outcome").select_option("not_fulfilled")
    reviewer.get_by_role("combobox", name="Reason").select_option("cancelled")
    reviewer.get_by_label("Evidence link").fill("https://news.example/budapest-summit-off")
    reviewer.get_by_role("textbox", name="Note", exact=True).fill(
        "The White House said the summit was off."
    )
    reviewer.get_by_role("button", name="Record outcome").click()

    timeline = reviewer.locator("#timeline")
    expect(timeline).to_contain_text("marked it Not fulfilled (Cancelled)")
    expect(timeline).to_contain_text("added evidence")
    expect(reviewer.locator(".status-line")).to_contain_text("Not fulfilled")
    assert reviewer.evaluate("window.stillThisPage") is True
    reviewer.screenshot(path="/tmp/claimtrack-claim-resolved.png", full_page=True)
    claim.refresh_from_db()
    assert claim.status == "not_fulfilled" and claim.reason_code == "cancelled"
    assert claim.evidence.get().url == "https://news.example/budapest-summit-off"
