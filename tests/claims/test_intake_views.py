"""Pages of claim intake: the article page's suggestions, its buttons, the lists."""

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.importing import import_paths
from articles.models import Article
from claims import intake, tasks
from claims.models import Claim, ClaimSource, Person, PersonAlias, Suggestion, SuggestionStatus
from tests.factories import ArticleFactory, ClaimFactory, PersonFactory

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def article(db, monkeypatch: pytest.MonkeyPatch) -> Article:
    monkeypatch.setattr(tasks, "queue_suggestions", lambda ids: True)
    trump = PersonFactory(name="Donald Trump")
    for alias in ("Trump", "Mr. Trump"):
        PersonAlias.objects.create(person=trump, alias=alias)
    import_paths([SEEDS])
    article = Article.objects.get()
    intake.suggest_for_article(article)
    return article


def _budapest(article: Article) -> Suggestion:
    return Suggestion.objects.get(article=article, time_phrase="sometime during the next two weeks")


def test_readers_see_suggestions_and_marks_but_no_buttons(client, reader, article) -> None:
    client.force_login(reader)
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    budapest = _budapest(article)
    assert "Suggested claims" in html
    assert budapest.statement in html
    assert f'href="#suggestion-{budapest.pk}"' in html  # its passage is marked in the text
    assert "Donald Trump" in html
    assert "Fri 17 Oct to Fri 31 Oct 2025" in html
    assert reverse("claims:suggestion_log", args=[budapest.pk]) not in html
    assert "Suggest again" not in html


def test_editors_get_log_edit_and_dismiss(as_editor, article) -> None:
    html = as_editor.get(article.get_absolute_url()).content.decode()
    budapest = _budapest(article)
    for name in ("suggestion_log", "suggestion_edit", "suggestion_dismiss"):
        assert reverse(f"claims:{name}", args=[budapest.pk]) in html
    assert "Suggest again" in html


@pytest.mark.parametrize("name", ["suggestion_log", "suggestion_dismiss"])
def test_readers_cannot_decide(client, reader, article, name) -> None:
    client.force_login(reader)
    budapest = _budapest(article)
    response = client.post(reverse(f"claims:{name}", args=[budapest.pk]), headers=HTMX)
    assert response.status_code == 403
    budapest.refresh_from_db()
    assert budapest.status == SuggestionStatus.PENDING


