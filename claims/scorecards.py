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

Which path serves what. Without a filter that needs the claims themselves, a card is read
from the counts the services keep (claims.scorecard_counts, ``ScorecardCount``): one indexed
read of the subject's rows (5,277 for the biggest claimant of the 1M-claim set: 1-7 ms),
added up in Python by ``card_of``. That covers the staff cards, the public ones
(``base`` is ``claims.public.published_claims()``: only the rows of published claims) and
due-date ranges of whole months. A tag, a claim type, a day-precise due-date range, the
other kind's filter (an outlet on a claimant's card) or any other ``base`` counts live:
one ``GROUP BY status, reason, month, open due day, days late`` pass over the claims
(``live_rows``), fed to the same ``card_of``, so both paths give the same card. The ranked
indexes read ``ScorecardTotal`` (two rows per subject at most) for all claims and for the
published ones; a card's filter choices read ``ScorecardPair``. bench/README.md has the
figures (issue 12, "Measured").
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear

from articles.models import Outlet

from .models import (
    UNTIMED,
    Claim,
    ClaimStatus,
    ClaimType,
    CountKind,
    Person,
    ReasonCode,
    ScorecardCount,
    ScorecardPair,
    ScorecardTotal,
    Tag,
    newsroom_today,
)

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


# One group of claims as both paths see it: (status, reason_code, due_month YYYYMM or 0,
# open_due YYYYMMDD or 0, days_late or UNTIMED, n); see claims.models.ScorecardCount.
Row = tuple[str, str, int, int, int, int]


# Plain strings for card_of's loop (thousands of rows a card): comparing enum members
# and building ReasonCode.values on each row took most of its time.
_OPEN, _FULFILLED = str(ClaimStatus.OPEN), str(ClaimStatus.FULFILLED)
_MONTH_STATUSES = [str(s) for s in [*OUTCOMES, ClaimStatus.OPEN]]
_REASONS = {str(code): f"reason-{code}" for code in ReasonCode.values}


