"""Scorecard pages: thin views over claims.scorecards, charts laid out here as numbers the
templates draw as SVG (no script, no inline style: classes in app.css)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.cache import caches
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from articles.models import Outlet
from config.auth import role_required
from config.http import HtmxHttpRequest
from config.paging import Keyset, split_page

from . import exports, public, scorecards
from .models import Claim, ClaimType, Person, newsroom_today
from .scorecards import Filters, Scorecard

PAGE_SIZE = 50
# How long a rendered card or index is kept in a process; any change to a claim (and
# midnight) moves its key sooner (`kept`).
KEPT_SECONDS = 600
METER_WIDTH = 600
CHART_HEIGHT = 160
BAR_WIDTH = 24
BAR_GAP = 8


def _meter(card: Scorecard) -> list[dict[str, Any]]:
    """The meter's segments, x and width in a 0..METER_WIDTH box."""
    total = card.counts["all"]
    segments, x = [], 0.0
    for bucket, label, n in card.meter():
        width = METER_WIDTH * n / total if total else 0
        if n:
            segments.append({"bucket": bucket, "label": label, "n": n, "x": x, "width": width})
        x += width
    return segments


def _months(card: Scorecard) -> dict[str, Any]:
    """Bars per month due, stacked by status, y from the top of a CHART_HEIGHT box."""
    tallest = max((m.total for m in card.months), default=0)
    statuses = [str(s) for s in scorecards.OUTCOMES] + ["open"]
    bars = []
    for i, month in enumerate(card.months):
        y = float(CHART_HEIGHT)
        stack = []
        # Labels and coordinates as text here, once per bar: as template filters they were
        # most of a large card's rendering (65 months: ~1,200 filter calls).
        label = date_format(month.month, "M Y")
        for bucket, n in month.counts.items():
            height = CHART_HEIGHT * n / tallest if tallest else 0
            y -= height
            if n:
                stack.append({"bucket": bucket, "n": n, "y": f"{y:.2f}", "height": f"{height:.2f}"})
        bars.append(
            {
                "month": month,
                "x": i * (BAR_WIDTH + BAR_GAP),
                "stack": stack,
                "label": label,
                "short": date_format(month.month, "m/y"),
                "long": date_format(month.month, "F Y"),
                "cells": [month.counts.get(s) for s in statuses],
            }
        )
    return {
        "bars": bars,
        "width": max(len(bars) * (BAR_WIDTH + BAR_GAP), BAR_WIDTH),
        "height": CHART_HEIGHT,
        "label_y": CHART_HEIGHT + 14,
        "bar_width": BAR_WIDTH,
        "tallest": tallest,
        "statuses": [(str(s), str(s.label)) for s in scorecards.OUTCOMES] + [("open", "Open")],
    }


class FilterForm(forms.Form):
    """Renders a card's filters (claims.scorecards.Filters reads them from the URL)."""

    due_from = forms.DateField(
        required=False, label="Due from", widget=forms.DateInput(attrs={"type": "date"})
    )
    due_to = forms.DateField(
        required=False, label="Due to", widget=forms.DateInput(attrs={"type": "date"})
    )
    tag = forms.ChoiceField(required=False)
    type = forms.ChoiceField(required=False, label="Claim type")
    outlet = forms.ChoiceField(required=False)
    claimant = forms.ChoiceField(required=False)

    def __init__(
        self,
        data: Any,
        *,
        kind: str,
        others: list[tuple[Any, str]],
        tags: list[tuple[str, str]] | None = None,
    ) -> None:
        """`others`: the outlets (of a claimant's card) or claimants (of an outlet's) to
        offer; `tags`: (slug, name) to offer, every tag by default (the public cards pass
        only the published claims' own)."""
        super().__init__(data)
        if tags is None:
            tags = [(t.slug, t.name) for t in scorecards.tags()]
        self.fields["tag"].choices = [("", "Any tag"), *tags]  # type: ignore[attr-defined]
        self.fields["type"].choices = [("", "Any type"), *ClaimType.choices]  # type: ignore[attr-defined]
        other = "outlet" if kind == "claimant" else "claimant"
        del self.fields[kind]
        self.fields[other].choices = [  # type: ignore[attr-defined]
            ("", f"Any {other}"),
            *((str(pk), name) for pk, name in others),
        ]


