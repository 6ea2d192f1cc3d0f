"""EXPLAIN (ANALYZE, BUFFERS) of the overdue dashboard's queries, as the ORM issues them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/claimtrack_bench1m \\
        python bench/explain_overdue.py [--deep 40000] [--repeat 5] [--quiet]

Load the data first with bench/generate_claims.py. Each query is built with the ORM the way
the dashboard builds it (Claim.objects.overdue(today).select_related(...).order_by("due_date",
"id")[:50]; the keyset "show more" page after the --deep-th overdue row, in three spellings;
"mine" for the busiest reviewer; the four counters; the other tabs and filters), run once
through the ORM with its SQL captured (so `.count()` is explained exactly as it is sent),
then EXPLAIN (ANALYZE, BUFFERS)'d --repeat times and run plainly --repeat times.

Prints each plan (the last run) and a summary per query: median execution time, planning
time, median time of the plain query seen from the client, the top node's buffers, the
indexes used, SEQ SCAN when claims_claim was read sequentially and ">= 10 ms".
The exit status is 1 when a query the issue targets (overdue and "mine", first page and deep
page in the bounded keyset form) seq-scans claims_claim or takes 10 ms or more.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Q, QuerySet  # noqa: E402
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Outlet  # noqa: E402
from claims.models import Claim, ClaimStatus, Tag, newsroom_today  # noqa: E402

PAGE = 50
# No parallel workers: on two cores starting them costs more than they save on these queries.
SERIAL = {"max_parallel_workers_per_gather": "0"}
TARGET_MS = 10.0
RELATED = ("claimant", "article", "article__outlet", "assignee")
# What a dashboard row shows (issue 4), for the .only() variant.
ROW_FIELDS = (
    "statement", "due_date", "earliest_date", "precision", "vague", "status", "version",
    "snoozed_until", "claimant__name", "article__title", "article__published_date",
    "article__outlet__name", "assignee__username", "assignee__first_name",
    "assignee__last_name",
)  # fmt: skip
INDEX_RE = re.compile(
    r"(?:Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)"
)
TIME_RE = re.compile(r"Execution Time: ([\d.]+) ms")
PLANNING_RE = re.compile(r"Planning Time: ([\d.]+) ms")
BUFFERS_RE = re.compile(r"Buffers: shared(?: hit=(\d+))?(?: read=(\d+))?")


@dataclass
class Result:
    name: str
    targeted: bool
    times: list[float] = field(default_factory=list)  # EXPLAIN ANALYZE "Execution Time"
    wall: list[float] = field(default_factory=list)  # the query itself, from the client
    planning: float = 0.0
    plan: str = ""
    sql: str = ""

    @property
    def seq_scan(self) -> bool:
        return "Seq Scan on claims_claim" in self.plan

    @property
    def indexes(self) -> list[str]:
        return list(dict.fromkeys(INDEX_RE.findall(self.plan)))

    @property
    def buffers(self) -> str:
        match = BUFFERS_RE.search(self.plan)  # the top node's, which includes its children
        if not match:
            return ""
        return f"hit={match.group(1) or 0} read={match.group(2) or 0}"

    @property
    def failed(self) -> bool:
        return self.targeted and (self.seq_scan or statistics.median(self.times) >= TARGET_MS)


def captured(run: Callable[[], Any]) -> tuple[str, list[Any]]:
    """The SQL and parameters of the single query that `run` sends through the ORM."""
    from harness import capture  # this folder is on sys.path when a script runs

    seen = capture(run)
    if len(seen) != 1:
        raise RuntimeError(f"expected one query, the ORM sent {len(seen)}")
    sql, params = seen[0]
    return sql, list(params or [])


def explain(
    name: str,
    run: Callable[[], Any],
    *,
    repeat: int,
    targeted: bool = False,
    settings: dict[str, str] | None = None,
) -> Result:
    """Capture the query `run` sends, then EXPLAIN ANALYZE it and time it `repeat` times.

    `settings` are SET LOCAL for this query only (e.g. max_parallel_workers_per_gather).
    """
    result = Result(name=name, targeted=targeted)
    with transaction.atomic():
        cursor = connection.connection.cursor()  # psycopg's own: no Django debug wrapper
        for setting, value in (settings or {}).items():
            cursor.execute(f"SET LOCAL {setting} = {value}")
            result.name += f" [{setting}={value}]"
        sql, params = captured(run)  # also the warm-up
        result.sql = cursor.mogrify(sql, params)
        for _ in range(repeat):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            result.plan = "\n".join(row[0] for row in cursor.fetchall())
            result.times.append(float(TIME_RE.search(result.plan).group(1)))
            result.planning = float(PLANNING_RE.search(result.plan).group(1))
        # EXPLAIN ANALYZE times every row, which costs: the plain query, timed end to end
        # (planning, execution, the round trip and fetching the rows), is the other figure.
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            result.wall.append((time.perf_counter() - started) * 1000)
    return result


def page(qs: QuerySet) -> Callable[[], list]:
    return lambda: list(qs[:PAGE])


def keyset_or(qs: QuerySet, due: dt.date, pk: int) -> QuerySet:
    """The "show more" condition as the issue words it: (due_date, id) after the last row."""
    return qs.filter(Q(due_date__gt=due) | Q(due_date=due, id__gt=pk))


def keyset_bounded(qs: QuerySet, due: dt.date, pk: int) -> QuerySet:
    """The same rows, with due_date >= last due as an index bound the planner can use."""
    return qs.filter(due_date__gte=due).filter(Q(due_date__gt=due) | Q(due_date=due, id__gt=pk))


def keyset_row(qs: QuerySet, due: dt.date, pk: int) -> QuerySet:
    """The same rows as a row comparison, (due_date, id) > (d, i): Django's private Tuple."""
    return qs.filter(TupleGreaterThan(Tuple("due_date", "id"), (due, pk)))


