"""Scorecards: what a claimant's (or an outlet's) claims came to.

The counting rules, from PRODUCT.md's vocabulary:

- Withdrawn claims (logged in error, duplicates) are left out of everything.
- A reopened claim counts as open again, a re-rated one under its current status: the
  scorecard reads ``Claim.status`` as it is now, never the timeline.
- Open claims are shown apart from the outcomes; "overdue" is open and due before today in
  the newsroom's time zone (``newsroom_today``).
- Late: fulfilled with an ``outcome_date`` after its ``due_date``; on time: fulfilled with an
  outcome date on or before it (a fulfilled claim without a due date or outcome date is
  neither). Median days late is over the late claims.
- Came true: the share of the claims that were settled (fulfilled, partly fulfilled, not
  fulfilled) that were fulfilled. Unresolvable and void settled nothing, so they are out of
  the share; partly fulfilled is counted as settled but not as true.

Queries and indexes. A card is three queries over the claims of one claimant or outlet:
one ``aggregate()`` of conditional ``COUNT(*) FILTER (WHERE ...)`` (every bucket in one
scan), one ``values_list`` of the late claims' two dates (the median is taken in Python:
SQLite has no percentile, and late claims are few), and one ``GROUP BY`` month and status
for the chart. A claimant's card is served by the ``claim_claimant_status`` index (claimant,
status); its rows still have to be read for the dates, so the cost grows with the claimant's
claims. An outlet's card joins through articles (``article__outlet``), served by the
article's outlet foreign-key index and ``claims_claim.article_id``; the index pages are a
``GROUP BY`` over all claims. Neither has been measured on the 1M-claim data set yet: if
the 20 ms target of issue 12 is missed, counts kept by the services in the same
transaction are the next step (left to do).
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth

from articles.models import Outlet

from .models import Claim, ClaimStatus, ClaimType, Person, ReasonCode, Tag, newsroom_today

# The outcomes in the order a meter shows them, best first.
OUTCOMES = [
    ClaimStatus.FULFILLED,
    ClaimStatus.PARTLY_FULFILLED,
    ClaimStatus.NOT_FULFILLED,
    ClaimStatus.UNRESOLVABLE,
    ClaimStatus.VOID,
]
SETTLED = [ClaimStatus.FULFILLED, ClaimStatus.PARTLY_FULFILLED, ClaimStatus.NOT_FULFILLED]
# How many claimants or outlets the ranked indexes show.
INDEX_SIZE = 100


def bucket_filter(bucket: str, today: dt.date) -> Q | None:
    """The claims a count counts, by the count's name; None for an unknown name."""
    if bucket == "all":
        return Q()
    if bucket in OUTCOMES:
        return Q(status=bucket)
    if bucket.startswith("reason-") and bucket[7:] in ReasonCode.values:
        return Q(status=ClaimStatus.NOT_FULFILLED, reason_code=bucket[7:])
    return {
        "open": Q(status=ClaimStatus.OPEN),
        "overdue": Q(status=ClaimStatus.OPEN, due_date__lt=today),
        "late": Q(status=ClaimStatus.FULFILLED, outcome_date__gt=F("due_date")),
        "on_time": Q(status=ClaimStatus.FULFILLED, outcome_date__lte=F("due_date")),
        "settled": Q(status__in=SETTLED),
    }.get(bucket)


def bucket_label(bucket: str) -> str:
    if bucket in ClaimStatus.values:
        return str(ClaimStatus(bucket).label)
    if bucket.startswith("reason-") and bucket[7:] in ReasonCode.values:
        return f"Not fulfilled: {ReasonCode(bucket[7:]).label}"
    return {
        "all": "All tracked",
        "overdue": "Overdue",
        "late": "Fulfilled late",
        "on_time": "Fulfilled on time",
        "settled": "Settled",
    }.get(bucket, bucket)


def _date(value: str | None) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if dt.date(1900, 1, 1) <= day <= dt.date(2100, 12, 31) else None


def _pk(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 12 else None


@dataclass(frozen=True)
class Filters:
    """A card's filters, read from the URL; a value that cannot be read is left out."""

    due_from: dt.date | None = None
    due_to: dt.date | None = None
    tag: str = ""
    claim_type: str = ""
    outlet: int | None = None
    claimant: int | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        claim_type = query.get("type", "")
        tag = query.get("tag", "")
        return cls(
            due_from=_date(query.get("due_from")),
            due_to=_date(query.get("due_to")),
            # A slug or nothing: PostgreSQL refuses a NUL in a query, for one.
            tag=tag if re.fullmatch(r"[-\w]{1,60}", tag, flags=re.ASCII) else "",
            claim_type=claim_type if claim_type in ClaimType.values else "",
            outlet=_pk(query.get("outlet")),
            claimant=_pk(query.get("claimant")),
        )

    def apply(self, claims: QuerySet[Claim]) -> QuerySet[Claim]:
        if self.due_from:
            claims = claims.filter(due_date__gte=self.due_from)
        if self.due_to:
            claims = claims.filter(due_date__lte=self.due_to)
        if self.tag:
            claims = claims.filter(tags__slug=self.tag)
        if self.claim_type:
            claims = claims.filter(claim_type=self.claim_type)
        if self.outlet:
            claims = claims.filter(article__outlet_id=self.outlet)
        if self.claimant:
            claims = claims.filter(claimant_id=self.claimant)
        return claims

    def query(self, **extra: object) -> str:
        """These filters (and ``extra``) as a query string, for links."""
        values = {
            "due_from": self.due_from.isoformat() if self.due_from else "",
            "due_to": self.due_to.isoformat() if self.due_to else "",
            "tag": self.tag,
            "type": self.claim_type,
            "outlet": self.outlet or "",
            "claimant": self.claimant or "",
            **extra,
        }
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})

    @property
    def active(self) -> bool:
        return any((self.due_from, self.due_to, self.tag, self.claim_type, self.outlet))


