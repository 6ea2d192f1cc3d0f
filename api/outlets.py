"""Outlets: the worked pattern for a resource. A router per resource module; each endpoint
asks for its permission first (api.permissions), reads through a QuerySet, pages with
api.paging, and leaves every error to api.errors. A write would call the app's services."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from api.paging import Page, PageQuery, keyset_page
from api.permissions import require
from api.schemas import ObjectId
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


@router.get("/", response=OutletPage, summary="List outlets")
def list_outlets(request: HttpRequest, paging: Query[PageQuery]) -> dict[str, Any]:
    require(request, "articles.view_outlet")
    return keyset_page(request, Outlet.objects.all(), OUTLET_ORDER, paging)


@router.get("/{outlet_id}/", response=OutletOut, summary="One outlet")
def get_outlet(request: HttpRequest, outlet_id: ObjectId) -> Outlet:
    require(request, "articles.view_outlet")
    return get_object_or_404(Outlet, pk=outlet_id)
