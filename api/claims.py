"""Claims: the dashboard's lists with every filter, a claim with its timeline, and every
change a reviewer or editor makes on the pages.

Nothing here decides anything. The lists are claims.dashboard's (Dashboard.page, the same
filters form); the changes validate with the pages' own forms (claims.forms, through
claims.views.ACTIONS: the form, the service and the permission of each action) and are
made by claims.services, with the version the client read: a change made meanwhile is a
409 with the claim as it is now, a refusal a 422 naming its fields.
"""

import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.responses import NinjaJSONEncoder

from api.errors import Conflict
from api.paging import PageQuery, keyset_page, next_url, readable
from api.permissions import require
from api.schemas import BIGINT_MAX, ObjectId
from articles.models import Article
from claims import services
from claims.dashboard import SEARCH_MAX, Dashboard, DashboardFilters, _UrlPattern
from claims.forms import ClaimEditForm, ClaimForm, claim_initial
from claims.models import (
    Claim,
    ClaimEvent,
    ClaimStatus,
    ClaimType,
    Evidence,
    Precision,
    ReasonCode,
    newsroom_today,
)
from claims.views import ACTIONS, CLAIM_RELATED, timeline_page
from config.paging import Keyset

router = Router(tags=["claims"])

# view=all: every claim the filters match, oldest first, as the CSV export lists them.
ALL_ORDER = Keyset()

Version = Field(
    ge=1,
    le=BIGINT_MAX,
    description="The claim's version as you read it: a change made since is refused (409).",
)


# --- What a claim looks like ----------------------------------------------------------


class UserRef(Schema):
    id: int
    username: str
    name: str


class PersonRef(Schema):
    id: int
    name: str


class OutletRef(Schema):
    id: int
    name: str


class ArticleRef(Schema):
    id: int
    title: str
    url: str
    published_date: dt.date
    outlet: OutletRef | None


class ClaimOut(Schema):
    id: int
    page: str = Field(description="The claim's page in Claimtrack.")
    statement: str
    quote: str
    quote_start: int | None
    quote_end: int | None
    claimant: PersonRef | None
    claim_type: str
    time_phrase: str
    earliest_date: dt.date | None
    due_date: dt.date | None
    precision: str
    vague: bool
    resolution_criteria: str
    status: str
    overdue: bool = Field(description="Open, and due before today in the newsroom's time zone.")
    reason_code: str
    outcome_date: dt.date | None
    outcome_note: str
    resolved_at: dt.datetime | None
    resolved_by: UserRef | None
    assignee: UserRef | None
    snoozed_until: dt.date | None
    tags: list[str]
    article: ArticleRef
    published_at: dt.datetime | None
    public_note: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class EvidenceOut(Schema):
    id: int
    url: str
    title: str
    note: str
    added_by: UserRef | None
    added_at: dt.datetime


class EventOut(Schema):
    id: int
    kind: str
    actor: UserRef | None
    note: str
    data: dict[str, Any]
    created_at: dt.datetime


class ClaimDetail(ClaimOut):
    evidence: list[EvidenceOut]
    timeline: list[EventOut] = Field(description="The latest entries first.")
    timeline_next: str | None = Field(description="The older entries; null: there are none.")


class ClaimPage(Schema):
    items: list[ClaimOut]
    next: str | None


class EventPage(Schema):
    items: list[EventOut]
    next: str | None


# The schemas above say what a claim looks like; these functions make it, as plain dicts:
# ninja's validation of model instances against a schema was two thirds of a list's time
# (bench/README.md, "API"). tests/api/test_claims.py checks the two agree.


def _user(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.get_username(), "name": user.get_full_name()}


def tag_names(claims: list[Claim]) -> dict[int, list[str]]:
    """Each claim's tag names, sorted, in one query of names (no Tag instances: for a page
    of claims, prefetching them cost a third of the list's time)."""
    names: dict[int, list[str]] = {}
    through = Claim.tags.through.objects.filter(claim_id__in=[claim.pk for claim in claims])
    for claim_id, name in through.values_list("claim_id", "tag__name").order_by("tag__name"):
        names.setdefault(claim_id, []).append(name)
    return names


