"""Public scorecards (settings.PUBLIC_PAGES): the staff cards of claims.scorecards counted
over `claims.public.published_claims()` only, for anonymous readers.

The counting is the staff cards' own (they take the published claims as their base
QuerySet); the templates are the staff ones rendered inside public/base.html, with links to
the public claim pages and no filter form (its choices would name unpublished claimants and
outlets; the filters still work from the URL). Cacheable as the other public pages: the
ETag names the latest change among published claims, their number, the day (overdue moves
with it) and the query string.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import condition, require_safe

from articles.models import Outlet

from . import scorecards
from .models import Claim, Person, newsroom_today
from .public import PAGES_REVISION, _cacheable, _context, public_pages_on, published_claims
from .scorecard_views import card_context, count_claims_context
from .scorecards import Filters


def _state() -> tuple[dt.datetime | None, int]:
    # Withdrawn claims stay in the stamp: withdrawing a published claim changes the cards.
    # Unpublishing one takes it out of the latest, so the number of them is part of it too.
    row = Claim.objects.filter(published_at__isnull=False).aggregate(
        latest=Max("updated_at"), n=Count("pk")
    )
    return row["latest"], row["n"]


def _etag(request: HttpRequest, **kwargs: Any) -> str | None:
    if not public_pages_on():
        return None
    latest, n = _state()
    query = request.META.get("QUERY_STRING", "")
    key = f"{request.path}?{query}|{kwargs}|{latest}|{n}|{newsroom_today()}"
    return f"scorecards-{hashlib.sha256(key.encode()).hexdigest()[:24]}-{PAGES_REVISION}"


def _modified(request: HttpRequest, **kwargs: Any) -> dt.datetime | None:
    if not public_pages_on():
        return None
    latest, _ = _state()
    # Overdue counts move at midnight even when no claim changed.
    midnight = timezone.make_aware(dt.datetime.combine(newsroom_today(), dt.time()))
    return max(latest, midnight) if latest else midnight


def _require_on() -> None:
    if not public_pages_on():
        raise Http404


@login_not_required
@require_safe
@condition(etag_func=_etag, last_modified_func=_modified)
def index(request: HttpRequest) -> HttpResponse:
    _require_on()
    response = render(
        request,
        "public/scorecards/index.html",
        _context(
            rows=scorecards.ranked_claimants(published_claims()),
            index_size=scorecards.INDEX_SIZE,
        ),
    )
    return _cacheable(response)


@login_not_required
@require_safe
@condition(etag_func=_etag, last_modified_func=_modified)
def claimant_card(request: HttpRequest, pk: int) -> HttpResponse:
    _require_on()
    # The pk lookup first: it answers an id past the database's integers with a 404, where
    # a foreign-key filter on SQLite raises OverflowError.
    person = get_object_or_404(Person, pk=pk)
    base = published_claims()
    if not base.filter(claimant=person).exists():
        raise Http404
    filters = Filters.from_query(request.GET)
    filters = Filters(**{**filters.__dict__, "claimant": person.pk})
    card = scorecards.claimant_card(person, filters, base=base)
    context = card_context(
        card,
        filters,
        claims_url=reverse("public:scorecard_claims"),
        subject=person,
        kind="claimant",
        still_open=scorecards.still_open(person, filters, base=base),
    )
    return _cacheable(render(request, "public/scorecards/card.html", _context(**context)))


@login_not_required
@require_safe
@condition(etag_func=_etag, last_modified_func=_modified)
def outlet_card(request: HttpRequest, pk: int) -> HttpResponse:
    _require_on()
    # The pk lookup first: it answers an id past the database's integers with a 404, where
    # a foreign-key filter on SQLite raises OverflowError.
    outlet = get_object_or_404(Outlet, pk=pk)
    base = published_claims()
    if not base.filter(article__outlet=outlet).exists():
        raise Http404
    filters = Filters.from_query(request.GET)
    filters = Filters(**{**filters.__dict__, "outlet": outlet.pk})
    card = scorecards.outlet_card(outlet, filters, base=base)
    context = card_context(
        card,
        filters,
        claims_url=reverse("public:scorecard_claims"),
        subject=outlet,
        kind="outlet",
    )
    return _cacheable(render(request, "public/scorecards/card.html", _context(**context)))


@login_not_required
@require_safe
@condition(etag_func=_etag, last_modified_func=_modified)
def scorecard_claims(request: HttpRequest) -> HttpResponse:
    """The published claims one count of a public card counts, paged by id."""
    _require_on()
    context = _context(**count_claims_context(request, published_claims()), ns="public")
    return _cacheable(render(request, "public/scorecards/claims.html", context))