def card_of(rows: Iterable[Row], today: dt.date) -> Scorecard:
    """A card's counts, median and months from its grouped rows, kept or live (a key may
    come in several rows: they add up)."""
    buckets = ["all", *OUTCOMES, "open", "overdue", "late", "on_time", *_REASONS.values()]
    counts = dict.fromkeys((str(b) for b in buckets), 0)
    today_key = today.year * 10000 + today.month * 100 + today.day
    late: Counter[int] = Counter()
    months: dict[int, dict[str, int]] = {}
    total = open_ = overdue = on_time = late_n = 0
    for status, reason, due_month, open_due, days_late, n in rows:
        total += n
        if status == _OPEN:
            open_ += n
            if open_due and open_due < today_key:
                overdue += n
        else:
            counts[status] += n
            if reason in _REASONS:  # set only on not fulfilled (claim_reason_code_valid)
                counts[_REASONS[reason]] += n
            if days_late != UNTIMED and status == _FULFILLED:
                if days_late > 0:
                    late_n += n
                    late[days_late] += n
                else:
                    on_time += n
        if due_month:
            month = months.get(due_month)
            if month is None:
                month = months[due_month] = dict.fromkeys(_MONTH_STATUSES, 0)
            month[status] += n
    counts.update(all=total, open=open_, overdue=overdue, late=late_n, on_time=on_time)
    return Scorecard(
        counts=counts,
        median_days_late=_median(late),
        months=[
            Month(month=dt.date(key // 100, key % 100, 1), counts=c)
            for key, c in sorted(months.items())
        ],
    )


def _median(histogram: Counter[int]) -> float | None:
    """statistics.median of the values the histogram counts, without listing them."""
    total = sum(histogram.values())
    if not total:
        return None
    values = sorted(histogram.items())

    def nth(i: int) -> int:  # the i-th value (from 0) in sorted order
        seen = 0
        for value, n in values:
            seen += n
            if i < seen:
                return value
        raise IndexError(i)

    if total % 2:
        return nth(total // 2)
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


def live_rows(claims: QuerySet[Claim]) -> list[Row]:
    """The claims grouped as ScorecardCount groups them, in one pass over their rows."""
    year, month, day = ExtractYear("due_date"), ExtractMonth("due_date"), ExtractDay("due_date")
    late_days = ExpressionWrapper(F("outcome_date") - F("due_date"), output_field=DurationField())
    rows = (
        claims.order_by()
        .annotate(
            due_month=Coalesce(year * 100 + month, 0),
            open_due=Case(
                When(
                    Q(status=ClaimStatus.OPEN, due_date__isnull=False),
                    then=year * 10000 + month * 100 + day,
                ),
                default=Value(0),
            ),
            late_days=Case(
                When(
                    Q(
                        status=ClaimStatus.FULFILLED,
                        due_date__isnull=False,
                        outcome_date__isnull=False,
                    ),
                    then=late_days,
                ),
                default=None,
                output_field=DurationField(),
            ),
        )
        .values_list("status", "reason_code", "due_month", "open_due", "late_days")
        .annotate(n=Count("pk"))
    )
    return [
        (status, reason, due_month, open_due, UNTIMED if late is None else late.days, n)
        for status, reason, due_month, open_due, late, n in rows
    ]


def count(claims: QuerySet[Claim], today: dt.date) -> Scorecard:
    """Every count of a card, its median days late and months, counted live in one query."""
    return card_of(live_rows(claims), today)


def _published_only(base: QuerySet[Claim] | None) -> bool | None:
    """Whether the kept counts can stand in for ``base``: False for all claims, True for
    the published ones (``claims.public.published_claims()``, as the public pages pass
    it), None for any other base (then the card is counted live)."""
    if base is None:
        return False
    from .public import published_claims

    return True if str(base.query) == str(published_claims().query) else None


ALL_MONTHS = (0, 999999)  # YYYYMM: the undated claims (0) and every month


def _kept_months(filters: Filters) -> tuple[int, int] | None:
    """The due months (YYYYMM, inclusive) the due-date filters keep, when they keep whole
    months (or none: all of them); None when a day-precise range needs the live rows."""
    low, high = ALL_MONTHS
    if filters.due_from:
        if filters.due_from.day != 1:
            return None
        low = filters.due_from.year * 100 + filters.due_from.month
    if filters.due_to:
        following = filters.due_to + dt.timedelta(days=1)
        if following.day != 1:
            return None
        high = filters.due_to.year * 100 + filters.due_to.month
    if filters.due_from or filters.due_to:
        low = max(low, 1)  # a due-date range leaves the undated claims out
    return low, high


def kept_rows(kind: str, subject: int, published_only: bool, months: tuple[int, int]) -> list[Row]:
    """One claimant's or outlet's kept counts, grouped as live_rows groups the claims."""
    counts = ScorecardCount.objects.filter(kind=kind, subject=subject)
    if months != ALL_MONTHS:
        counts = counts.filter(due_month__gte=months[0], due_month__lte=months[1])
    if published_only:
        counts = counts.filter(published=True)
    # No GROUP BY: the rows are unique but for ``published``, and card_of adds them up.
    # Fetched raw: the ORM's per-row work was half of a 5,000-row card's time.
    sql, params = (
        counts.order_by()
        .values_list("status", "reason_code", "due_month", "open_due", "days_late", "n")
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _card(
    kind: str,
    subject: int,
    filters: Filters,
    today: dt.date,
    base: QuerySet[Claim] | None,
    claims: QuerySet[Claim],
) -> Scorecard:
    published_only = _published_only(base)
    months = _kept_months(filters)
    other = filters.outlet if kind == CountKind.CLAIMANT else filters.claimant
    own = filters.claimant if kind == CountKind.CLAIMANT else filters.outlet
    if (
        published_only is None
        or months is None
        or filters.tag
        or filters.claim_type
        or other is not None
        or own not in (None, subject)
    ):
        return count(claims, today)
    return card_of(kept_rows(kind, subject, published_only, months), today)


def by_month(claims: QuerySet[Claim]) -> list[Month]:
    """Claims with a due date, by month due and status (open included), oldest first."""
    return card_of(live_rows(claims), newsroom_today()).months


def claimant_card(
    person: Person,
    filters: Filters,
    today: dt.date | None = None,
    base: QuerySet[Claim] | None = None,
) -> Scorecard:
    """From the kept counts when no filter needs the claims themselves (see _card)."""
    today = today or newsroom_today()
    claims = scored_claims(filters, base).filter(claimant=person)
    return _card(CountKind.CLAIMANT, person.pk, filters, today, base, claims)


def outlet_card(
    outlet: Outlet,
    filters: Filters,
    today: dt.date | None = None,
    base: QuerySet[Claim] | None = None,
) -> Scorecard:
    today = today or newsroom_today()
    claims = scored_claims(filters, base).filter(article__outlet=outlet)
    return _card(CountKind.OUTLET, outlet.pk, filters, today, base, claims)


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


def _ranked(kind: str, published_only: bool) -> list[tuple[int, int]]:
    """(subject, tracked) of the INDEX_SIZE subjects with most claims tracked, and those
    tied with the last of them (the caller orders ties by name), from ScorecardTotal."""
    totals = ScorecardTotal.objects.filter(kind=kind)
    if published_only:
        totals = totals.filter(published=True)
    tracked = [
        (subject, n)
        for subject, n in totals.order_by().values_list("subject").annotate(total=Sum("n"))
        if n > 0
    ]
    tracked.sort(key=lambda row: -row[1])
    if len(tracked) > INDEX_SIZE:
        last = tracked[INDEX_SIZE - 1][1]
        tracked = [row for row in tracked if row[1] >= last]
    return tracked


def ranked_claimants(base: QuerySet[Claim] | None = None) -> list[Person]:
    """Claimants by claims tracked (withdrawn left out), most first; with ``base``, only
    its claims are tracked. From the kept totals for all claims and for the published
    ones; counted live for any other ``base``."""
    published_only = _published_only(base)
    if published_only is None:
        counted = ~Q(claims__status=ClaimStatus.WITHDRAWN)
        if base is not None:
            counted &= Q(claims__in=base.values("pk"))
        return list(
            Person.objects.annotate(tracked=Count("claims", filter=counted))
            .filter(tracked__gt=0)
            .order_by("-tracked", "name")[:INDEX_SIZE]
        )
    tracked = dict(_ranked(CountKind.CLAIMANT, published_only))
    people = list(Person.objects.filter(pk__in=tracked))
    for person in people:
        person.tracked = tracked[person.pk]  # type: ignore[attr-defined]
    people.sort(key=lambda p: (-tracked[p.pk], p.name))
    return people[:INDEX_SIZE]


def ranked_outlets() -> list[Outlet]:
    """Outlets by claims tracked in their articles (withdrawn left out), most first, from
    the kept totals."""
    tracked = dict(_ranked(CountKind.OUTLET, False))
    outlets = list(Outlet.objects.filter(pk__in=tracked))
    for outlet in outlets:
        outlet.tracked = tracked[outlet.pk]  # type: ignore[attr-defined]
    outlets.sort(key=lambda o: (-tracked[o.pk], o.name))
    return outlets[:INDEX_SIZE]


def outlets_of(person: Person) -> list[tuple[int, str]]:
    """(pk, name) of the outlets that carried the claimant's tracked claims, by name."""
    quoted = ScorecardPair.objects.filter(claimant=person.pk).values("outlet")
    return list(Outlet.objects.filter(pk__in=quoted).values_list("pk", "name"))


def claimants_of(outlet: Outlet) -> list[tuple[int, str]]:
    """(pk, name) of the claimants of the outlet's tracked claims, by name."""
    quoted = ScorecardPair.objects.filter(outlet=outlet.pk).values("claimant")
    return list(Person.objects.filter(pk__in=quoted).values_list("pk", "name"))


def tags() -> QuerySet[Tag]:
    return Tag.objects.order_by("name")