def scored_claims(filters: Filters, base: QuerySet[Claim] | None = None) -> QuerySet[Claim]:
    """The claims a scorecard counts: all but the withdrawn, filtered. ``base`` narrows
    them first (the public cards pass ``claims.public.published_claims()``)."""
    claims = Claim.objects.all() if base is None else base
    return filters.apply(claims.exclude(status=ClaimStatus.WITHDRAWN))


@dataclass
class Month:
    month: dt.date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Scorecard:
    counts: dict[str, int]
    median_days_late: float | None
    months: list[Month] = field(default_factory=list)

    @property
    def settled(self) -> int:
        return sum(self.counts[s] for s in SETTLED)

    @property
    def came_true(self) -> float | None:
        """The share of settled claims that were fulfilled, 0 to 1; None with none settled."""
        return self.counts[ClaimStatus.FULFILLED] / self.settled if self.settled else None

    @property
    def resolved(self) -> int:
        return sum(self.counts[s] for s in OUTCOMES)

    def meter(self) -> list[tuple[str, str, int]]:
        """(bucket, label, count) for the outcomes and the open claims, in meter order."""
        return [(str(s), str(ClaimStatus(s).label), self.counts[s]) for s in OUTCOMES] + [
            ("open", "Open", self.counts["open"])
        ]

    def reasons(self) -> list[tuple[str, str, int]]:
        return [
            (f"reason-{code}", str(label), self.counts[f"reason-{code}"])
            for code, label in ReasonCode.choices
        ]


def count(claims: QuerySet[Claim], today: dt.date) -> Scorecard:
    """Every count of a card in one aggregate query, the median and the months in two more."""
    buckets = ["all", *OUTCOMES, "open", "overdue", "late", "on_time"]
    buckets += [f"reason-{code}" for code in ReasonCode.values]
    aggregates = {}
    for bucket in buckets:
        condition = bucket_filter(bucket, today)
        assert condition is not None
        aggregates[str(bucket)] = Count("pk", filter=condition) if condition else Count("pk")
    counts = {k: v or 0 for k, v in claims.aggregate(**aggregates).items()}
    late = bucket_filter("late", today)
    assert late is not None
    days = [
        (outcome - due).days
        for outcome, due in claims.filter(late).values_list("outcome_date", "due_date")
        if outcome is not None and due is not None  # always, by the filter; for the types
    ]
    return Scorecard(
        counts=counts,
        median_days_late=statistics.median(days) if days else None,
        months=by_month(claims),
    )


def by_month(claims: QuerySet[Claim]) -> list[Month]:
    """Claims with a due date, by month due and status (open included), oldest first."""
    rows = (
        claims.filter(due_date__isnull=False)
        .annotate(month=TruncMonth("due_date"))
        .values("month", "status")
        .annotate(n=Count("pk"))
        .order_by("month", "status")
    )
    months: dict[dt.date, dict[str, int]] = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, dt.datetime):
            month = month.date()
        counts = months.setdefault(month, dict.fromkeys([*OUTCOMES, ClaimStatus.OPEN], 0))
        counts[row["status"]] = row["n"]
    return [Month(month=m, counts={str(k): v for k, v in c.items()}) for m, c in months.items()]


def claimant_card(
    person: Person,
    filters: Filters,
    today: dt.date | None = None,
    base: QuerySet[Claim] | None = None,
) -> Scorecard:
    today = today or newsroom_today()
    return count(scored_claims(filters, base).filter(claimant=person), today)


def outlet_card(
    outlet: Outlet,
    filters: Filters,
    today: dt.date | None = None,
    base: QuerySet[Claim] | None = None,
) -> Scorecard:
    today = today or newsroom_today()
    return count(scored_claims(filters, base).filter(article__outlet=outlet), today)


def still_open(
    person: Person, filters: Filters, limit: int = 50, base: QuerySet[Claim] | None = None
) -> list[Claim]:
    """A claimant's open claims, nearest due date first (undated last)."""
    return list(
        scored_claims(filters, base)
        .filter(claimant=person, status=ClaimStatus.OPEN)
        .select_related("article__outlet")
        .order_by(F("due_date").asc(nulls_last=True), "id")[:limit]
    )


def ranked_claimants(base: QuerySet[Claim] | None = None) -> QuerySet[Person]:
    """Claimants by claims tracked (withdrawn left out), most first; with ``base``, only
    its claims are tracked."""
    counted = ~Q(claims__status=ClaimStatus.WITHDRAWN)
    if base is not None:
        counted &= Q(claims__in=base.values("pk"))
    tracked = Count("claims", filter=counted)
    return (
        Person.objects.annotate(tracked=tracked)
        .filter(tracked__gt=0)
        .order_by("-tracked", "name")[:INDEX_SIZE]
    )


def ranked_outlets() -> QuerySet[Outlet]:
    """Outlets by claims tracked in their articles (withdrawn left out), most first."""
    tracked = Count("articles__claims", filter=~Q(articles__claims__status=ClaimStatus.WITHDRAWN))
    return (
        Outlet.objects.annotate(tracked=tracked)
        .filter(tracked__gt=0)
        .order_by("-tracked", "name")[:INDEX_SIZE]
    )


def tags() -> QuerySet[Tag]:
    return Tag.objects.order_by("name")
