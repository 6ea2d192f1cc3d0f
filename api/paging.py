"""Keyset (cursor) pages for the API's lists, in the order and cursor format of
config/paging.py: `{"items": [...], "next": "<url of the next page>" | null}`.

A client follows `next` until it is null. The cursor names the last item shown, so a page
deep in a long list costs the same as the first, and items added meanwhile neither repeat
nor go missing from the pages still to come. A cursor that cannot be read starts the list
from the top, as on the pages."""

from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema

from api.schemas import BIGINT_MAX
from config.paging import Keyset, split_page

Item = TypeVar("Item")
M = TypeVar("M", bound=Model)

# The dashboard's page (claims.dashboard.PAGE_SIZE): the claims lists are its lists.
DEFAULT_LIMIT = 25
MAX_LIMIT = 200


class Page(Schema, Generic[Item]):
    items: list[Item]
    next: str | None = Field(description="The address of the next page; null on the last.")


class PageQuery(Schema):
    cursor: str = Field(
        "", max_length=100, description="From the `next` of the page before; empty: the first."
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")


def ordering(keyset: Keyset) -> list[str]:
    """The ORDER BY that `keyset`'s cursors follow: its column, then id, same direction."""
    sign = "-" if keyset.descending else ""
    fields = [keyset.field, "id"] if keyset.field else ["id"]
    return [f"{sign}{field}" for field in fields]


def readable(cursor: str) -> str:
    """`cursor`, or "" when it names an id past the database's integers: no row, and a
    filter with it raises OverflowError on SQLite."""
    last_id = cursor.rsplit("_", 1)[-1]
    return "" if last_id.isdigit() and int(last_id) > BIGINT_MAX else cursor


def next_url(request: HttpRequest, cursor: str) -> str | None:
    """The address of the page after `cursor` ("": no more pages, None), with the request's
    other query parameters (filters, limit) kept."""
    if not cursor:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def keyset_page(
    request: HttpRequest, rows: "QuerySet[M]", keyset: Keyset, paging: PageQuery
) -> dict[str, Any]:
    """The page of `rows` after `paging.cursor`, ordered by `keyset`, with the address of
    the next. Fetches one row more than shown to know whether another page follows."""
    after = keyset.after(readable(paging.cursor))
    if after is not None:
        rows = rows.filter(after)
    page, last = split_page(rows.order_by(*ordering(keyset))[: paging.limit + 1], paging.limit)
    return {"items": page, "next": next_url(request, keyset.cursor(last) if last else "")}
