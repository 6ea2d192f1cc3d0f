"""Pages of claim intake: the article page's suggestions part, its buttons, the list of
articles with suggestions to review. Thin: the decisions are claims.intake's.

Every button posts and is answered with a redirect to the article page; htmx follows it and
swaps the page's main region (`hx-select="#main"`: the message, the text with its marks, the
side column), so the page updates without a reload and without a second template for the
same regions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from articles.extensions import ArticlePagePart
from articles.models import Article
from articles.rendering import Mark
from config.auth import role_required

from . import intake
from .models import Claim, ClaimSource, Suggestion, SuggestionStatus

PAGE_SIZE = 50


class EditorRequest(HttpRequest):
    """A request past `role_required`: its user is logged in."""

    htmx: HtmxDetails
    user: User


@dataclass
class SuggestionView:
    suggestion: Suggestion
    matches: list[Claim]


def _article_url(article_id: int) -> str:
    return reverse("articles:detail", args=[article_id]) + "#suggestions"


def article_suggestions_part(request: HttpRequest, article: Article) -> ArticlePagePart:
    """Pending suggestions beside the text, their passages marked; and the passages of
    claims tracked elsewhere that this article is a source of."""
    pending = list(
        Suggestion.objects.filter(article=article, status=SuggestionStatus.PENDING)
        .select_related("claimant")
        .order_by("quote_start", "pk")
    )
    decided = (
        Suggestion.objects.filter(article=article).exclude(status=SuggestionStatus.PENDING).count()
    )
    items = [
        SuggestionView(
            suggestion=s,
            matches=intake.matching_claims(
                claimant=s.claimant,
                statement=s.statement,
                earliest_date=s.earliest_date,
                due_date=s.due_date,
                exclude_article=article,
            ),
        )
        for s in pending
    ]
    sources = list(
        ClaimSource.objects.filter(article=article)
        .select_related("claim", "claim__claimant")
        .order_by("quote_start", "pk")
    )
    marks = [
        Mark(s.quote_start, s.quote_end, f"#suggestion-{s.pk}", s.statement, f"suggestion-{s.pk}")
        for s in pending
    ]
    marks += [
        Mark(
            source.quote_start,
            source.quote_end,
            source.claim.get_absolute_url(),
            source.claim.statement,
            f"source-{source.pk}",
        )
        for source in sources
        if source.quote_start is not None and source.quote_end is not None
    ]
    return ArticlePagePart(
        marks=marks,
        template="claims/intake/article_suggestions.html",
        context={
            "items": items,
            "sources": sources,
            "decided": decided,
            "has_run": bool(pending) or decided > 0,
        },
    )


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


def _done(request: EditorRequest, article_id: int, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(_article_url(article_id))


@role_required("claims.add_claim")
@require_POST
def suggest_again(request: EditorRequest, article_pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_pk)
    result = intake.suggest_for_article(article)
    return _done(
        request,
        article.pk,
        f"Suggestions read again: {result.created} new, {result.removed} gone.",
    )


@role_required("claims.add_claim")
@require_POST
def log_suggestion(request: EditorRequest, pk: int) -> HttpResponse:
    suggestion = _pending(pk)
    try:
        claim = intake.log_suggestion(suggestion=suggestion, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_article_url(suggestion.article_id))
    return _done(request, suggestion.article_id, f"Claim logged: {claim.statement}")


@role_required("claims.add_claim")
@require_POST
def dismiss_suggestion(request: EditorRequest, pk: int) -> HttpResponse:
    suggestion = _pending(pk)
    try:
        intake.dismiss_suggestion(suggestion=suggestion, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_article_url(suggestion.article_id))
    return _done(request, suggestion.article_id, "Suggestion dismissed.")


@role_required("claims.add_claim")
@require_POST
def add_as_source(request: EditorRequest, pk: int, claim_pk: int) -> HttpResponse:
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
def edit_and_log(request: EditorRequest, pk: int) -> HttpResponse:
    return redirect(edit_and_log_url(_pending(pk)))


# --- Lists -----------------------------------------------------------------------------------


def _pending_count() -> Subquery:
    return Subquery(
        Suggestion.objects.filter(article=OuterRef("pk"), status=SuggestionStatus.PENDING)
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def annotate_intake_counts(articles: QuerySet[Article]) -> QuerySet[Article]:
    """For the article list: suggestions waiting and claims logged, in the list's own query
    (two correlated counts, served by suggestion_pending and the claims' article index)."""
    claims = (
        Claim.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return articles.annotate(
        suggestions_waiting=Coalesce(_pending_count(), 0),
        claims_logged=Coalesce(Subquery(claims, output_field=IntegerField()), 0),
    )


def _after(cursor: str) -> Q | None:
    """Keyset position "YYYY-MM-DD.pk" of the last row shown."""
    date_text, _, pk_text = cursor.partition(".")
    try:
        published, pk = dt.date.fromisoformat(date_text), int(pk_text)
    except ValueError:
        return None
    return Q(published_date__lt=published) | Q(published_date=published, pk__lt=pk)


@role_required("articles.view_article")
def articles_to_review(request: EditorRequest) -> HttpResponse:
    """Articles with suggestions waiting, newest first, keyset paged (no OFFSET, no COUNT)."""
    articles = (
        Article.objects.filter(
            Exists(
                Suggestion.objects.filter(article=OuterRef("pk"), status=SuggestionStatus.PENDING)
            )
        )
        .select_related("outlet")
        .annotate(suggestions_waiting=_pending_count())
        .order_by("-published_date", "-pk")
    )
    position = _after(request.GET.get("after", ""))
    if position is not None:
        articles = articles.filter(position)
    page = list(articles[: PAGE_SIZE + 1])
    next_query = None
    if len(page) > PAGE_SIZE:
        page = page[:PAGE_SIZE]
        next_query = urlencode({"after": f"{page[-1].published_date.isoformat()}.{page[-1].pk}"})
    template = "claims/intake/articles_to_review.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#review-results"
    return render(
        request,
        template,
        {"articles": page, "next_query": next_query, "paged": position is not None},
    )
