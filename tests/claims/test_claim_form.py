"""The claim form never stores what it did not understand (issue 11): the time phrase comes
from the quote's own time expression, a phrase that proposes no date clears the proposed
dates (in the htmx swap and on submit), a due date before the article's date is refused,
and every proposal names the day it counted from."""

import datetime as dt
import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError

from claims import services
from claims.models import Claim, Suggestion
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
SUNDAY = "The mayor said the council would restore Sunday opening at the central library."
BUDAPEST = "The president said the two leaders will meet sometime during the next two weeks."
PAST_DUE = "A prediction's due date cannot be before the article's date, 17 Oct 2025"


def _value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, f"no {name} input"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else None


def _create(article_pk: int, **fields: str) -> dict[str, str]:
    data = {"statement": "The leaders will meet", "claim_type": "prediction"}
    data.update(fields)
    return data


# --- Pre-fill from the quote ------------------------------------------------------------


def test_a_quote_without_a_time_expression_leaves_the_time_phrase_empty(as_editor) -> None:
    article = ArticleFactory(body=SUNDAY)
    html = as_editor.get(
        f"/articles/{article.pk}/claims/new/",
        {"quote": SUNDAY, "quote_start": 0, "quote_end": len(SUNDAY)},
    ).content.decode()
    assert _value(html, "time_phrase") in (None, "")
    assert _value(html, "due_date") is None


def test_the_time_phrase_is_the_expression_found_in_the_quote(as_editor) -> None:
    article = ArticleFactory(body=BUDAPEST)
    html = as_editor.get(
        f"/articles/{article.pk}/claims/new/", {"quote": BUDAPEST}
    ).content.decode()
    assert _value(html, "time_phrase") == "sometime during the next two weeks"
    assert _value(html, "due_date") == "2025-10-31"
    assert _value(html, "proposed_for") == "sometime during the next two weeks"


# --- The reference day ------------------------------------------------------------------


def test_a_proposal_says_it_counted_from_the_article_date(as_editor) -> None:
    article = ArticleFactory()
    html = as_editor.get(
        "/claims/window/", {"article": article.pk, "time_phrase": "within two weeks"}
    ).content.decode()
    assert "by Fri 31 Oct 2025 (within two weeks of 17 Oct)" in html
    assert "counted from the article&#x27;s date, Fri 17 Oct 2025" in html


def test_a_suggestion_said_the_day_before_counts_from_that_day(as_editor) -> None:
    quote = "President Zelenskyy and I will be meeting tomorrow, in the Oval Office"
    article = ArticleFactory(body=f"{quote}, the president said.")
    Suggestion.objects.create(
        article=article,
        passage_key="k",
        quote=quote,
        quote_start=0,
        quote_end=len(quote),
        statement="Trump and Zelenskyy will meet",
        time_phrase="tomorrow",
        due_date=dt.date(2025, 10, 17),
        reference_date=dt.date(2025, 10, 16),
    )
    html = as_editor.get(
        f"/articles/{article.pk}/claims/new/",
        {"quote": quote, "quote_start": 0, "quote_end": len(quote)},
    ).content.decode()
    assert _value(html, "time_phrase") == "tomorrow"
    assert _value(html, "due_date") == "2025-10-17"  # not Saturday
    assert _value(html, "reference_date") == "2025-10-16"
    assert "counted from Thu 16 Oct 2025, when it was said" in html
    # The htmx swap reads the phrase from the same day.
    html = as_editor.get(
        "/claims/window/",
        {"article": article.pk, "time_phrase": "tomorrow", "reference_date": "2025-10-16"},
    ).content.decode()
    assert "counted from Thu 16 Oct 2025, when it was said" in html
    assert _value(html, "due_date") == "2025-10-17"


# --- A phrase that proposes no date -----------------------------------------------------


def test_the_swap_for_a_phrase_without_a_date_clears_the_dates(as_editor) -> None:
    article = ArticleFactory()
    html = as_editor.get(
        "/claims/window/", {"article": article.pk, "time_phrase": "before the election"}, **HTMX
    ).content.decode()
    assert (
        "No date found in “before the election”: enter the dates yourself, or leave them "
        "empty for a claim with no deadline" in html
    )
    assert 'hx-swap-oob="true"' in html
    assert _value(html, "due_date") is None
    assert _value(html, "earliest_date") is None
    assert _value(html, "proposed_for") in (None, "")


def test_dates_left_from_an_earlier_phrase_are_refused_on_submit(as_editor) -> None:
    article = ArticleFactory()
    data = _create(
        article.pk,
        time_phrase="before the election",
        proposed_for="within two weeks",
        earliest_date="2025-10-17",
        due_date="2025-10-31",
        precision="week",
    )
    response = as_editor.post(f"/articles/{article.pk}/claims/new/", data)
    html = response.content.decode()
    assert response.status_code == 422
    assert "These dates were proposed for “within two weeks”" in html
    assert "no date found in “before the election”" in html
    assert not Claim.objects.exists()
    # Seen and sent again as they are, they are the editor's dates.
    assert _value(html, "proposed_for") == "before the election"
    response = as_editor.post(
        f"/articles/{article.pk}/claims/new/", {**data, "proposed_for": "before the election"}
    )
    assert response.status_code == 302
    assert Claim.objects.get().due_date == dt.date(2025, 10, 31)


