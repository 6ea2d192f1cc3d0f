"""Public scorecards (settings.PUBLIC_PAGES): the staff cards of claims.scorecards counted
over `claims.public.published_claims()` only, for anonymous readers.

The counting is the staff cards' own (they take the published claims as their base
QuerySet); the templates are the staff ones rendered inside public/base.html, with links to
the public claim pages. Their filter form offers only what published claims name (the
tags, outlets and claimants of published claims): the staff choices would name
unpublished ones. Served as the other public pages (claims.public.public_page): keyed by
the latest change to any claim, the day and the URL, so a card is counted once per state
and process, and revalidated with 304.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from articles.models import Outlet

from . import scorecards
from .models import ClaimStatus, Person, Tag
from .public import _context, many_claims_state, public_page, published_claims
from .scorecard_views import FilterForm, card_context, count_claims_context
from .scorecards import Filters


@dataclass
class Ranked:
    pk: int
    name: str
    tracked: int


def _ranked(field: str, model: type[Person] | type[Outlet]) -> list[Ranked]:
    """Claimants or outlets (`field` of a claim) by published claims tracked (withdrawn
    left out), most first, ties by name. One GROUP BY over the published claims (index
    claim_published), not over every claim as the staff index counts: on the 1M-claim set
    with 3,333 published the page renders in 40 ms instead of 1.4 s, and it is rendered
    again after any claim changes (bench/README.md, "Public pages")."""
    rows = (
        published_claims()
        .exclude(status=ClaimStatus.WITHDRAWN)
        .filter(**{f"{field}__isnull": False})
        .values(field)
        .annotate(tracked=Count("pk"))
        .order_by()
    )
    counts = {row[field]: row["tracked"] for row in rows}
    # Every group is read (a few thousand at most) so that ties are ranked by name, as
    # the staff index ranks them.
    names = dict(model.objects.filter(pk__in=counts).values_list("pk", "name"))
    ranked = [Ranked(pk, names[pk], n) for pk, n in counts.items()]
    return sorted(ranked, key=lambda r: (-r.tracked, r.name))[: scorecards.INDEX_SIZE]


def ranked_claimants() -> list[Ranked]:
    return _ranked("claimant", Person)


def ranked_outlets() -> list[Ranked]:
    return _ranked("article__outlet", Outlet)


def _public_tags() -> list[tuple[str, str]]:
    return list(
        Tag.objects.filter(claims__in=published_claims().values("pk"))
        .distinct()
        .order_by("name")
        .values_list("slug", "name")
    )


def _form(request: HttpRequest, *, kind: str, subject: Q) -> FilterForm:
    """The filter form, with the choices the published claims of the subject name."""
    mine = published_claims().filter(subject)
    others: list[tuple[int, str]]
    if kind == "claimant":
        others = list(
            Outlet.objects.filter(articles__claims__in=mine.values("pk"))
            .distinct()
            .order_by("name")
            .values_list("pk", "name")
        )
    else:
        others = list(
            Person.objects.filter(claims__in=mine.values("pk"))
            .distinct()
            .order_by("name")
            .values_list("pk", "name")
        )
    return FilterForm(request.GET, kind=kind, others=others, tags=_public_tags())


@login_not_required
@require_safe
@public_page(many_claims_state)
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/scorecards/index.html",
        _context(
            rows=ranked_claimants(),
            kind="claimant",
            index_size=scorecards.INDEX_SIZE,
        ),
    )


@login_not_required
@require_safe
@public_page(many_claims_state)
def outlet_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/scorecards/index.html",
        _context(rows=ranked_outlets(), kind="outlet", index_size=scorecards.INDEX_SIZE),
    )


@login_not_required
@require_safe
@public_page(many_claims_state)
def claimant_card(request: HttpRequest, pk: int) -> HttpResponse:
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
        form=_form(request, kind="claimant", subject=Q(claimant=person)),
    )
    return render(request, "public/scorecards/card.html", _context(**context))


@login_not_required
@require_safe
@public_page(many_claims_state)
def outlet_card(request: HttpRequest, pk: int) -> HttpResponse:
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
        form=_form(request, kind="outlet", subject=Q(article__outlet=outlet)),
    )
    return render(request, "public/scorecards/card.html", _context(**context))


@login_not_required
@require_safe
@public_page(many_claims_state)
def scorecard_claims(request: HttpRequest) -> HttpResponse:
    """The published claims one count of a public card counts, paged by id."""
    context = _context(**count_claims_context(request, published_claims()), ns="public")
    return render(request, "public/scorecards/claims.html", context)
