"""Suggestions over the API: an article's suggested claims, logged as a claim or dismissed
by an editor through claims.intake, and the second of two editors told so (409)."""

import pytest
from django.test import Client

from claims.models import Claim, SuggestionStatus
from tests.api.resources import make_suggestion
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_an_articles_suggestions_by_status(as_reader: Client) -> None:
    article = ArticleFactory()
    pending = make_suggestion(article)
    dismissed = make_suggestion(article, status=SuggestionStatus.DISMISSED)
    make_suggestion()  # another article's
    url = f"/api/v1/articles/{article.pk}/suggestions/"
    assert [s["id"] for s in as_reader.get(url).json()["items"]] == [pending.pk, dismissed.pk]
    pending_only = as_reader.get(url + "?status=pending").json()["items"]
    assert [s["id"] for s in pending_only] == [pending.pk]
    assert pending_only[0]["quote"] == "the bridge will open within two weeks"
    assert as_reader.get(url + "?status=nonsense").status_code == 422


def test_an_editor_logs_a_suggestion_as_a_claim(as_editor: Client, editor) -> None:
    suggestion = make_suggestion()
    response = as_editor.post(f"/api/v1/suggestions/{suggestion.pk}/log/")
    assert response.status_code == 201, response.content
    claim = Claim.objects.get()
    body = response.json()
    assert body["claim"]["id"] == claim.pk and body["claim"]["statement"] == "The bridge will open"
    assert body["suggestion"]["status"] == "logged" and body["suggestion"]["claim_id"] == claim.pk
    assert claim.article == suggestion.article and claim.claimant.name == "The minister"
    assert claim.events.get().actor == editor


def test_an_editor_dismisses_a_suggestion(as_editor: Client) -> None:
    suggestion = make_suggestion()
    response = as_editor.post(f"/api/v1/suggestions/{suggestion.pk}/dismiss/")
    assert response.status_code == 200
    assert response.json()["status"] == "dismissed"
    assert not Claim.objects.exists()


@pytest.mark.parametrize("action", ["log", "dismiss"])
def test_deciding_a_decided_suggestion_is_a_409_with_its_state(
    as_editor: Client, action: str
) -> None:
    suggestion = make_suggestion()
    as_editor.post(f"/api/v1/suggestions/{suggestion.pk}/dismiss/")
    response = as_editor.post(f"/api/v1/suggestions/{suggestion.pk}/{action}/")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["current"]["status"] == "dismissed"
    assert response.json()["current"]["id"] == suggestion.pk
    assert not Claim.objects.exists()


def test_a_suggestion_the_services_refuse_is_a_422(as_editor: Client) -> None:
    article = ArticleFactory()
    # Due before the article was published: check_window refuses it.
    suggestion = make_suggestion(article, due_date=article.published_date.replace(year=2000))
    response = as_editor.post(f"/api/v1/suggestions/{suggestion.pk}/log/")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "due_date"
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.PENDING


def test_an_editor_adds_a_suggestions_article_as_a_source_of_a_tracked_claim(
    as_editor: Client, editor
) -> None:
    from claims.models import ClaimSource
    from tests.factories import ClaimFactory

    tracked = ClaimFactory()
    suggestion = make_suggestion()
    response = as_editor.post(
        f"/api/v1/suggestions/{suggestion.pk}/source/",
        {"claim_id": tracked.pk},
        "application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "sourced" and response.json()["claim_id"] == tracked.pk
    source = ClaimSource.objects.get()
    assert source.claim == tracked and source.article == suggestion.article
    assert source.quote == "the bridge will open within two weeks" and source.added_by == editor
    assert Claim.objects.count() == 1


def test_a_claims_own_article_is_no_new_source(as_editor: Client) -> None:
    from tests.factories import ClaimFactory

    tracked = ClaimFactory()
    suggestion = make_suggestion(tracked.article)
    response = as_editor.post(
        f"/api/v1/suggestions/{suggestion.pk}/source/",
        {"claim_id": tracked.pk},
        "application/json",
    )
    assert response.status_code == 422
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.PENDING
