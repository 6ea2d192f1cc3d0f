"""The overdue dashboard's lists and counters: which claims, in what order, a page at a time.

Every list is keyset-paginated on the columns it is ordered by, so "show more" deep in a
long list costs the same as the first page (no OFFSET). The overdue, due-soon and undated
lists read the partial indexes on open claims; "recently resolved" reads
claim_resolved_recent.
"""

import datetime as dt
import hashlib
import time
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.cache import caches
from django.db import connection
from django.db.models import (
    DateField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    JSONField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Concat, JSONObject, Trim
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from articles.models import Outlet
from config.paging import Keyset, split_page

from .models import Channel, Claim, ClaimStatus, ClaimType, Reminder, Tag

# 25 rows fill a laptop screen twice; "show more" appends the next 25. Each row costs
# ~0.5 ms of rendering, most of a page's time (bench/README.md, "Dashboard under load").
PAGE_SIZE = 25
# Counters stop counting here and show "1,000+": an exact COUNT of 50,000 overdue claims
# costs 5-25 ms of index scan on every page and every refresh, a capped one ~0.3 ms, and a
# work queue's size past a thousand changes nothing a reviewer does next.
COUNT_CAP = 1000
COUNTS_SECONDS = 60
# Per-process memory for values kept under keys made of what they depend on (so never
# out of date, and nothing to invalidate across processes): settings.CACHES.
LOCAL_CACHE = "local"
DUE_SOON_DAYS = 7
SEARCH_MAX = 200
RESOLVED_RECENT_DAYS = 30


# The search box: PostgreSQL's full-text search over statement and quote, read from a GIN
# index on exactly this expression (claims/migrations/0006), as articles/search.py does for
# articles; an unindexed `icontains` read every claim (723 ms with 300,000 claims). SQLite,
# the embedded default for small archives, matches substrings.
SEARCH_CONFIG = "english"


def search_vector() -> SearchVector:
    return SearchVector("statement", "quote", config=SEARCH_CONFIG)


SEARCH_INDEXES = [GinIndex(search_vector(), name="claim_search")]
# The undated list's search (claims/migrations/0008): a GIN index cannot search for NULL,
# and these claims are too many to intersect from claim_open_due on every search.
UNDATED_SEARCH_INDEXES = [
    GinIndex(
        search_vector(),
        name="claim_undated_search",
        condition=Q(status=ClaimStatus.OPEN, due_date__isnull=True),
    )
]


class _UnestimatedSearchQuery(SearchQuery):
    """The search as a scalar subquery, which the planner cannot see into when it plans.

    A constant query is estimated from the words' frequencies multiplied, as if
    independent: "reopening railways" expected 1,074 matches for 33,115, so the planner read
    all of them from the heap to keep the 1,706 overdue ones (40-130 ms). Not knowing, it
    assumes 5,000 and always intersects the GIN bitmap with the list's own index first
    (BitmapAnd), so only the matches in the list are read (bench/README.md, "Dashboard
    search"). A rare word pays that index scan, a few milliseconds.
    """

    def as_sql(self, *args: Any, **kwargs: Any) -> tuple[str, Any]:
        sql, params = super().as_sql(*args, **kwargs)
        return f"(SELECT {sql})", params


def search_claims(
    claims: QuerySet[Claim], q: str, *, indexed: bool | None = None
) -> QuerySet[Claim]:
    """The claims whose statement or quote matches the search `q` (`indexed`: what
    reads_index(q) answered, if asked already). On PostgreSQL a search of stop words only
    finds nothing (too_common)."""
    if reads_index(q) if indexed is None else indexed:
        return claims.alias(search=search_vector()).filter(
            search=_UnestimatedSearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        )
    if too_common(q, indexed=False):
        return claims.none()
    return claims.filter(Q(statement__icontains=q) | Q(quote__icontains=q))


def reads_index(q: str) -> bool:
    """Whether the search `q` reads the full-text index: on PostgreSQL, when `q` keeps a
    word once the stop words of SEARCH_CONFIG are dropped."""
    if not q or connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT numnode(websearch_to_tsquery(%s::regconfig, %s)) > 0", [SEARCH_CONFIG, q]
        )
        return cursor.fetchone()[0]


