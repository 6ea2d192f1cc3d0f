"""Suggestions: the candidate claims read from an article (claims.suggestions), logged as a
claim or dismissed by an editor through claims.intake, the same functions as the buttons on
the article page. Two editors deciding at once: the second gets 409 with the suggestion as
it is now."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from api.errors import Conflict
from api.paging import Page, PageQuery, keyset_page
from api.permissions import require
from api.schemas import ObjectId
from articles.models import Article
from claims import intake
from claims.models import Claim, Suggestion, SuggestionStatus
from config.paging import Keyset

router = Router(tags=["suggestions"])

# By id: the order they were found in, stable across pages.
SUGGESTION_ORDER = Keyset()


class PersonRef(Schema):
    id: int
    name: str


class SuggestionOut(Schema):
    id: int
    article_id: int
    status: str
    statement: str
    quote: str
    quote_start: int
    quote_end: int
    claimant_name: str = ""
    claimant: PersonRef | None
    claim_type: str
    time_phrase: str
    earliest_date: dt.date | None
    due_date: dt.date | None
    precision: str
    vague: bool
    reference_date: dt.date | None
    reference_note: str
    score: float
    claim_id: int | None
    decided_at: dt.datetime | None


class SuggestionPage(Page[SuggestionOut]):
    pass


class SuggestionQuery(Schema):
    status: SuggestionStatus | None = None


class LoggedClaim(Schema):
    id: int
    statement: str
    status: str
    claimant: str | None
    due_date: dt.date | None
    version: int

    @staticmethod
    def resolve_claimant(claim: Claim) -> str | None:
        return claim.claimant.name if claim.claimant else None


class LoggedOut(Schema):
    claim: LoggedClaim
    suggestion: SuggestionOut


@router.get(
    "/articles/{article_id}/suggestions/",
    response=SuggestionPage,
    summary="An article's suggested claims",
)
def list_suggestions(
    request: HttpRequest,
    article_id: ObjectId,
    query: Query[SuggestionQuery],
    paging: Query[PageQuery],
) -> dict[str, Any]:
    """Every suggestion read from the article, or those of one `status` (`pending`: waiting
    for an editor, as the article page shows them)."""
    require(request, "articles.view_article")
    article = get_object_or_404(Article, pk=article_id)
    suggestions = Suggestion.objects.filter(article=article).select_related("claimant")
    if query.status:
        suggestions = suggestions.filter(status=query.status)
    return keyset_page(request, suggestions, SUGGESTION_ORDER, paging)


def _editor(request: HttpRequest) -> User:
    require(request, "claims.add_claim")
    assert isinstance(request.user, User)  # an anonymous user holds no permission
    return request.user


def _suggestion(suggestion_id: int) -> Suggestion:
    return get_object_or_404(
        Suggestion.objects.select_related("article", "claimant"), pk=suggestion_id
    )


def _decided_already(suggestion: Suggestion) -> Conflict:
    current = _suggestion(suggestion.pk)
    return Conflict(
        SuggestionOut.from_orm(current).model_dump(mode="json"),
        "Someone decided on this suggestion already: here is what it is now.",
    )


@router.post(
    "/suggestions/{suggestion_id}/log/",
    response={201: LoggedOut, 409: None},
    summary="Log a suggestion as a claim",
)
def log_suggestion(request: HttpRequest, suggestion_id: ObjectId) -> Status[dict[str, Any]]:
    """As it stands, in one step, as the article page's "Log" button does."""
    require(request, "claims.add_claim")
    suggestion = _suggestion(suggestion_id)
    try:
        claim = intake.log_suggestion(suggestion=suggestion, by=_editor(request))
    except intake.SuggestionDecided:
        raise _decided_already(suggestion) from None
    claim = Claim.objects.select_related("claimant").get(pk=claim.pk)
    return Status(201, {"claim": claim, "suggestion": _suggestion(suggestion.pk)})


@router.post(
    "/suggestions/{suggestion_id}/dismiss/",
    response={200: SuggestionOut, 409: None},
    summary="Dismiss a suggestion",
)
def dismiss_suggestion(request: HttpRequest, suggestion_id: ObjectId) -> Suggestion:
    """Not a claim: remembered, so the passage is not suggested again."""
    require(request, "claims.add_claim")
    suggestion = _suggestion(suggestion_id)
    try:
        intake.dismiss_suggestion(suggestion=suggestion, by=_editor(request))
    except intake.SuggestionDecided:
        raise _decided_already(suggestion) from None
    return _suggestion(suggestion.pk)


class SourceIn(Schema):
    claim_id: ObjectId


@router.post(
    "/suggestions/{suggestion_id}/source/",
    response={200: SuggestionOut, 409: None},
    summary="Add a suggestion's article as a source of a claim",
)
def add_as_source(request: HttpRequest, suggestion_id: ObjectId, data: SourceIn) -> Suggestion:
    """The suggestion repeats a claim already tracked (`claim_id`): its article becomes one
    more source of that claim, not a duplicate claim, as the article page's "Add as source"
    button does."""
    editor = _editor(request)
    suggestion = _suggestion(suggestion_id)
    claim = get_object_or_404(Claim, pk=data.claim_id)
    try:
        intake.add_source(
            claim=claim,
            article=suggestion.article,
            by=editor,
            quote=suggestion.quote,
            quote_start=suggestion.quote_start,
            quote_end=suggestion.quote_end,
            suggestion=suggestion,
        )
    except intake.SuggestionDecided:
        raise _decided_already(suggestion) from None
    return _suggestion(suggestion.pk)