def claim_json(
    claim: Claim, *, today: dt.date, page: Callable[[int], str], tags: list[str]
) -> dict[str, Any]:
    """`claim` as ClaimOut, its claimant, article, outlet, assignee and resolver loaded with
    it (`page`: the claim's address from its id; `tags`: its tag names, tag_names())."""
    article = claim.article
    outlet = article.outlet
    person = claim.claimant
    return {
        "id": claim.pk,
        "page": page(claim.pk),
        "statement": claim.statement,
        "quote": claim.quote,
        "quote_start": claim.quote_start,
        "quote_end": claim.quote_end,
        "claimant": {"id": person.pk, "name": person.name} if person else None,
        "claim_type": claim.claim_type,
        "time_phrase": claim.time_phrase,
        "earliest_date": claim.earliest_date,
        "due_date": claim.due_date,
        "precision": claim.precision,
        "vague": claim.vague,
        "resolution_criteria": claim.resolution_criteria,
        "status": claim.status,
        "overdue": claim.is_overdue(today),
        "reason_code": claim.reason_code,
        "outcome_date": claim.outcome_date,
        "outcome_note": claim.outcome_note,
        "resolved_at": claim.resolved_at,
        "resolved_by": _user(claim.resolved_by),
        "assignee": _user(claim.assignee),
        "snoozed_until": claim.snoozed_until,
        "tags": tags,
        "article": {
            "id": article.pk,
            "title": article.title,
            "url": article.url,
            "published_date": article.published_date,
            "outlet": {"id": outlet.pk, "name": outlet.name} if outlet else None,
        },
        "published_at": claim.published_at,
        "public_note": claim.public_note,
        "version": claim.version,
        "created_at": claim.created_at,
        "updated_at": claim.updated_at,
    }


def event_json(event: ClaimEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "actor": _user(event.actor),
        "note": event.note,
        "data": event.data,
        "created_at": event.created_at,
    }


def _evidence_json(evidence: Evidence) -> dict[str, Any]:
    return {
        "id": evidence.pk,
        "url": evidence.url,
        "title": evidence.title,
        "note": evidence.note,
        "added_by": _user(evidence.added_by),
        "added_at": evidence.added_at,
    }


def _get_claim(claim_id: int) -> Claim:
    return get_object_or_404(
        Claim.objects.select_related(*CLAIM_RELATED).prefetch_related("tags"), pk=claim_id
    )


def _detail(request: HttpRequest, claim_id: int) -> dict[str, Any]:
    """The claim with its evidence and the first page of its timeline, as its page shows:
    what GET /claims/<id>/ and every change answer, and the `current` of a 409."""
    claim = _get_claim(claim_id)
    events, older = timeline_page(claim)
    timeline_url = request.build_absolute_uri(reverse("api:claim_timeline", args=[claim.pk]))
    return {
        **claim_json(
            claim,
            today=newsroom_today(),
            page=_UrlPattern("claims:detail"),
            tags=sorted(tag.name for tag in claim.tags.all()),
        ),
        "evidence": [
            _evidence_json(e) for e in claim.evidence.select_related("added_by").order_by("id")
        ],
        "timeline": [event_json(e) for e in events],
        "timeline_next": f"{timeline_url}?cursor={quote(older)}" if older else None,
    }


# --- Lists ----------------------------------------------------------------------------


class ClaimFilters(Schema):
    view: str = Field(
        "overdue",
        pattern="^(overdue|soon|undated|resolved|all)$",
        description="overdue (most overdue first), soon (due within 7 days), undated (open "
        "without a date, newest first), resolved (in the last 30 days, latest first), or "
        "all (every claim, oldest first).",
    )
    who: str = Field(
        "",
        pattern="^(|mine|unassigned|all)$",
        description="mine, unassigned or all; empty: the dashboard's default for your role.",
    )
    q: str = Field("", max_length=SEARCH_MAX, description="Words in the statement or quote.")
    claimant: str = Field("", max_length=200, description="A name or alias.")
    outlet: ObjectId | None = Field(None, description="An outlet's id.")
    tag: str = Field("", max_length=100, description="A tag's slug.")
    type: ClaimType | None = None