def too_common(q: str, *, indexed: bool | None = None) -> bool:
    """Whether `q` is made of stop words only ("will the"), which PostgreSQL does not search.

    Full-text search drops them, and no index can narrow them: their substrings are in
    nearly every claim, and so are their trigrams (claim_statement_trgm, statement only),
    so an answer meant reading every claim, 150-400 ms for a page and 1.5 s with the
    counters. The dashboard says so instead (templates/claims/dashboard.html). SQLite matches substrings.
    """
    if not q or connection.vendor != "postgresql":
        return False
    return not (reads_index(q) if indexed is None else indexed)


@dataclass(frozen=True)
class View:
    name: str
    label: str
    empty: str


VIEWS = {
    "overdue": View(
        "overdue",
        "Overdue",
        "Nothing is overdue here. Claims appear when their due date has passed.",
    ),
    "soon": View(
        "soon",
        "Due within 7 days",
        "Nothing falls due in the next 7 days.",
    ),
    "undated": View(
        "undated",
        "Open without a date",
        "Every open claim has a date.",
    ),
    "resolved": View(
        "resolved",
        "Resolved in the last 30 days",
        "Nothing was resolved in the last 30 days.",
    ),
}
WHO = [("mine", "Mine"), ("unassigned", "Unassigned"), ("all", "All")]
# Each list's order (Dashboard.ordered), which its "show more" cursor follows.
KEYSETS = {
    "overdue": Keyset("due_date", dt.date),
    "soon": Keyset("due_date", dt.date),
    "undated": Keyset(descending=True),
    "resolved": Keyset("resolved_at", dt.datetime, descending=True),
}


class DashboardFilters(forms.Form):
    """The dashboard's filters: read from the query string, and rendered as the filter bar
    (templates/claims/dashboard.html), its inputs named `filter-<name>`."""

    view = forms.ChoiceField(
        choices=[(v.name, v.label) for v in VIEWS.values()],
        required=False,
        widget=forms.HiddenInput,
    )
    who = forms.ChoiceField(
        choices=WHO,
        required=False,
        label="Assigned to",
        widget=forms.RadioSelect(attrs={"class": "segmented"}),
    )
    q = forms.CharField(
        required=False,
        max_length=SEARCH_MAX,
        label="Search",
        widget=forms.SearchInput(attrs={"placeholder": "Words in the claim or quote"}),
    )
    claimant = forms.CharField(
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "Name or alias"}),
    )
    outlet = forms.ModelChoiceField(
        Outlet.objects.order_by("name"), required=False, empty_label="All outlets"
    )
    tag = forms.ModelChoiceField(
        Tag.objects.order_by("name"),
        required=False,
        to_field_name="slug",
        empty_label="All tags",
    )
    type = forms.ChoiceField(
        choices=[("", "All types"), *ClaimType.choices], required=False, label="Type"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)


def default_who(user: User) -> str:
    """Reviewers land on their own queue; editors (and readers) on everything."""
    if user.has_perm("claims.assign_claim") or not user.has_perm("claims.resolve_claim"):
        return "all"
    return "mine"


