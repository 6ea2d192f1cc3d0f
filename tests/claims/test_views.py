import datetime as dt

import pytest
import time_machine

from claims.models import Claim, ClaimStatus, EventKind
from tests.factories import ArticleFactory, ClaimFactory, PersonFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
SEED_LIKE = (
    "Mr. Trump says that he and Mr. Putin agreed to meet at Budapest. "
    "The president said the meeting would likely take place sometime during the next two weeks."
)


def test_resolve_over_htmx_returns_only_the_live_region(as_reviewer) -> None:
    claim = ClaimFactory()
    response = as_reviewer.post(
        f"/claims/{claim.pk}/resolve/",
        {
            "version": 1,
            "status": "not_fulfilled",
            "reason_code": "cancelled",
            "outcome_date": "2025-10-22",
            "evidence_url": "https://news.example/cancelled",
        },
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="claim-live"')
    assert "<html" not in html
    assert "marked it <strong>Not fulfilled</strong> (Cancelled)" in html
    assert "https://news.example/cancelled" in html
    claim.refresh_from_db()
    assert claim.status == "not_fulfilled" and claim.version == 2


def test_resolve_as_a_plain_form_post_redirects_to_the_claim(as_reviewer) -> None:
    claim = ClaimFactory()
    response = as_reviewer.post(
        f"/claims/{claim.pk}/resolve/", {"version": 1, "status": "fulfilled"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/claims/{claim.pk}/"
    page = as_reviewer.get(response["Location"]).content.decode()
    assert "Outcome recorded." in page
    assert "Fulfilled" in page


def test_a_stale_form_gets_409_with_what_changed_and_the_current_state(as_reviewer) -> None:
    claim = ClaimFactory()
    as_reviewer.post(
        f"/claims/{claim.pk}/resolve/", {"version": 1, "status": "fulfilled", "note": "Met"}
    )
    response = as_reviewer.post(
        f"/claims/{claim.pk}/resolve/",
        {"version": 1, "status": "not_fulfilled", "reason_code": "other"},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "not saved" in html
    assert "marked it <strong>Fulfilled</strong>" in html
    assert 'name="version" value="2"' in html
    claim.refresh_from_db()
    assert claim.status == "fulfilled"


def test_a_stale_plain_post_also_gets_409_and_the_full_page(as_reviewer) -> None:
    claim = ClaimFactory()
    as_reviewer.post(f"/claims/{claim.pk}/take/", {"version": 1})
    response = as_reviewer.post(
        f"/claims/{claim.pk}/snooze/", {"version": 1, "until": "2099-01-01"}
    )
    assert response.status_code == 409
    assert "<html" in response.content.decode()


def test_an_invalid_form_answers_422_with_the_errors_in_place(as_reviewer) -> None:
    claim = ClaimFactory()
    response = as_reviewer.post(
        f"/claims/{claim.pk}/resolve/", {"version": 1, "status": "not_fulfilled"}, **HTMX
    )
    assert response.status_code == 422
    assert "Say why it was not fulfilled." in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.OPEN


def test_each_review_action_writes_its_event(as_reviewer, reviewer) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 31))
    posts = [
        ("take", {}),
        ("evidence", {"url": "https://news.example/a", "title": "Report"}),
        ("deadline", {"due_date": "2025-11-30", "reason": "Postponed by the White House"}),
        ("snooze", {"until": "2099-11-03", "reason": "After the summit"}),
        ("resolve", {"status": "fulfilled", "outcome_date": "2025-11-20"}),
        ("reopen", {"note": "Turned out false"}),
    ]
    for version, (action, data) in enumerate(posts, start=1):
        response = as_reviewer.post(
            f"/claims/{claim.pk}/{action}/", {"version": version, **data}, **HTMX
        )
        assert response.status_code == 200, (action, response.content.decode()[:2000])
    kinds = list(claim.events.order_by("id").values_list("kind", flat=True))
    assert kinds == [
        EventKind.ASSIGNED,
        EventKind.EVIDENCE_ADDED,
        EventKind.DEADLINE_CHANGED,
        EventKind.SNOOZED,
        EventKind.STATUS_CHANGED,
        EventKind.STATUS_CHANGED,
    ]
    claim.refresh_from_db()
    assert claim.assignee == reviewer
    assert claim.due_date == dt.date(2025, 11, 30)
    assert claim.status == ClaimStatus.OPEN


def test_the_claim_page_shows_quote_window_evidence_and_timeline_newest_first(as_reviewer) -> None:
    article = ArticleFactory(body=SEED_LIKE)
    start = SEED_LIKE.index("sometime during")
    claim = ClaimFactory(
        article=article,
        statement="Trump and Putin will meet in Budapest",
        quote="sometime during the next two weeks",
        quote_start=start,
        quote_end=start + 34,
        precision="week",
        earliest_date=dt.date(2025, 10, 17),
    )
    as_reviewer.post(f"/claims/{claim.pk}/take/", {"version": 1})
    as_reviewer.post(f"/claims/{claim.pk}/evidence/", {"version": 2, "note": "Summit off"})
    html = as_reviewer.get(f"/claims/{claim.pk}/").content.decode()
    assert "<mark>sometime during the next two weeks</mark>" in html
    assert "by Fri 31 Oct 2025" in html
    assert "Summit off" in html
    assert html.index("added evidence") < html.index("took the claim")


@time_machine.travel(dt.datetime(2025, 10, 20, 12, tzinfo=dt.UTC))
def test_log_claim_from_a_selection_proposes_the_window(as_editor) -> None:
    article = ArticleFactory(body=SEED_LIKE, published_date=dt.date(2025, 10, 17))
    quote = "sometime during the next two weeks"
    start = SEED_LIKE.index(quote)
    page = as_editor.get(
        f"/articles/{article.pk}/claims/new/",
        {"quote": quote, "quote_start": start, "quote_end": start + len(quote)},
    ).content.decode()
    assert 'value="2025-10-31"' in page
    assert "by Fri 31 Oct 2025 (within two weeks of 17 Oct)" in page
    response = as_editor.post(
        f"/articles/{article.pk}/claims/new/",
        {
            "quote": quote,
            "quote_start": start,
            "quote_end": start + len(quote),
            "statement": "Trump and Putin will meet in Budapest",
            "claimant": "Donald Trump",
            "claim_type": "prediction",
            "time_phrase": quote,
            "due_date": "2025-10-31",
            "earliest_date": "2025-10-17",
            "precision": "week",
            "tags": "Russia, Ukraine",
        },
    )
    claim = Claim.objects.get()
    assert response["Location"] == f"/claims/{claim.pk}/"
    assert (claim.quote_start, claim.quote_end) == (start, start + len(quote))
    assert claim.claimant.name == "Donald Trump"
    assert sorted(t.name for t in claim.tags.all()) == ["Russia", "Ukraine"]
    article_page = as_editor.get(f"/articles/{article.pk}/").content.decode()
    assert f'<a class="claim-mark" href="/claims/{claim.pk}/" data-offset="{start}"' in article_page


def test_a_typed_quote_must_occur_in_the_article(as_editor) -> None:
    article = ArticleFactory(body=SEED_LIKE)
    response = as_editor.post(
        f"/articles/{article.pk}/claims/new/",
        {"quote": "words not in it", "statement": "x", "claim_type": "other"},
    )
    assert response.status_code == 422
    assert "does not occur in the article" in response.content.decode()
    assert not Claim.objects.exists()


def test_a_prediction_needs_a_due_date_unless_vague(as_editor) -> None:
    article = ArticleFactory()
    data = {"statement": "It will happen", "claim_type": "prediction"}
    assert as_editor.post(f"/articles/{article.pk}/claims/new/", data).status_code == 422
    response = as_editor.post(
        f"/articles/{article.pk}/claims/new/", {**data, "vague": "on", "time_phrase": "soon"}
    )
    assert response.status_code == 302


def test_the_claimant_matches_an_existing_person(as_editor) -> None:
    person = PersonFactory(name="Marco Rubio")
    article = ArticleFactory()
    as_editor.post(
        f"/articles/{article.pk}/claims/new/",
        {"statement": "Advisers will meet", "claim_type": "other", "claimant": "marco rubio"},
    )
    assert Claim.objects.get().claimant == person


def test_the_time_phrase_preview_swaps_the_words_and_the_date_fields(as_editor) -> None:
    article = ArticleFactory(published_date=dt.date(2025, 10, 17))
    response = as_editor.get(
        "/claims/window/", {"article": article.pk, "time_phrase": "next week"}, **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<p id="window-proposal"')
    assert "week of Mon 20 Oct 2025" in html
    assert 'hx-swap-oob="true"' in html
    assert 'value="2025-10-20"' in html and 'value="2025-10-26"' in html


def test_an_unknown_phrase_asks_for_dates_and_clears_them(as_editor) -> None:
    article = ArticleFactory()
    html = as_editor.get(
        "/claims/window/", {"article": article.pk, "time_phrase": "xyzzy"}
    ).content.decode()
    assert "No date found in “xyzzy”: enter the dates yourself" in html
    # The date fields are swapped in empty: an earlier phrase's dates do not stay behind.
    assert 'id="window-fields" hx-swap-oob="true"' in html
    assert 'name="due_date" value=' not in html


def test_edit_claim_with_a_stale_version_shows_the_conflict(as_editor, editor) -> None:
    claim = ClaimFactory(statement="Original")
    as_editor.post(f"/claims/{claim.pk}/take/", {"version": 1})
    response = as_editor.post(
        f"/claims/{claim.pk}/edit/",
        {"version": 1, "statement": "Changed", "claim_type": "other"},
    )
    assert response.status_code == 409
    assert "not saved" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).statement == "Original"


def test_edit_claim_saves_and_records_the_change(as_editor) -> None:
    claim = ClaimFactory(statement="Original", claim_type="other")
    response = as_editor.post(
        f"/claims/{claim.pk}/edit/",
        {"version": 1, "statement": "Changed", "claim_type": "other", "tags": "Budget"},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.statement == "Changed"
    event = claim.events.get()
    assert set(event.data["changes"]) >= {"statement", "tags"}


def test_a_stale_and_invalid_form_says_first_that_someone_else_changed_the_claim(
    as_reviewer, editor
) -> None:
    claim = ClaimFactory()
    as_reviewer.post(f"/claims/{claim.pk}/take/", {"version": 1})
    response = as_reviewer.post(
        f"/claims/{claim.pk}/resolve/",
        {"version": 1, "status": "not_fulfilled", "note": "Called off"},  # no reason
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "This claim changed while you were working on it" in html
    assert "took the claim" in html
    assert "Say why it was not fulfilled." in html
    # The form keeps what was typed, now at the version its user has been shown.
    assert "\nCalled off</textarea>" in html
    assert 'name="version" value="2" id="id_resolve_version"' in html
    assert 'name="version" value="1"' not in html
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.OPEN


def test_a_stale_form_refused_by_the_service_also_says_the_claim_changed(as_reviewer) -> None:
    claim = ClaimFactory()
    as_reviewer.post(f"/claims/{claim.pk}/take/", {"version": 1})
    with time_machine.travel(dt.datetime(2025, 11, 5, 12, tzinfo=dt.UTC), tick=False):
        response = as_reviewer.post(
            f"/claims/{claim.pk}/resolve/",
            {"version": 1, "status": "fulfilled", "outcome_date": "2025-12-01"},
            **HTMX,
        )
    html = response.content.decode()
    assert response.status_code == 409
    assert "This claim changed while you were working on it" in html
    assert "The outcome date is in the future." in html