def nth(qs: QuerySet, n: int) -> tuple[dt.date, int]:
    """(due_date, id) of the n-th row (1-based) of an ordered list: where page n/50 ends."""
    return qs.values_list("due_date", "id")[n - 1]


def run_all(*, deep: int, repeat: int, serial: bool = False) -> list[Result]:
    today = newsroom_today()
    overdue = Claim.objects.overdue(today).select_related(*RELATED).order_by("due_date", "id")
    results: list[Result] = []

    def add(
        name: str,
        run: Callable[[], Any],
        targeted: bool = False,
        settings: dict[str, str] | None = None,
    ) -> None:
        if serial:
            settings = {**SERIAL, **(settings or {})}
        results.append(explain(name, run, repeat=repeat, targeted=targeted, settings=settings))

    total = Claim.objects.overdue(today).count()
    if total == 0:
        raise SystemExit("No overdue claims: load the data with bench/generate_claims.py first.")
    n = min(deep, total - 1)
    due, pk = nth(Claim.objects.overdue(today).order_by("due_date", "id"), n)
    print(f"Today {today}; {total:,} overdue claims; deep page after row {n:,} = ({due}, {pk})")

    add("overdue: first page", page(overdue), targeted=True)
    add(f"overdue: after row {n:,} (OR, as written)", page(keyset_or(overdue, due, pk)))
    add(f"overdue: after row {n:,} (OR + due>=d)", page(keyset_bounded(overdue, due, pk)), True)
    add(f"overdue: after row {n:,} (row compare)", page(keyset_row(overdue, due, pk)))

    # "Mine": the reviewer with the most overdue claims, the worst case for a queue.
    busiest = (
        Claim.objects.overdue(today)
        .exclude(assignee=None)
        .values("assignee")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    user = get_user_model().objects.get(pk=busiest["assignee"])
    mine = overdue.filter(assignee=user)
    m = max(1, busiest["n"] * 4 // 5)
    mdue, mpk = nth(
        Claim.objects.overdue(today).filter(assignee=user).order_by("due_date", "id"), m
    )
    print(f"Mine: {user.get_username()} has {busiest['n']:,} overdue; deep page after row {m:,}")
    add(f"mine ({user.get_username()}): first page", page(mine), targeted=True)
    add(f"mine: after row {m:,} (OR + due>=d)", page(keyset_bounded(mine, mdue, mpk)), True)
    add(f"mine: after row {m:,} (OR, as written)", page(keyset_or(mine, mdue, mpk)))
    add("unassigned: first page", page(overdue.filter(assignee=None)))

    # The counters, each as its own .count(); "last 30 days" counts from now.
    since = timezone.now() - dt.timedelta(days=30)
    add("count: overdue", lambda: Claim.objects.overdue(today).count())
    # On two cores a parallel plan for a ~10 ms count costs more than it saves.
    if not serial:
        add("count: overdue", lambda: Claim.objects.overdue(today).count(), settings=SERIAL)
    add("count: due within 7 days", lambda: Claim.objects.due_within(today, 7).count())
    add("count: open without a date", lambda: Claim.objects.undated().count())
    add(
        "count: resolved in last 30 days",
        lambda: Claim.objects.resolved().filter(resolved_at__gte=since).count(),
    )
    add("count: mine overdue", lambda: Claim.objects.overdue(today).filter(assignee=user).count())
    # The same four counters in one aggregate with FILTER: what not to do (reads every row).
    add(
        "counters as one aggregate (anti-pattern)",
        lambda: Claim.objects.aggregate(
            overdue=Count("id", filter=Q(status=ClaimStatus.OPEN, due_date__lt=today)),
            soon=Count(
                "id",
                filter=Q(
                    status=ClaimStatus.OPEN,
                    due_date__gte=today,
                    due_date__lte=today + dt.timedelta(days=7),
                ),
            ),
            undated=Count("id", filter=Q(status=ClaimStatus.OPEN, due_date=None)),
            resolved=Count("id", filter=~Q(status=ClaimStatus.OPEN) & Q(resolved_at__gte=since)),
        ),
    )

    # The other tabs and filters, first page each.
    soon = Claim.objects.due_within(today, 7).select_related(*RELATED).order_by("due_date", "id")
    add("tab: due within 7 days", page(soon))
    recent = (
        Claim.objects.resolved()
        .filter(resolved_at__gte=since)
        .select_related(*RELATED)
        .order_by("-resolved_at", "-id")
    )
    add("tab: resolved in last 30 days", page(recent))
    top = Claim.objects.overdue(today).values("claimant").annotate(n=Count("id")).order_by("-n")
    # A 500-row page (the query-count test size): article bodies come along with
    # select_related("article") unless deferred.
    add("overdue: first 500", lambda: list(overdue[:500]))
    add(
        "overdue: first 500, article body deferred",
        lambda: list(overdue.defer("article__body")[:500]),
    )
    add("overdue: first 500, only the row's columns", lambda: list(overdue.only(*ROW_FIELDS)[:500]))
    add("filter: top claimant", page(overdue.filter(claimant_id=top[0]["claimant"])))
    rare_outlet = Outlet.objects.annotate(n=Count("articles")).order_by("n", "id").first()
    add(
        f"filter: rarest outlet ({rare_outlet.name})",
        page(overdue.filter(article__outlet=rare_outlet)),
    )
    rare_tag = Tag.objects.annotate(n=Count("claims")).order_by("n", "id").first()
    add(f"filter: rarest tag ({rare_tag.name})", page(overdue.filter(tags=rare_tag)))
    # The same page in two steps: ids first (index-only on claim_open_due, no heap visit for
    # the claims that lack the tag), then the 50 rows by primary key.
    tagged = overdue.filter(tags=rare_tag)
    add(
        "filter: rarest tag, step 1: ids only",
        lambda: list(tagged.values_list("id", flat=True)[:PAGE]),
    )
    ids = list(tagged.values_list("id", flat=True)[:PAGE])
    add("filter: rarest tag, step 2: rows by id", lambda: list(overdue.filter(id__in=ids)))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deep", type=int, default=40_000, help="keyset page after this row")
    parser.add_argument("--repeat", type=int, default=5, help="EXPLAIN ANALYZE runs per query")
    parser.add_argument("--quiet", action="store_true", help="summary only, no plans")
    parser.add_argument(
        "--serial",
        action="store_true",
        help="every query with SET LOCAL max_parallel_workers_per_gather = 0",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        parser.error("needs PostgreSQL: set DATABASE_URL=postgres://... (SQLite is refused)")

    print(f"Database: {connection.settings_dict['NAME']}; {Claim.objects.count():,} claims")
    results = run_all(deep=args.deep, repeat=args.repeat, serial=args.serial)
    if not args.quiet:
        for r in results:
            print(f"\n=== {r.name}\n{r.sql}\n{r.plan}")

    print(
        f"\nSummary, warm cache, median of {args.repeat} runs: EXPLAIN ANALYZE execution time,"
        " planning time, the plain query timed from the client, buffers, indexes used"
    )
    width = max(len(r.name) for r in results)
    for r in results:
        flag = "  SEQ SCAN on claims_claim" if r.seq_scan else ""
        if statistics.median(r.times) >= TARGET_MS:
            flag += f"  >= {TARGET_MS:g} ms"
        print(
            f"  {r.name:<{width}}  exec {statistics.median(r.times):7.2f} ms"
            f"  plan {r.planning:5.2f} ms  client {statistics.median(r.wall):7.2f} ms"
            f"  {r.buffers:<19} {', '.join(r.indexes) or '-'}{flag}"
        )
    failed = [r.name for r in results if r.failed]
    for name in failed:
        print(f"MISSED TARGET (< {TARGET_MS:g} ms, no seq scan of claims): {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