def card_context(
    card: Scorecard, filters: Filters, *, claims_url: str, **subject: Any
) -> dict[str, Any]:
    """A card's numbers, each linked to ``claims_url`` (the staff or the public list)."""
    base = claims_url
    link = {b: f"{base}?{filters.query(count=b)}" for b in [*card.counts, "settled"]}
    outcomes: list[dict[str, Any]] = [
        {"label": "Fulfilled", "bucket": "fulfilled"},
        {"label": "on time", "bucket": "on_time", "sub": True},
        {"label": "late", "bucket": "late", "sub": True},
        {"label": "Partly fulfilled", "bucket": "partly_fulfilled"},
        {"label": "Not fulfilled", "bucket": "not_fulfilled"},
        *({"label": label, "bucket": b, "sub": True} for b, label, _ in card.reasons()),
        {"label": "Unresolvable", "bucket": "unresolvable"},
        {"label": "Void", "bucket": "void"},
    ]
    for row in outcomes:
        row["n"] = card.counts[row["bucket"]]
        row["link"] = link[row["bucket"]]
    return {
        "card": card,
        "link": link,
        "outcomes": outcomes,
        "filters": filters,
        "meter": _meter(card),
        "meter_width": METER_WIDTH,
        "chart": _months(card),
        "came_true_percent": round(card.came_true * 100) if card.came_true is not None else None,
        **subject,
    }


def kept(request: HttpRequest, template: str, context: Callable[[], dict[str, Any]]) -> SafeString:
    """The part of a scorecard page that depends only on the claims (not on who is
    looking): rendered once per process and state of the claims, then served from
    CACHES["local"] until a claim changes or the day turns. The counts are cheap to read
    (kept by the services); laying out and rendering a big card was most of a request's
    time (bench/README.md, "Staff pages"). The state is read on every request, one index
    probe, so a reviewer who has just resolved a claim sees it counted at once.

    What moves no claim's ``updated_at`` shows at the next change to any claim: a renamed
    claimant or outlet, an article moved to another outlet."""
    state = public.read_claims_state()
    name = f"{template}|{request.get_full_path()}|{state.key}"
    key = "scorecard:" + hashlib.sha256(name.encode()).hexdigest()
    cache = caches["local"]
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, context())
        cache.set(key, html, KEPT_SECONDS)
    return mark_safe(html)  # rendered by our own template, escaped there


def _index(request: HtmxHttpRequest, kind: str) -> HttpResponse:
    def context() -> dict[str, Any]:
        rows = scorecards.ranked_claimants() if kind == "claimant" else scorecards.ranked_outlets()
        return {"rows": rows, "kind": kind}

    return render(
        request,
        "claims/scorecards/index.html",
        {
            "body": kept(request, "claims/scorecards/index.html#table", context),
            "kind": kind,
            "index_size": scorecards.INDEX_SIZE,
        },
    )


@require_safe
@role_required("claims.view_claim")
def claimant_index(request: HtmxHttpRequest) -> HttpResponse:
    return _index(request, "claimant")


@require_safe
@role_required("claims.view_claim")
def outlet_index(request: HtmxHttpRequest) -> HttpResponse:
    return _index(request, "outlet")