def _board(request: HttpRequest, filters: ClaimFilters) -> Dashboard:
    """The dashboard for these filters, validated by the dashboard's own form: an outlet
    or tag that does not exist is a 422, not a list with the filter silently dropped."""
    query = QueryDict(mutable=True)
    for name, value in filters.model_dump(mode="json").items():
        if value not in ("", None):
            query[name] = str(value)
    everything = query.get("view") == "all"
    if everything:
        query.pop("view")
    if filters.outlet is not None or filters.tag:
        # The rest the schema has checked already; these two name rows.
        form = DashboardFilters(query)
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
    return Dashboard.from_query(query, user=request.user, today=newsroom_today())  # type: ignore[arg-type]


# A change answers the claim; 409 (with the claim as it is now) when its version is stale.
CHANGED: dict[int, Any] = {200: ClaimDetail, 409: None}


@router.get("/", response=ClaimPage, summary="List claims, as the dashboard does")
def list_claims(
    request: HttpRequest, filters: Query[ClaimFilters], paging: Query[PageQuery]
) -> HttpResponse:
    """The dashboard's lists, its filters and its order; `limit` items a page."""
    require(request, "claims.view_claim")
    board = _board(request, filters)
    if filters.view == "all":
        claims = board._filtered(Claim.objects.all()).select_related(*CLAIM_RELATED)
        page = keyset_page(request, claims, ALL_ORDER, paging)
        rows, next_page = page["items"], page["next"]
    else:
        rows, cursor = board.page(readable(paging.cursor), size=paging.limit, rows_shown=False)
        next_page = next_url(request, cursor)
    if filters.view == "resolved":
        # The dashboard's rows come with their claimant, article, outlet and assignee; who
        # resolved a claim only the resolved list needs (view=all has it joined).
        prefetch_related_objects(rows, "resolved_by")
    claim_page, tags = _UrlPattern("claims:detail"), tag_names(rows)
    items = [
        claim_json(claim, today=board.today, page=claim_page, tags=tags.get(claim.pk, []))
        for claim in rows
    ]
    # Made here and sent as they are: validating a page of dicts against ClaimPage again
    # cost more than making them (tests/api/test_claims.py checks they match the schema).
    return HttpResponse(
        json.dumps({"items": items, "next": next_page}, cls=NinjaJSONEncoder),
        content_type="application/json",
    )


@router.get("/{claim_id}/", response=ClaimDetail, summary="One claim, with its timeline")
def get_claim(request: HttpRequest, claim_id: ObjectId) -> dict[str, Any]:
    require(request, "claims.view_claim")
    return _detail(request, claim_id)


class TimelineQuery(Schema):
    cursor: str = Field("", max_length=100, description="From `timeline_next` or `next`.")


@router.get("/{claim_id}/timeline/", response=EventPage, summary="A claim's older timeline")
def claim_timeline(
    request: HttpRequest, claim_id: ObjectId, paging: Query[TimelineQuery]
) -> dict[str, Any]:
    require(request, "claims.view_claim")
    claim = get_object_or_404(Claim, pk=claim_id)
    events, older = timeline_page(claim, before=readable(paging.cursor))
    return {"items": [event_json(e) for e in events], "next": next_url(request, older)}


# --- Changes ----------------------------------------------------------------------------


def _valid(form: Form) -> dict[str, Any]:
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.cleaned_data


def _refuse_if_stale(request: HttpRequest, claim: Claim, version: int, form: Form) -> None:
    """A change refused as invalid that was also made against an old version: the conflict
    comes first, as on the pages, so the client sees what changed before correcting."""
    if not form.is_valid() and version < claim.version:
        raise Conflict(_detail(request, claim.pk))


