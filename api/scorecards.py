"""Scorecards: the claimants and outlets ranked by claims tracked, and a claimant's or an
outlet's card with the filters of the card pages, counted by claims.scorecards alone (the
same functions as the pages, so the same numbers)."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from api.permissions import require
from api.schemas import ObjectId, Text
from articles.models import Outlet
from claims import scorecards
from claims.models import ClaimType, Person
from claims.scorecards import Filters, Scorecard

router = Router(tags=["scorecards"])


class Ranked(Schema):
    id: int
    name: str
    tracked: int = Field(description="Claims tracked, withdrawn ones left out.")


class MonthOut(Schema):
    month: dt.date
    counts: dict[str, int]


class CardOut(Schema):
    counts: dict[str, int] = Field(
        description=(
            "Claims per count: all, each outcome, open, overdue, late, on_time and "
            "reason-<code> for the not fulfilled, withdrawn ones left out."
        )
    )
    settled: int
    resolved: int
    came_true: float | None = Field(description="Fulfilled of the settled, 0 to 1.")
    median_days_late: float | None
    months: list[MonthOut] = Field(description="By month due and status, oldest first.")


class OpenClaim(Schema):
    id: int
    statement: str
    due_date: dt.date | None
    version: int


class ClaimantCardOut(Schema):
    id: int
    name: str
    card: CardOut
    still_open: list[OpenClaim] = Field(description="Open claims, nearest due date first.")


class OutletCardOut(Schema):
    id: int
    name: str
    card: CardOut


class CardFilters(Schema):
    """The card pages' filters; a value the pages cannot read is refused with 422 here."""

    due_from: dt.date | None = None
    due_to: dt.date | None = None
    tag: Annotated[Text, Field(max_length=60)] = Field("", description="A tag's slug.")
    type: ClaimType | None = None


class ClaimantCardFilters(CardFilters):
    outlet: ObjectId | None = None


class OutletCardFilters(CardFilters):
    claimant: ObjectId | None = None


def _filters(request: HttpRequest, **subject: int) -> Filters:
    # Read as the pages read them (claims.scorecards.Filters), from the same query string.
    filters = Filters.from_query(request.GET)
    return Filters(**{**filters.__dict__, **subject})


def _card(card: Scorecard) -> dict[str, Any]:
    return {
        "counts": card.counts,
        "settled": card.settled,
        "resolved": card.resolved,
        "came_true": card.came_true,
        "median_days_late": card.median_days_late,
        "months": card.months,
    }


@router.get("/claimants/", response=list[Ranked], summary="Claimants by claims tracked")
def ranked_claimants(request: HttpRequest) -> Any:
    """The first 100, most claims first."""
    require(request, "claims.view_claim")
    return list(scorecards.ranked_claimants())


@router.get("/outlets/", response=list[Ranked], summary="Outlets by claims tracked")
def ranked_outlets(request: HttpRequest) -> Any:
    """The first 100, most claims first."""
    require(request, "claims.view_claim")
    return list(scorecards.ranked_outlets())


@router.get("/claimants/{person_id}/", response=ClaimantCardOut, summary="A claimant's card")
def claimant_card(
    request: HttpRequest, person_id: ObjectId, filters: Query[ClaimantCardFilters]
) -> dict[str, Any]:
    require(request, "claims.view_claim")
    person = get_object_or_404(Person, pk=person_id)
    read = _filters(request, claimant=person.pk)
    return {
        "id": person.pk,
        "name": person.name,
        "card": _card(scorecards.claimant_card(person, read)),
        "still_open": scorecards.still_open(person, read),
    }


@router.get("/outlets/{outlet_id}/", response=OutletCardOut, summary="An outlet's card")
def outlet_card(
    request: HttpRequest, outlet_id: ObjectId, filters: Query[OutletCardFilters]
) -> dict[str, Any]:
    require(request, "claims.view_claim")
    outlet = get_object_or_404(Outlet, pk=outlet_id)
    read = _filters(request, outlet=outlet.pk)
    return {
        "id": outlet.pk,
        "name": outlet.name,
        "card": _card(scorecards.outlet_card(outlet, read)),
    }