def test_dates_of_an_earlier_phrase_are_refused_when_the_new_one_proposes_others(
    as_editor,
) -> None:
    article = ArticleFactory()
    data = _create(
        article.pk,
        time_phrase="next week",
        proposed_for="within two weeks",
        earliest_date="2025-10-17",
        due_date="2025-10-31",
    )
    html = as_editor.post(f"/articles/{article.pk}/claims/new/", data).content.decode()
    assert "“next week” proposes week of Mon 20 Oct 2025" in html
    assert not Claim.objects.exists()


def test_a_phrase_without_a_date_and_no_dates_saves_a_claim_without_a_deadline(
    as_editor,
) -> None:
    article = ArticleFactory()
    data = _create(article.pk, time_phrase="before the election", proposed_for="", vague="on")
    assert as_editor.post(f"/articles/{article.pk}/claims/new/", data).status_code == 302
    claim = Claim.objects.get()
    assert claim.due_date is None and claim.time_phrase == "before the election"


def test_the_editor_s_own_dates_are_kept_whatever_the_phrase(as_editor) -> None:
    article = ArticleFactory()
    data = _create(
        article.pk,
        time_phrase="before the election",
        proposed_for="within two weeks",
        due_date="2025-11-30",
    )
    assert as_editor.post(f"/articles/{article.pk}/claims/new/", data).status_code == 302
    assert Claim.objects.get().due_date == dt.date(2025, 11, 30)


def test_editing_the_phrase_and_keeping_its_old_dates_is_refused(as_editor) -> None:
    claim = ClaimFactory(
        time_phrase="within two weeks",
        earliest_date=dt.date(2025, 10, 17),
        due_date=dt.date(2025, 10, 31),
    )
    html = as_editor.get(f"/claims/{claim.pk}/edit/").content.decode()
    assert _value(html, "proposed_for") == "within two weeks"
    response = as_editor.post(
        f"/claims/{claim.pk}/edit/",
        {
            "version": 1,
            "statement": claim.statement,
            "claim_type": "prediction",
            "time_phrase": "before the election",
            "proposed_for": "within two weeks",
            "earliest_date": "2025-10-17",
            "due_date": "2025-10-31",
        },
    )
    assert response.status_code == 422
    assert "These dates were proposed for “within two weeks”" in response.content.decode()
    claim.refresh_from_db()
    assert claim.time_phrase == "within two weeks"


# --- A due date before the article's date -----------------------------------------------


def test_a_due_date_before_the_article_is_refused_on_create(as_editor) -> None:
    article = ArticleFactory()
    data = _create(article.pk, due_date="2021-03-01")
    response = as_editor.post(f"/articles/{article.pk}/claims/new/", data)
    assert response.status_code == 422
    assert PAST_DUE in unescape(response.content.decode())
    assert "a past-dated statement is not a prediction" in response.content.decode()
    assert not Claim.objects.exists()


def test_a_due_date_on_the_article_date_is_accepted(as_editor) -> None:
    # "Tomorrow" said on Thursday in Friday's article is due on the article's date.
    article = ArticleFactory()
    data = _create(article.pk, time_phrase="tomorrow", due_date="2025-10-17")
    assert as_editor.post(f"/articles/{article.pk}/claims/new/", data).status_code == 302


def test_a_due_date_before_the_article_is_refused_on_edit(as_editor) -> None:
    claim = ClaimFactory()
    response = as_editor.post(
        f"/claims/{claim.pk}/edit/",
        {
            "version": 1,
            "statement": claim.statement,
            "claim_type": "prediction",
            "due_date": "2025-10-16",
        },
    )
    assert response.status_code == 422
    assert PAST_DUE in unescape(response.content.decode())
    claim.refresh_from_db()
    assert claim.due_date == dt.date(2025, 10, 31)


def test_a_deadline_moved_before_the_article_is_refused(as_reviewer) -> None:
    claim = ClaimFactory()
    response = as_reviewer.post(
        f"/claims/{claim.pk}/deadline/",
        {"version": 1, "due_date": "2025-10-01", "reason": "Moved"},
        **HTMX,
    )
    assert response.status_code == 422
    assert PAST_DUE in unescape(response.content.decode())
    claim.refresh_from_db()
    assert claim.due_date == dt.date(2025, 10, 31)


def test_every_service_refuses_a_due_date_before_the_article(editor) -> None:
    article = ArticleFactory()
    with pytest.raises(ValidationError, match="before the article's date"):
        services.create_claim(
            article=article, by=editor, statement="S", due_date=dt.date(2025, 10, 16)
        )
    claim = ClaimFactory()
    with pytest.raises(ValidationError, match="before the article's date"):
        services.edit_claim(claim=claim, by=editor, version=1, due_date=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError, match="before the article's date"):
        services.change_deadline(
            claim=claim, by=editor, version=1, due_date=dt.date(2024, 1, 1), reason="Moved"
        )