def _act(request: HttpRequest, claim_id: int, action: str, payload: Schema) -> dict[str, Any]:
    """The page's action `action` (claims.views.ACTIONS): its permission, its form, its
    service, with the version the client read."""
    spec = ACTIONS[action]
    require(request, "claims.view_claim", spec.permission)
    claim = _get_claim(claim_id)
    data = payload.model_dump(mode="json")
    form = spec.form(data={k: v for k, v in data.items() if v is not None})
    _refuse_if_stale(request, claim, data["version"], form)
    changes = dict(_valid(form))
    if action == "resolve" and data.get("public_note") is None:
        changes["public_note"] = None  # left out: the public note stays as it is
    try:
        spec.service(claim=claim, by=request.user, **changes)
    except services.VersionConflict:
        raise Conflict(_detail(request, claim.pk)) from None
    except services.AssignedToSomeoneElse as refusal:
        # Not the input's fault: the claim is someone else's (an editor reassigns).
        raise Conflict(_detail(request, claim.pk), detail=refusal.messages[0]) from None
    return _detail(request, claim.pk)


class ClaimIn(Schema):
    article: ObjectId = Field(description="The id of the article the claim is in.")
    statement: str = Field(description="A checkable sentence.")
    quote: str = Field("", description="Exactly as in the article's text; empty: none.")
    quote_start: int | None = Field(None, ge=0, le=BIGINT_MAX)
    quote_end: int | None = Field(None, ge=0, le=BIGINT_MAX)
    claimant: str = Field("", description="A person's name or alias; new names are added.")
    claim_type: ClaimType = ClaimType.PREDICTION
    time_phrase: str = ""
    earliest_date: dt.date | None = None
    due_date: dt.date | None = Field(None, description="Required for a prediction, unless `vague`.")
    precision: Precision | None = None
    vague: bool = False
    resolution_criteria: str = ""
    assignee: ObjectId | None = Field(None, description="A reviewer's user id.")
    tags: list[str] = Field(default_factory=list)


def _form_data(payload: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in payload.items() if v is not None}
    if "tags" in data:
        data["tags"] = ", ".join(data["tags"])
    return data


@router.post("/", response={201: ClaimDetail}, summary="Log a claim")
def create_claim(request: HttpRequest, payload: ClaimIn) -> Status[dict[str, Any]]:
    require(request, "claims.add_claim")
    data = payload.model_dump(mode="json")
    article = Article.objects.filter(pk=data.pop("article")).first()
    if article is None:
        raise ValidationError({"article": "There is no article with this id."})
    form = ClaimForm(data=_form_data(data), article_date=article.published_date)
    fields = _valid(form)
    try:
        claim = services.create_claim(
            article=article,
            by=request.user,  # type: ignore[arg-type]
            **{name: fields[name] for name in data},
        )
    except ValidationError as refusal:
        if hasattr(refusal, "error_dict"):
            raise
        raise ValidationError({"quote": refusal.messages}) from None
    return Status(201, _detail(request, claim.pk))


class ClaimEditIn(Schema):
    version: int = Version
    statement: str | None = None
    claimant: str | None = None
    claim_type: ClaimType | None = None
    time_phrase: str | None = None
    earliest_date: dt.date | None = None
    due_date: dt.date | None = None
    precision: Precision | None = None
    vague: bool | None = None
    resolution_criteria: str | None = None
    tags: list[str] | None = None