def test_anonymous_visitors_are_sent_to_log_in(client, article) -> None:
    response = client.post(reverse("claims:suggestion_log", args=[_budapest(article).pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_log_in_one_step_then_the_page_shows_the_claim(as_editor, article) -> None:
    budapest = _budapest(article)
    response = as_editor.post(
        reverse("claims:suggestion_log", args=[budapest.pk]), headers=HTMX, follow=True
    )
    claim = Claim.objects.get()
    assert claim.claimant.name == "Donald Trump"
    assert claim.due_date == dt.date(2025, 10, 31)
    html = response.content.decode()
    # htmx follows the redirect and swaps the side column and the text from the page.
    assert 'class="with-side"' in html
    assert f'id="suggestion-{budapest.pk}"' not in html
    assert f'href="{claim.get_absolute_url()}"' in html


def test_log_without_htmx_redirects_to_the_article(as_editor, article) -> None:
    response = as_editor.post(reverse("claims:suggestion_log", args=[_budapest(article).pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(article.get_absolute_url())


def test_dismiss_is_remembered(as_editor, article) -> None:
    budapest = _budapest(article)
    as_editor.post(reverse("claims:suggestion_dismiss", args=[budapest.pk]), headers=HTMX)
    as_editor.post(reverse("claims:suggest", args=[article.pk]), headers=HTMX)
    budapest.refresh_from_db()
    assert budapest.status == SuggestionStatus.DISMISSED
    html = as_editor.get(article.get_absolute_url()).content.decode()
    assert f'id="suggestion-{budapest.pk}"' not in html
    assert not Claim.objects.exists()


def test_deciding_twice_says_so(as_editor, article) -> None:
    budapest = _budapest(article)
    url = reverse("claims:suggestion_dismiss", args=[budapest.pk])
    as_editor.post(url)
    response = as_editor.post(url, follow=True)
    assert "decided on this suggestion already" in response.content.decode()


def test_edit_and_log_opens_the_claim_form_filled_in(as_editor, article) -> None:
    budapest = _budapest(article)
    response = as_editor.get(reverse("claims:suggestion_edit", args=[budapest.pk]))
    location = response["Location"]
    assert urlsplit(location).path == reverse("claims:create", args=[article.pk])
    query = parse_qs(urlsplit(location).query)
    assert query["claimant"] == ["Donald Trump"]
    assert query["due_date"] == ["2025-10-31"]
    assert query["earliest_date"] == ["2025-10-17"]
    form = as_editor.get(location).content.decode()
    assert budapest.statement in form
    assert 'value="Donald Trump"' in form
    assert 'value="2025-10-31"' in form


def test_already_tracked_offers_add_as_source(as_editor, article) -> None:
    other = ArticleFactory(title="An earlier report", published_date=dt.date(2025, 10, 16))
    tracked = ClaimFactory(
        article=other,
        claimant=Person.objects.get(name="Donald Trump"),
        statement="The meeting would likely take place sometime during the next two weeks",
        earliest_date=dt.date(2025, 10, 16),
        due_date=dt.date(2025, 10, 30),
    )
    budapest = _budapest(article)
    html = as_editor.get(article.get_absolute_url()).content.decode()
    assert "Already tracked:" in html
    url = reverse("claims:suggestion_source", args=[budapest.pk, tracked.pk])
    assert url in html
    as_editor.post(url, headers=HTMX)
    source = ClaimSource.objects.get()
    assert (source.claim, source.article) == (tracked, article)
    assert not Claim.objects.exclude(pk=tracked.pk).exists()
    # The article page highlights its own passage for the claim, and lists it.
    html = as_editor.get(article.get_absolute_url()).content.decode()
    assert "Claims this article is a source of" in html
    assert f'class="claim-mark" href="{tracked.get_absolute_url()}"' in html
    # The claim page lists both sources.
    html = as_editor.get(tracked.get_absolute_url()).content.decode()
    assert "An earlier report" in html and article.title in html


def test_the_article_list_shows_counts_in_a_constant_number_of_queries(as_reader, article) -> None:
    ClaimFactory(article=article)
    html = as_reader.get(reverse("articles:list")).content.decode()
    waiting = Suggestion.objects.filter(article=article, status=SuggestionStatus.PENDING).count()
    assert f"{waiting} suggestions waiting" in html
    assert "1 claim logged" in html
    with CaptureQueriesContext(connection) as few:
        as_reader.get(reverse("articles:list"))
    ArticleFactory.create_batch(5)
    with CaptureQueriesContext(connection) as many:
        as_reader.get(reverse("articles:list"))
    assert len(many) == len(few)


def test_articles_to_review_newest_first_and_paged(as_reader, article, monkeypatch) -> None:
    from claims import intake_views

    monkeypatch.setattr(intake_views, "PAGE_SIZE", 2)
    newer = [ArticleFactory(published_date=dt.date(2025, 11, n)) for n in (1, 2, 3)]
    for a in newer:
        Suggestion.objects.create(
            article=a, passage_key="k", quote="q", quote_start=0, quote_end=1, statement="s"
        )
    ArticleFactory(published_date=dt.date(2025, 12, 1))  # nothing to review
    url = reverse("claims:review_articles")
    first = as_reader.get(url)
    assert [a.pk for a in first.context["articles"]] == [newer[2].pk, newer[1].pk]
    second = as_reader.get(url + "?" + first.context["next_query"])
    assert [a.pk for a in second.context["articles"]] == [newer[0].pk, article.pk]
    partial = as_reader.get(url, headers=HTMX).content.decode()
    assert partial.lstrip().startswith('<div id="review-results">')


def test_the_dashboard_links_to_articles_to_review(as_reader) -> None:
    html = as_reader.get(reverse("claims:dashboard")).content.decode()
    assert reverse("claims:review_articles") in html
