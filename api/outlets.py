"""Outlets: the worked pattern for a resource. A router per resource module; each endpoint
asks for its permission first (api.permissions), reads through a QuerySet, pages with
api.paging, and leaves every error to api.errors. A write would call the app's services."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from api.paging import Page, PageQuery, keyset_page
from api.permissions import require
from api.schemas import ObjectId, ShortText
from articles.models import Outlet
from config.paging import Keyset

router = Router(tags=["outlets"])

# Oldest first, by id: stable whatever is renamed meanwhile.
OUTLET_ORDER = Keyset()


class OutletOut(Schema):
    id: int
    name: str
    domain: str


# Named, so the schema's component is "OutletPage", not "Page[OutletOut]" (OpenAPI allows
# only letters, digits, ".", "-" and "_" in component names).
class OutletPage(Page[OutletOut]):
    pass


class OutletQuery(Schema):
    q: ShortText = Field("", description="A part of the name or of the domain, any case.")


@router.get("/", response=OutletPage, summary="List outlets")
def list_outlets(
    request: HttpRequest, query: Query[OutletQuery], paging: Query[PageQuery]
) -> dict[str, Any]:
    """What the article list's outlet filter offers, found by name as the article search
    finds an outlet (articles.search)."""
    require(request, "articles.view_outlet")
    outlets = Outlet.objects.all()
    q = " ".join(query.q.split())
    if q:
        outlets = outlets.filter(Q(name__icontains=q) | Q(domain__icontains=q))
    return keyset_page(request, outlets, OUTLET_ORDER, paging)


@router.get("/{outlet_id}/", response=OutletOut, summary="One outlet")
def get_outlet(request: HttpRequest, outlet_id: ObjectId) -> Outlet:
    require(request, "articles.view_outlet")
    return get_object_or_404(Outlet, pk=outlet_id)
