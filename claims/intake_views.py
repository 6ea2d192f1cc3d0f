"""Pages of claim intake: the article page's suggestions part, its buttons, the list of
articles with suggestions to review. Thin: the decisions are claims.intake's.

Every button posts and is answered with a redirect to the article page; htmx follows it and
swaps the page's main region (`hx-select="#main"`: the message, the text with its marks, the
side column), so the page updates without a reload and without a second template for the
same regions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from articles.models import Article
from config.auth import role_required
from config.http import HtmxHttpRequest
from config.paging import Keyset, split_page

from . import intake
from .article_page import pending_count
from .models import Claim, Suggestion, SuggestionStatus

PAGE_SIZE = 50


def _article_url(article_id: int) -> str:
    return reverse("articles:detail", args=[article_id]) + "#suggestions"


def edit_and_log_url(suggestion: Suggestion) -> str:
    """The claim form filled in with the suggestion, for the editor to correct first."""
    values: dict[str, Any] = {
        "quote": suggestion.quote,
        "quote_start": suggestion.quote_start,
        "quote_end": suggestion.quote_end,
        "statement": suggestion.statement,
        "claimant": suggestion.claimant.name if suggestion.claimant else suggestion.claimant_name,
        "claim_type": suggestion.claim_type,
        "time_phrase": suggestion.time_phrase,
        "precision": suggestion.precision,
    }
    for name in ("earliest_date", "due_date"):
        value: dt.date | None = getattr(suggestion, name)
        if value is not None:
            values[name] = value.isoformat()
    if suggestion.vague:
        values["vague"] = "on"
    query = urlencode({k: v for k, v in values.items() if v not in ("", None)})
    return reverse("claims:create", args=[suggestion.article_id]) + "?" + query


def _pending(pk: int) -> Suggestion:
    return get_object_or_404(Suggestion.objects.select_related("article", "claimant"), pk=pk)


def _done(request: HtmxHttpRequest, article_id: int, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(_article_url(article_id))


@role_required("claims.add_claim")
@require_POST
def suggest_again(request: HtmxHttpRequest, article_pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_pk)
    result = intake.suggest_for_article(article)
    return _done(
        request,
        article.pk,
        f"Suggestions read again: {result.created} new, {result.removed} gone.",
    )


@role_required("claims.add_claim")
@require_POST
def log_suggestion(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    suggestion = _pending(pk)
    try:
        claim = intake.log_suggestion(suggestion=suggestion, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_article_url(suggestion.article_id))
    return _done(request, suggestion.article_id, f"Claim logged: {claim.statement}")


@role_required("claims.add_claim")
@require_POST
def dismiss_suggestion(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    suggestion = _pending(pk)
    try:
        intake.dismiss_suggestion(suggestion=suggestion, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_article_url(suggestion.article_id))
    return _done(request, suggestion.article_id, "Suggestion dismissed.")


@role_required("claims.add_claim")
@require_POST
def add_as_source(request: HtmxHttpRequest, pk: int, claim_pk: int) -> HttpResponse:
    suggestion = _pending(pk)
    claim = get_object_or_404(Claim, pk=claim_pk)
    try:
        intake.add_source(
            claim=claim,
            article=suggestion.article,
            by=request.user,
            quote=suggestion.quote,
            quote_start=suggestion.quote_start,
            quote_end=suggestion.quote_end,
            suggestion=suggestion,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_article_url(suggestion.article_id))
    return _done(request, suggestion.article_id, f"Added as a source of: {claim.statement}")


@role_required("claims.add_claim")
@require_safe
def edit_and_log(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return redirect(edit_and_log_url(_pending(pk)))


# --- Lists -----------------------------------------------------------------------------------


# Newest first, as the article list pages (config.paging: one cursor format for every list).
ORDER = Keyset("published_date", dt.date, descending=True)


@role_required("articles.view_article")
@require_safe
def articles_to_review(request: HtmxHttpRequest) -> HttpResponse:
    """Articles with suggestions waiting, newest first, keyset paged (no OFFSET, no COUNT)."""
    articles = (
        Article.objects.filter(
            Exists(
                Suggestion.objects.filter(article=OuterRef("pk"), status=SuggestionStatus.PENDING)
            )
        )
        .select_related("outlet")
        .annotate(suggestions_waiting=pending_count())
        .order_by("-published_date", "-pk")
    )
    position = ORDER.after(request.GET.get("after", ""))
    if position is not None:
        articles = articles.filter(position)
    page, last = split_page(articles[: PAGE_SIZE + 1], PAGE_SIZE)
    next_query = urlencode({"after": ORDER.cursor(last)}) if last is not None else None
    template = "claims/intake/articles_to_review.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#review-results"
    return render(
        request,
        template,
        {"articles": page, "next_query": next_query, "paged": position is not None},
    )