def _card(request: HtmxHttpRequest, kind: str, subject: Person | Outlet) -> HttpResponse:
    """A claimant's or an outlet's card; the part that depends only on the claims is kept
    (`kept`). A claimant's card also lists the claims still open."""

    def context() -> dict[str, Any]:
        filters = Filters.from_query(request.GET)
        filters = Filters(**{**filters.__dict__, kind: subject.pk})
        if isinstance(subject, Person):
            card = scorecards.claimant_card(subject, filters)
            others = scorecards.outlets_of(subject)
            extra = {"still_open": scorecards.still_open(subject, filters)}
        else:
            card = scorecards.outlet_card(subject, filters)
            others = scorecards.claimants_of(subject)
            extra = {}
        return card_context(
            card,
            filters,
            claims_url=reverse("claims:scorecard_claims"),
            subject=subject,
            kind=kind,
            form=FilterForm(request.GET, kind=kind, others=others),
            **extra,
        )

    body = kept(request, "claims/scorecards/card.html#content", context)
    return render(
        request,
        "claims/scorecards/card.html",
        {"subject": subject, "kind": kind, "body": body},
    )


@require_safe
@role_required("claims.view_claim")
def claimant_card(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _card(request, "claimant", get_object_or_404(Person, pk=pk))


@require_safe
@role_required("claims.view_claim")
def outlet_card(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _card(request, "outlet", get_object_or_404(Outlet, pk=pk))


def counted_claims(request: HttpRequest, base: QuerySet[Claim] | None = None) -> QuerySet[Claim]:
    """The claims one count of a card counts (`count` and the card's filters, from the
    query string), unordered. 404 for an unknown count."""
    condition = scorecards.bucket_filter(request.GET.get("count", "all"), newsroom_today())
    if condition is None:
        raise Http404("No such count.")
    return scorecards.scored_claims(Filters.from_query(request.GET), base).filter(condition)


def count_claims_context(
    request: HttpRequest, base: QuerySet[Claim] | None = None
) -> dict[str, Any]:
    """The claims one count of a card counts, paged by id: the staff page's and (with
    `base`, the published claims) the public page's context. 404 for an unknown count."""
    bucket = request.GET.get("count", "all")
    filters = Filters.from_query(request.GET)
    keyset = Keyset()
    claims = counted_claims(request, base)
    after = keyset.after(request.GET.get("after", ""))
    if after is not None:
        claims = claims.filter(after)
    rows, last = split_page(
        claims.select_related("claimant", "article__outlet").order_by("id")[: PAGE_SIZE + 1],
        PAGE_SIZE,
    )
    return {
        "rows": rows,
        "label": scorecards.bucket_label(bucket),
        "filters": filters,
        "person": Person.objects.filter(pk=filters.claimant).first() if filters.claimant else None,
        "outlet": Outlet.objects.filter(pk=filters.outlet).first() if filters.outlet else None,
        "next_query": filters.query(count=bucket, after=keyset.cursor(last)) if last else "",
    }


@require_safe
@role_required("claims.view_claim")
def scorecard_claims(request: HtmxHttpRequest) -> HttpResponse:
    """The claims one count of a card counts, paged by id."""
    # The whole list, not this page of it: the CSV link leaves the cursor out.
    query = request.GET.copy()
    query.pop("after", None)
    context = {**count_claims_context(request), "ns": "claims", "csv_query": query.urlencode()}
    return render(request, "claims/scorecards/claims.html", context)


@require_safe
@role_required("claims.view_claim")
def scorecard_claims_csv(request: HtmxHttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The list behind one count, all of it (not one page), with its filters, as CSV."""
    claims = counted_claims(request).order_by("id")
    bucket = slugify(request.GET.get("count", "all"))
    filename = f"scorecard-{bucket}-{newsroom_today().isoformat()}.csv"
    if request.method == "HEAD":
        # The headers alone (link checkers), as the dashboard's CSV: no query, no body.
        head = HttpResponse(content_type=exports.CSV_CONTENT_TYPE)
        head["Content-Disposition"] = f'attachment; filename="{filename}"'
        return head
    return exports.csv_response(claims, filename=filename)