@router.patch("/{claim_id}/", response=CHANGED, summary="Correct how a claim was logged")
def edit_claim(request: HttpRequest, claim_id: ObjectId, payload: ClaimEditIn) -> dict[str, Any]:
    """Only the fields sent change. To clear a date send it as null; a field left out
    keeps its value. The dates sent are taken as given: no proposal from the time phrase
    is checked against them, as the page does for the dates it proposed."""
    require(request, "claims.change_claim")
    claim = _get_claim(claim_id)
    sent = payload.model_dump(mode="json", exclude_unset=True)
    data = {**claim_initial(claim), "proposed_for": "", **sent}
    if sent.get("tags") is not None:
        data["tags"] = ", ".join(sent["tags"])
    form = ClaimEditForm(
        data={k: v for k, v in data.items() if v is not None},
        article_date=claim.article.published_date,
    )
    _refuse_if_stale(request, claim, payload.version, form)
    fields = _valid(form)
    try:
        services.edit_claim(
            claim=claim,
            by=request.user,  # type: ignore[arg-type]
            version=fields["version"],
            tags=fields["tags"],
            **{name: fields[name] for name in services.EDITABLE_FIELDS},
        )
    except services.VersionConflict:
        raise Conflict(_detail(request, claim.pk)) from None
    return _detail(request, claim.pk)


class ResolveIn(Schema):
    version: int = Version
    status: ClaimStatus = Field(description="The outcome; not open (reopen instead).")
    reason_code: ReasonCode | None = Field(None, description="Required for not_fulfilled.")
    outcome_date: dt.date | None = Field(None, description="When it happened or became known.")
    note: str = ""
    evidence_url: str = ""
    evidence_title: str = ""
    public_note: str | None = Field(None, description="Left out: the public note stays.")


@router.post("/{claim_id}/resolve/", response=CHANGED, summary="Record the outcome")
def resolve_claim(request: HttpRequest, claim_id: ObjectId, payload: ResolveIn) -> dict[str, Any]:
    return _act(request, claim_id, "resolve", payload)


class ReopenIn(Schema):
    version: int = Version
    note: str = Field("", description="Why it is reopened.")


@router.post("/{claim_id}/reopen/", response=CHANGED, summary="Reopen a resolved claim")
def reopen_claim(request: HttpRequest, claim_id: ObjectId, payload: ReopenIn) -> dict[str, Any]:
    return _act(request, claim_id, "reopen", payload)


class EvidenceIn(Schema):
    version: int = Version
    url: str = ""
    title: str = ""
    note: str = Field("", description="A link, a note, or both.")


@router.post("/{claim_id}/evidence/", response=CHANGED, summary="Add evidence")
def add_evidence(request: HttpRequest, claim_id: ObjectId, payload: EvidenceIn) -> dict[str, Any]:
    return _act(request, claim_id, "evidence", payload)


class DeadlineIn(Schema):
    version: int = Version
    due_date: dt.date
    earliest_date: dt.date | None = None
    reason: str = Field(description="Who moved it and why: “postponed by the White House”.")


@router.post(
    "/{claim_id}/deadline/",
    response=CHANGED,
    summary="The claimant moved the deadline",
)
def move_deadline(request: HttpRequest, claim_id: ObjectId, payload: DeadlineIn) -> dict[str, Any]:
    return _act(request, claim_id, "deadline", payload)


class SnoozeIn(Schema):
    version: int = Version
    until: dt.date = Field(description="Reminders resume on this date, after today.")
    reason: str = ""


@router.post("/{claim_id}/snooze/", response=CHANGED, summary="Snooze reminders")
def snooze_claim(request: HttpRequest, claim_id: ObjectId, payload: SnoozeIn) -> dict[str, Any]:
    return _act(request, claim_id, "snooze", payload)


class TakeIn(Schema):
    version: int = Version


@router.post("/{claim_id}/take/", response=CHANGED, summary="Take an unassigned claim")
def take_claim(request: HttpRequest, claim_id: ObjectId, payload: TakeIn) -> dict[str, Any]:
    return _act(request, claim_id, "take", payload)


class AssignIn(Schema):
    version: int = Version
    assignee: ObjectId | None = Field(description="A reviewer's user id; null: nobody.")


@router.post("/{claim_id}/assign/", response=CHANGED, summary="Assign a reviewer")
def assign_claim(request: HttpRequest, claim_id: ObjectId, payload: AssignIn) -> dict[str, Any]:
    return _act(request, claim_id, "assign", payload)