@dataclass
class Dashboard:
    """A dashboard request's filters, resolved once and shared by the list and counters."""

    filters: dict[str, Any]
    user: User
    today: dt.date

    @classmethod
    def from_query(cls, query: QueryDict, *, user: User, today: dt.date) -> "Dashboard":
        form = DashboardFilters(query)
        data = form.cleaned_data if form.is_valid() else {}
        filters = {name: data.get(name) or "" for name in DashboardFilters.base_fields}
        filters["view"] = filters["view"] or "overdue"
        filters["who"] = filters["who"] or default_who(user)
        if not form.is_valid():
            # Keep what was valid; an unknown outlet or tag just filters nothing. A NUL
            # cannot be searched for (PostgreSQL refuses it in text).
            filters["q"] = (query.get("q") or "")[:SEARCH_MAX].replace("\x00", "")
        return cls(filters=filters, user=user, today=today)

    @cached_property
    def full_text(self) -> bool:
        return reads_index(self.filters["q"])

    @property
    def too_common(self) -> bool:
        """Whether the search is of stop words only, and so finds nothing (too_common())."""
        return too_common(self.filters["q"], indexed=self.full_text)

    @property
    def view(self) -> View:
        return VIEWS[self.filters["view"]]

    def query_string(self, **changes: Any) -> str:
        """The URL query of these filters, with `changes`; blank values are left out."""
        params = QueryDict(mutable=True)
        for name, value in {**self.filters, **changes}.items():
            if hasattr(value, "slug"):
                value = value.slug
            elif hasattr(value, "pk"):
                value = value.pk
            if value not in ("", None):
                params[name] = str(value)
        return params.urlencode()

    def url(self) -> str:
        """The dashboard's address with these filters: to bookmark, and to come back to."""
        return f"{reverse('claims:dashboard')}?{self.query_string()}"

    # --- Querysets ------------------------------------------------------------------

    def _filtered(self, claims: QuerySet[Claim]) -> QuerySet[Claim]:
        f = self.filters
        if f["who"] == "mine":
            claims = claims.filter(assignee=self.user)
        elif f["who"] == "unassigned":
            claims = claims.filter(assignee__isnull=True)
        if f["claimant"]:
            claims = claims.filter(
                Q(claimant__name__icontains=f["claimant"])
                | Q(claimant__aliases__alias__iexact=f["claimant"])
            )
        if f["outlet"]:
            claims = claims.filter(article__outlet=f["outlet"])
        if f["tag"]:
            claims = claims.filter(tags=f["tag"])
        if f["type"]:
            claims = claims.filter(claim_type=f["type"])
        if f["q"]:
            claims = search_claims(claims, f["q"], indexed=self.full_text)
        if f["claimant"]:
            # An alias join can repeat a claim; aliases are few, so this stays cheap.
            claims = claims.distinct()
        return claims

    def base(self, view: str) -> QuerySet[Claim]:
        claims = Claim.objects.all()
        if view == "overdue":
            claims = claims.overdue(self.today)
        elif view == "soon":
            claims = claims.due_within(self.today, DUE_SOON_DAYS)
        elif view == "undated":
            claims = claims.undated()
        else:
            since = timezone.now() - dt.timedelta(days=RESOLVED_RECENT_DAYS)
            claims = claims.resolved().filter(resolved_at__gte=since)
        return self._filtered(claims)

    def ordered(self, view: str) -> QuerySet[Claim]:
        claims = self.base(view)
        due: F | Expression = F("due_date")
        pk: F | Expression = F("id")
        resolved: F | Expression = F("resolved_at")
        if self.full_text:
            # A search reads its matches from the GIN index and sorts them. Ordered by the
            # bare columns, the planner walks the list's own index instead, testing every
            # claim's text until a page matches: 1.4 s for a word no overdue claim has.
            due = ExpressionWrapper(due + 0, output_field=DateField())
            pk = ExpressionWrapper(pk + 0, output_field=IntegerField())
            resolved = resolved + dt.timedelta(0)
        if view in ("overdue", "soon"):
            return claims.order_by(due, pk)
        if view == "undated":
            return claims.order_by(pk.desc())
        return claims.order_by(resolved.desc(), pk.desc())

    @cached_property
    def counts(self) -> dict[str, int]:
        """Each list's size, up to COUNT_CAP + 1 (shown as "1,000+"), computed when shown.

        Kept in this process's memory under a key that changes with any change to any
        claim (the latest `updated_at`, one index probe), the filters, the day and the
        minute: the four COUNTs cost 5-10 times that probe, on every page and every
        minute's refresh of every open dashboard. A change committed out of order (an
        earlier `updated_at` committed later) shows within the minute.
        """
        latest = Claim.objects.aggregate(latest=Max("updated_at"))["latest"]
        key = ":".join(
            [
                "counts",
                # Hashed: a search of 200 characters made keys no cache backend takes.
                hashlib.sha256(self.query_string(view="").encode()).hexdigest(),
                str(self.user.pk) if self.filters["who"] == "mine" else "",
                self.today.isoformat(),
                latest.isoformat() if latest else "",
                str(int(time.time() // COUNTS_SECONDS)),
            ]
        )
        local = caches[LOCAL_CACHE]
        counts = local.get(key)
        if counts is None:
            counts = self.count()
            local.set(key, counts, COUNTS_SECONDS)
        return counts

    def count(self, cap: int = COUNT_CAP) -> dict[str, int]:
        """Each list's size, up to `cap` + 1, counted now.

        Without `.order_by()` the slice would keep Claim.Meta.ordering, and the resolved
        list would sort all its rows before the LIMIT instead of stopping in the index.
        """
        return {name: self.base(name).order_by()[: cap + 1].count() for name in VIEWS}

    def contains(self, claim: Claim) -> bool:
        """Whether `claim` still belongs in the list shown (after an inline change)."""
        return self.base(self.filters["view"]).filter(pk=claim.pk).exists()

    # --- Keyset pages ---------------------------------------------------------------

    def page(
        self, after: str = "", size: int | None = None, *, rows_shown: bool = True
    ) -> tuple[list[Claim], str]:
        """One page of the current list and the cursor of the next ("" at the end).

        `rows_shown=False`: the claims with their related rows only, without what a
        dashboard row shows besides (the last reminder, the links): the JSON API's list.
        """
        size = size or PAGE_SIZE
        view = self.filters["view"]
        claims = self.ordered(view)
        position = KEYSETS[view].after(after)
        if position is not None:
            claims = claims.filter(position)
        with_data = _with_row_data if rows_shown else _with_related
        if self.full_text:
            # The page's ids first, then their rows: joined before the LIMIT, the planner
            # hashed all the articles to sort a few thousand matches (260 ms, bench/README).
            ids = list(claims.values_list("pk", flat=True)[: size + 1])
            found = {c.pk: c for c in with_data(Claim.objects.filter(pk__in=ids))}
            rows = [found[pk] for pk in ids if pk in found]
        else:
            rows = list(with_data(claims)[: size + 1])
        if rows_shown:
            rows = _with_links(rows)
        rows, last = split_page(rows, size)
        return rows, "" if last is None else KEYSETS[view].cursor(last)

    def row(self, pk: int) -> Claim | None:
        """One claim as its dashboard row shows it."""
        rows = _with_links(list(_with_row_data(Claim.objects.filter(pk=pk))))
        return rows[0] if rows else None


def _with_related(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """The rows a claim in a list names, in the same query."""
    return (
        claims.select_related("claimant", "article", "article__outlet", "assignee")
        # A list never shows the article's text, which is most of its bytes.
        .defer("article__body", "article__dek")
    )


def _with_row_data(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """What a row shows, in the same query: related names, the last reminder sent, and to
    whom it went (`last_reminder`: the person's id and names, and whether it went to the
    editors: an escalation, or several people at once)."""
    user_model = get_user_model()
    in_app = Reminder.objects.filter(claim=OuterRef("pk"), channel=Channel.IN_APP)
    # Everyone reminded by a sweep gets an in-app row of the same time.
    others = Reminder.objects.filter(
        claim=OuterRef("claim"), channel=Channel.IN_APP, created_at=OuterRef("created_at")
    ).exclude(recipient=OuterRef("recipient"))
    return _with_related(claims).annotate(
        last_reminded_at=Subquery(
            Reminder.objects.filter(claim=OuterRef("pk"), sent_at__isnull=False)
            .order_by("-sent_at")
            .values("sent_at")[:1]
        ),
        last_reminder=Subquery(
            in_app.order_by("-created_at", "-id").values(
                json=JSONObject(
                    to=F("recipient_id"),
                    name=Trim(Concat("recipient__first_name", Value(" "), "recipient__last_name")),
                    username=F(f"recipient__{user_model.USERNAME_FIELD}"),
                    editors=Q(escalation=True) | Q(Exists(others)),
                )
            )[:1],
            output_field=JSONField(),
        ),
    )


class _UrlPattern:
    """reverse() once, then each row's id filled in: a page of rows needs 4 URLs per row,
    and 300 reverse() calls were a fifth of a page's rendering time."""

    # Any id would do; this one cannot be mistaken for another part of the URL.
    PLACEHOLDER = "2147483647"

    def __init__(self, name: str) -> None:
        self.pattern = reverse(name, args=[int(self.PLACEHOLDER)])

    def __call__(self, pk: int) -> str:
        return self.pattern.replace(self.PLACEHOLDER, str(pk))


@dataclass(frozen=True)
class RowLinks:
    claim: str
    article: str
    take: str
    forms: str


def _with_links(rows: list[Claim]) -> list[Claim]:
    """Give each row its links (`row.links`), as reverse() would give them."""
    claim, article = _UrlPattern("claims:detail"), _UrlPattern("articles:detail")
    take, forms = _UrlPattern("claims:take"), _UrlPattern("claims:row_form")
    for row in rows:
        row.links = RowLinks(claim(row.pk), article(row.article_id), take(row.pk), forms(row.pk))
    return rows
