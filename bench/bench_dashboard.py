"""The overdue dashboard under load: gunicorn on the 1M-claim data set, driven by wrk.

    .venv/bin/python bench/bench_dashboard.py [--duration 20] [--rounds 3] [--workers 3]

Load the data first (bench/generate_claims.py into claimtrack_bench1m). Then, in one run:

1. Database. Picks a reviewer (group "Reviewers") with the median number of assigned overdue
   claims (or --reviewer), and the (due_date, id) cursor of the --depth-th overdue row.
   Builds each list and the counters exactly as the view does (claims.dashboard.Dashboard
   .from_query(...).page(after) and .counts()), captures the SQL and parameters the ORM
   sends, and runs each statement under EXPLAIN (ANALYZE, BUFFERS) --explain-repeat times
   (what QuerySet.explain(analyze=True, buffers=True) sends, but for the very statements
   the view runs, .count() included). Reports execution times, the indexes used on
   claims_claim and any sequential scan of it. Also explains the counters with parallel
   query allowed and capped at --caps (what-if figures for a fix), and, in this process
   through Django's test Client, where one request's time goes (queries, database time,
   COUNT time, bytes), the htmx "show more" partial included.
2. Load. Collects static files into a temporary STATIC_ROOT, starts gunicorn
   (config.wsgi:application, DEBUG=false, a random SECRET_KEY, 127.0.0.1 on a free port,
   --workers, no access log), waits for /livez, fetches every endpoint once and checks it is
   a 200 with the rows or counters it should have (never a login page or an error), warms
   up, then runs wrk (--connections, --threads, --duration) against, in order:
       livez     GET /livez                    the minimal view: the baseline
       unread    GET /notifications/count/     the cheapest logged-in view (a reference)
       mine      GET /                          the reviewer's default queue ("mine")
       all       GET /?who=all                  all overdue claims
       deep      GET /?who=all&view=overdue&after=<cursor of row --depth>
       counters  GET /?part=counters&who=all    with HX-Request: true (the minute refresh)
   every request with the reviewer's session cookie, --rounds times in the same server run.
   Prints p50/p95/p99 and requests/s per endpoint and round, the ratio of each throughput
   to the baseline's (and to the logged-in reference's) in the same round, and the issue's
   targets: dashboard p95 < 150 ms at 10 concurrent clients, dashboard throughput >= 40% of
   the minimal view's.

The app keeps rendered rows and the counters in each process's memory (claims.views
.rows_html, claims.dashboard.Dashboard.counts), so repeated requests measure it warm;
--cold runs the server with LOCAL_CACHE=false: every row rendered and every counter
counted on every request, the cost after each change.

The session is created directly in the session store (like Client.force_login): no login
request, so the login rate limit (django-axes) is not involved; it is deleted at the end.
gunicorn is stopped (SIGTERM, then SIGKILL of its process group after 30 s) at the end,
on an error, on Ctrl-C and on SIGTERM. Refuses SQLite, and a database that lacks a
migration of the code (every page would be an error). Needs wrk (apt-get install wrk).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from harness import (  # this folder is on sys.path when a script runs
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    Endpoint,
    bench_env,
    capture,
    collectstatic,
    create_session,
    delete_session,
    fetch,
    gunicorn,
    loadavg,
    log,
    median,
    pg_setting,
    setup_django,
    span,
    timed_queries,
    wrk,
)

if TYPE_CHECKING:
    import datetime as dt

    from django.contrib.auth.models import User

    from claims.dashboard import Dashboard


TARGET_P95_MS = 150.0
TARGET_RATIO = 0.40
TARGET_DB_MS = 10.0
ROW_RE = re.compile(rb'<li id="claim-row-(\d+)"')
EXEC_RE = re.compile(r"Execution Time: ([\d.]+) ms")
PLANNING_RE = re.compile(r"Planning Time: ([\d.]+) ms")
BUFFERS_RE = re.compile(r"Buffers: shared(?: hit=(\d+))?(?: read=(\d+))?")


# --- Environment and Django -------------------------------------------------------------


@dataclass
class Fixture:
    today: dt.date
    total_claims: int
    overdue: int
    reviewer: User
    reviewer_overdue: int
    spread: str
    depth: int
    cursor: str
    after_cursor_id: int
    session_key: str = ""


def prepare(args: argparse.Namespace) -> Fixture:
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q

    from claims.models import Claim, ClaimStatus, newsroom_today

    today = newsroom_today()
    overdue = Claim.objects.overdue(today).count()
    if overdue < 100:
        raise SystemExit(f"Only {overdue} overdue claims: load bench/generate_claims.py first.")
    reviewers = list(
        get_user_model()
        .objects.filter(groups__name="Reviewers", is_active=True)
        .annotate(
            n=Count(
                "assigned_claims",
                filter=Q(
                    assigned_claims__status=ClaimStatus.OPEN,
                    assigned_claims__due_date__lt=today,
                ),
            )
        )
        .order_by("n", "pk")
    )
    if not reviewers:
        raise SystemExit('No active users in the group "Reviewers".')
    ns = [r.n for r in reviewers]
    spread = (
        f"{len(ns)} reviewers, assigned overdue claims each: min {ns[0]}, "
        f"median {ns[len(ns) // 2]}, 90th pct {ns[int(len(ns) * 0.9)]}, max {ns[-1]}"
    )
    if args.reviewer:
        matches = [r for r in reviewers if r.username == args.reviewer]
        if not matches:
            raise SystemExit(f"No active reviewer {args.reviewer!r}.")
        reviewer = matches[0]
    else:
        reviewer = reviewers[len(reviewers) // 2]
    ordered = Claim.objects.overdue(today).order_by("due_date", "id").values_list("due_date", "id")
    depth = min(args.depth, overdue - 1)
    due, pk = ordered[depth - 1]
    after_id = ordered[depth][1]
    return Fixture(
        today=today,
        total_claims=Claim.objects.count(),
        overdue=overdue,
        reviewer=reviewer,
        reviewer_overdue=reviewer.n,
        spread=spread,
        depth=depth,
        cursor=f"{due.isoformat()}_{pk}",
        after_cursor_id=after_id,
    )


# --- EXPLAIN of the view's own queries ---------------------------------------------------


@dataclass
class Explained:
    label: str
    sql: str
    exec_ms: list[float] = field(default_factory=list)
    planning_ms: list[float] = field(default_factory=list)
    wall_ms: list[float] = field(default_factory=list)
    plan: str = ""
    indexes: list[str] = field(default_factory=list)
    expect_index: str = ""
    targeted: bool = False

    @property
    def seq_scan(self) -> bool:
        return bool(re.search(r"Seq Scan on claims_claim\b", self.plan))

    @property
    def parallel(self) -> bool:
        return "Workers Launched" in self.plan

    @property
    def buffers(self) -> str:
        match = BUFFERS_RE.search(self.plan)
        return f"hit={match.group(1) or 0} read={match.group(2) or 0}" if match else ""

    @property
    def verdict(self) -> str:
        if not self.targeted:
            return ""
        ok = (
            not self.seq_scan
            and median(self.exec_ms) < TARGET_DB_MS
            and (not self.expect_index or self.expect_index in self.indexes)
        )
        return "MET" if ok else "MISSED"


def claim_indexes() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'claims_claim'")
        return [row[0] for row in cursor.fetchall()]


def explain_statement(
    label: str,
    sql: str,
    params: Any,
    *,
    repeat: int,
    indexes: list[str],
    settings: dict[str, str] | None = None,
) -> Explained:
    from django.db import connection, transaction

    result = Explained(label=label, sql=sql)
    with transaction.atomic(), connection.cursor() as cursor:
        for name, value in (settings or {}).items():
            cursor.execute(f"SET LOCAL {name} = {value}")
        for _ in range(repeat):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            result.plan = "\n".join(row[0] for row in cursor.fetchall())
            result.exec_ms.append(float(EXEC_RE.search(result.plan).group(1)))
            result.planning_ms.append(float(PLANNING_RE.search(result.plan).group(1)))
        # EXPLAIN ANALYZE's own timing overhead aside: the plain statement, seen from here
        # (planning, execution, round trip, fetching the rows).
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            result.wall_ms.append((time.perf_counter() - started) * 1000)
    result.indexes = [name for name in indexes if re.search(rf"\b{re.escape(name)}\b", result.plan)]
    return result


def board_for(query: str, fixture: Fixture) -> Dashboard:
    from django.http import QueryDict

    from claims.dashboard import Dashboard

    return Dashboard.from_query(QueryDict(query), user=fixture.reviewer, today=fixture.today)


def run_explains(fixture: Fixture, args: argparse.Namespace) -> list[Explained]:
    from claims.dashboard import VIEWS

    indexes = claim_indexes()
    repeat = args.explain_repeat
    results: list[Explained] = []

    def add_page(label: str, query: str, after: str, expect: str) -> str:
        board = board_for(query, fixture)
        holder: dict[str, Any] = {}
        statements = capture(lambda: holder.update(page=board.page(after)))
        if len(statements) != 1:
            raise RuntimeError(f"{label}: expected 1 query from page(), got {len(statements)}")
        sql, params = statements[0]
        result = explain_statement(label, sql, params, repeat=repeat, indexes=indexes)
        result.expect_index, result.targeted = expect, True
        results.append(result)
        return holder["page"][1]

    def add_counts(
        label: str,
        query: str,
        settings: dict[str, str] | None = None,
        cap: int = 0,
        exact: bool = False,
    ) -> None:
        board = board_for(query, fixture)
        if exact:
            counting = exact_counts(board)
        elif cap:
            counting = capped_counts(board, cap)
        else:
            counting = counted(query, fixture)
        statements = capture(counting)
        for name, (sql, params) in zip(VIEWS, statements, strict=True):
            results.append(
                explain_statement(
                    f"{label}: {name}",
                    sql,
                    params,
                    repeat=repeat,
                    indexes=indexes,
                    settings=settings,
                )
            )

    add_page("all, overdue: first page", "who=all&view=overdue", "", "claim_open_due")
    add_page(
        f"all, overdue: after row {fixture.depth:,}",
        "who=all&view=overdue",
        fixture.cursor,
        "claim_open_due",
    )
    next_mine = add_page("mine, overdue: first page", "", "", "claim_open_assignee_due")
    if next_mine:
        add_page("mine, overdue: second page", "", next_mine, "claim_open_assignee_due")
    add_counts("counts() all", "who=all")
    add_counts("counts() mine", "")
    add_counts("counts() all, exact (before the cap)", "who=all", exact=True)
    # What a page asks on every request to find its counters kept (claim_updated).
    from django.db.models import Max

    from claims.models import Claim

    [(sql, params)] = capture(lambda: Claim.objects.aggregate(Max("updated_at")))
    results.append(
        explain_statement(
            "counters' key: MAX(updated_at)", sql, params, repeat=repeat, indexes=indexes
        )
    )
    # The app turns parallel query off (config/settings.py, PG_OPTIONS); PostgreSQL's default
    # for comparison.
    add_counts("counts() all, parallel", "who=all", {"max_parallel_workers_per_gather": "2"})
    for cap in args.caps:
        add_counts(f"counts() all, capped {cap:,}", "who=all", cap=cap)
    return results


def app_counts(query: str, fixture: Fixture) -> Callable[[], dict[str, int]]:
    """The counters as a page gets them (Dashboard.counts): the MAX(updated_at) probe, then
    the counts kept for this minute in this process's memory, counted on a miss. A new
    Dashboard each time, since one keeps its counts once read."""
    return lambda: board_for(query, fixture).counts


def counted(query: str, fixture: Fixture) -> Callable[[], dict[str, int]]:
    """The counting itself (Dashboard.count: each list capped at COUNT_CAP + 1)."""
    return lambda: board_for(query, fixture).count()


def exact_counts(board: Dashboard) -> Callable[[], dict[str, int]]:
    """The counters as they were before the cap: an exact COUNT(*) of each list."""
    from claims.dashboard import VIEWS

    return lambda: {name: board.base(name).count() for name in VIEWS}


def capped_counts(board: Dashboard, cap: int) -> Callable[[], dict[str, int]]:
    """Each counter exact up to `cap`, then shown as "cap+" (the app uses COUNT_CAP):
    Dashboard.count with another cap, for the what-if figures."""
    return lambda: board.count(cap)


def time_plain(run: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    run()  # warm
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def run_what_if(fixture: Fixture, args: argparse.Namespace) -> list[tuple[str, list[float]]]:
    """The counters as they are and as a fix could make them, timed from this process."""

    from claims.dashboard import COUNT_CAP

    board = board_for("who=all", fixture)
    repeat = args.explain_repeat
    rows: list[tuple[str, list[float]]] = [
        (
            f"counts() who=all, counted (capped at {COUNT_CAP:,})",
            time_plain(counted("who=all", fixture), repeat),
        ),
        (
            "counts() who=all, kept (MAX probe + memory)",
            time_plain(app_counts("who=all", fixture), repeat),
        ),
        ("counts() who=all, exact (before the cap)", time_plain(exact_counts(board), repeat)),
    ]
    for cap in args.caps:
        rows.append(
            (f"counts() who=all, capped at {cap:,}", time_plain(capped_counts(board, cap), repeat))
        )
    rows.append(("counts() mine, counted", time_plain(counted("", fixture), repeat)))
    return rows


@dataclass
class Anatomy:
    label: str
    wall_ms: list[float] = field(default_factory=list)
    db_ms: list[float] = field(default_factory=list)
    count_ms: list[float] = field(default_factory=list)
    queries: int = 0
    count_queries: int = 0
    bytes: int = 0


def run_anatomy(
    fixture: Fixture, endpoints: list[Endpoint], args: argparse.Namespace
) -> list[Anatomy]:
    """One request at a time through Django's test Client, in this process: the wall time
    and the time spent waiting on the database, COUNT queries separately."""
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = fixture.session_key
    results = []
    extra = Endpoint(
        "deep-htmx",
        "htmx show more (deep)",
        f"/?who=all&view=overdue&after={fixture.cursor}",
        {"HX-Request": "true"},
    )
    for endpoint in [*endpoints, extra]:
        anatomy = Anatomy(endpoint.label)
        for attempt in range(args.explain_repeat + 1):
            started = time.perf_counter()
            with timed_queries() as spent:
                response = client.get(endpoint.path, headers=endpoint.headers)
            wall = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{endpoint.path}: status {response.status_code} in-process")
            if attempt == 0:
                continue  # warm-up
            anatomy.wall_ms.append(wall)
            anatomy.db_ms.append(sum(ms for _, ms in spent))
            counts = [ms for sql, ms in spent if sql.lstrip().upper().startswith("SELECT COUNT(")]
            anatomy.count_ms.append(sum(counts))
            anatomy.queries, anatomy.count_queries = len(spent), len(counts)
            anatomy.bytes = len(response.content)
        results.append(anatomy)
    return results


# --- The server ------------------------------------------------------------------------


def endpoints_for(fixture: Fixture) -> list[Endpoint]:
    from claims.dashboard import PAGE_SIZE

    def rows(body: bytes) -> list[int]:
        return [int(pk) for pk in ROW_RE.findall(body)]

    from claims.dashboard import COUNT_CAP
    from claims.templatetags.claims_extras import count_label

    shown = count_label(min(fixture.overdue, COUNT_CAP + 1), COUNT_CAP)
    overdue_counter = f'<span class="count">{shown}</span>'.encode()

    def check_mine(body: bytes) -> str:
        want = min(PAGE_SIZE, fixture.reviewer_overdue)
        if len(rows(body)) != want:
            return f"{len(rows(body))} rows, expected {want}"
        return "" if b"assigned to you" in body else "not the reviewer's own queue"

    def check_all(body: bytes) -> str:
        if len(rows(body)) != PAGE_SIZE:
            return f"{len(rows(body))} rows, expected {PAGE_SIZE}"
        return "" if overdue_counter in body else f"no overdue counter of {shown}"

    def check_deep(body: bytes) -> str:
        found = rows(body)
        if not found:
            return "no rows"
        if found[0] != fixture.after_cursor_id:
            return f"first row {found[0]}, expected {fixture.after_cursor_id}"
        return ""

    def check_counters(body: bytes) -> str:
        if b"<html" in body or rows(body):
            return "a full page, not the counters partial"
        return "" if overdue_counter in body else f"no overdue counter of {shown}"

    return [
        Endpoint(
            "livez",
            "GET /livez (baseline)",
            "/livez",
            check=lambda body: "" if body == b"ok" else f"body {body[:40]!r}",
            baseline=True,
        ),
        # Not a target's baseline: the cheapest logged-in view (session, user, one COUNT of
        # unread notifications), for what a page costs before it does anything of its own.
        Endpoint(
            "unread",
            "GET /notifications/count/",
            "/notifications/count/",
            check=lambda body: "" if b"<html" not in body else "a full page",
            baseline=True,
        ),
        Endpoint("mine", "GET / (mine)", "/", check=check_mine),
        Endpoint("all", "GET /?who=all", "/?who=all", check=check_all),
        Endpoint(
            "deep",
            f"GET deep page (row {fixture.depth:,})",
            f"/?who=all&view=overdue&after={fixture.cursor}",
            check=check_deep,
        ),
        Endpoint(
            "counters",
            "GET counters (htmx)",
            "/?part=counters&who=all",
            {"HX-Request": "true"},
            check=check_counters,
        ),
    ]


def verify(port: int, endpoints: list[Endpoint], cookie: str) -> None:
    """Each endpoint once, before any load: a 200 with the expected content."""
    for endpoint in endpoints:
        status, body = fetch(port, endpoint.path, {"Cookie": cookie, **endpoint.headers})
        problem = f"status {status}" if status != 200 else (endpoint.check or (lambda b: ""))(body)
        if problem:
            raise RuntimeError(f"{endpoint.path}: {problem}; not benchmarking an error page")
        rows = len(ROW_RE.findall(body))
        log(f"  ok  {endpoint.path[:70]:<70} 200, {len(body):>7,} bytes, {rows} rows")


# --- Reports ---------------------------------------------------------------------------


def print_explains(results: list[Explained], show_plans: bool) -> None:
    log("\n## EXPLAIN (ANALYZE, BUFFERS) of the statements the view sends")
    log(f"(median (min–max) over the repeats; target for the list pages: < {TARGET_DB_MS:g} ms)")
    log(
        f"{'statement':<38} {'execution ms':>20} {'planning ms':>12} {'plain ms':>10} "
        f"{'buffers':>18}  {'seq scan':<8} {'par':<3} indexes on claims_claim  target"
    )
    for r in results:
        log(
            f"{r.label:<38} {span(r.exec_ms, '{:.2f}'):>20} {median(r.planning_ms):>12.2f} "
            f"{median(r.wall_ms):>10.2f} {r.buffers:>18}  {'SEQ SCAN' if r.seq_scan else 'no':<8} "
            f"{'yes' if r.parallel else 'no':<3} {','.join(r.indexes) or '-'}  {r.verdict}"
        )
    for prefix in dict.fromkeys(r.label.split(":")[0] for r in results if ":" in r.label):
        if prefix.startswith("counts()"):
            group = [r for r in results if r.label.startswith(prefix + ":")]
            total = sum(median(r.exec_ms) for r in group)
            log(f"{prefix}: {len(group)} queries, {total:.1f} ms of execution in all (medians)")
    if show_plans:
        for r in results:
            log(f"\n--- {r.label}\n{r.plan}")


def print_what_if(rows: list[tuple[str, list[float]]]) -> None:
    log("\n## Counters as they are and capped (4 queries, from this process, ms)")
    for label, times in rows:
        log(f"{label:<40} {span(times):>24}")


def print_anatomy(results: list[Anatomy]) -> None:
    log("\n## One request at a time, in-process (Django test Client; ms, median (min–max))")
    log(
        f"{'request':<32} {'wall':>22} {'database':>22} {'of which COUNTs':>22} "
        f"{'queries':>8} {'bytes':>9}"
    )
    for a in results:
        log(
            f"{a.label:<32} {span(a.wall_ms):>22} {span(a.db_ms):>22} {span(a.count_ms):>22} "
            f"{a.queries:>4} ({a.count_queries}c) {a.bytes:>9,}"
        )


def print_rounds(endpoints: list[Endpoint], rounds: list[dict[str, dict]]) -> None:
    log("\n## Under load, per round")
    log(
        f"{'round':<5} {'endpoint':<28} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'req/s':>8} {'ratio':>6} {'load avg before':>18}"
    )
    for number, results in enumerate(rounds, 1):
        base = results["livez"]["rps"]
        for endpoint in endpoints:
            r = results[endpoint.key]
            log(
                f"{number:<5} {endpoint.label:<28} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
                f"{r['p99_ms']:>8.1f} {r['rps']:>8.1f} {r['rps'] / base:>6.1%} "
                f"{r['load_before']:>18}"
            )


def print_summary(endpoints: list[Endpoint], rounds: list[dict[str, dict]]) -> None:
    log(f"\n## Summary over {len(rounds)} round(s): median (min–max)")
    log(
        f"{'endpoint':<28} {'p50 ms':>20} {'p95 ms':>22} {'req/s':>22} {'ratio to baseline':>22}"
        f" {'to logged-in':>14}  targets (p95 < {TARGET_P95_MS:g} ms, ratio >= {TARGET_RATIO:.0%})"
    )
    for endpoint in endpoints:
        p50 = [r[endpoint.key]["p50_ms"] for r in rounds]
        p95 = [r[endpoint.key]["p95_ms"] for r in rounds]
        rps = [r[endpoint.key]["rps"] for r in rounds]
        ratio = [r[endpoint.key]["rps"] / r["livez"]["rps"] for r in rounds]
        logged_in = [r[endpoint.key]["rps"] / r["unread"]["rps"] for r in rounds]
        verdict = ""
        if not endpoint.baseline:
            p95_met = sum(p < TARGET_P95_MS for p in p95)
            ratio_met = sum(x >= TARGET_RATIO for x in ratio)
            verdict = (
                f"p95 {'MET' if median(p95) < TARGET_P95_MS else 'MISSED'} "
                f"({p95_met}/{len(rounds)} rounds), "
                f"ratio {'MET' if median(ratio) >= TARGET_RATIO else 'MISSED'} "
                f"({ratio_met}/{len(rounds)} rounds)"
            )
        log(
            f"{endpoint.label:<28} {span(p50):>20} {span(p95):>22} {span(rps):>22} "
            f"{span(ratio, '{:.1%}'):>22} {median(logged_in):>14.1%}  {verdict}"
        )


# --- Main ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Details: the module docstring and bench/README.md.",
    )
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="PostgreSQL only (default: %(default)s; DATABASE_URL is not read)",
    )
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="default: %(default)s")
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run (20)")
    parser.add_argument(
        "--warmup", type=int, default=5, help="seconds of unreported load per endpoint first (5)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="wrk runs per endpoint, in the same server (3)"
    )
    parser.add_argument("--connections", type=int, default=10, help="concurrent clients (10)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument(
        "--workers",
        type=int,
        default=3,
        help="gunicorn sync workers (3: two cores, plus one to use the CPU while another "
        "waits on PostgreSQL)",
    )
    parser.add_argument(
        "--depth", type=int, default=40_000, help="row of the deep page's cursor (40000)"
    )
    parser.add_argument("--reviewer", default="", help="username (default: the median reviewer)")
    parser.add_argument(
        "--explain-repeat", type=int, default=5, help="EXPLAIN runs per statement (5)"
    )
    parser.add_argument(
        "--caps",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[1_000, 10_000],
        help="capped-count variants to time (1000,10000)",
    )
    parser.add_argument("--show-plans", action="store_true", help="print every EXPLAIN plan")
    parser.add_argument("--no-explain", action="store_true", help="skip the database section")
    parser.add_argument("--no-load", action="store_true", help="skip gunicorn and wrk")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="without the per-process cache of rows and counters (LOCAL_CACHE=false)",
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--wrk", default="wrk", help="the wrk executable (wrk)")
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be PostgreSQL; SQLite is refused")
    if not args.no_load and shutil.which(args.wrk) is None:
        parser.error(f"{args.wrk} not found: apt-get install -y wrk")
    return args


def run(args: argparse.Namespace, env: dict[str, str], fixture: Fixture, static_root: Path) -> None:
    """The database section, then the load, for a prepared fixture."""
    report: dict[str, Any] = {"args": {k: str(v) for k, v in vars(args).items()}}
    log(
        f"{os.cpu_count()} CPUs, load average {loadavg()}; {fixture.total_claims:,} claims, "
        f"{fixture.overdue:,} overdue on {fixture.today} (TIME_ZONE "
        f"{env.get('TIME_ZONE', 'UTC')})"
    )
    log(f"PostgreSQL max_parallel_workers_per_gather for the app: {pg_setting()}")
    log(fixture.spread)
    log(
        f"reviewer {fixture.reviewer.username} (id {fixture.reviewer.pk}): "
        f"{fixture.reviewer_overdue} overdue claims assigned"
    )
    log(f"deep page: after row {fixture.depth:,}, cursor {fixture.cursor}")
    endpoints = endpoints_for(fixture)
    if not args.no_explain:
        explains = run_explains(fixture, args)
        print_explains(explains, args.show_plans)
        what_if = run_what_if(fixture, args)
        print_what_if(what_if)
        anatomy = run_anatomy(fixture, endpoints[1:], args)
        print_anatomy(anatomy)
        report["explain"] = [
            {
                "label": r.label,
                "exec_ms": r.exec_ms,
                "planning_ms": r.planning_ms,
                "plain_ms": r.wall_ms,
                "seq_scan": r.seq_scan,
                "indexes": r.indexes,
                "verdict": r.verdict,
                "plan": r.plan,
            }
            for r in explains
        ]
        report["what_if"] = dict(what_if)
        report["anatomy"] = [vars(a) for a in anatomy]
    if not args.no_load:
        from django.conf import settings

        cookie = f"{settings.SESSION_COOKIE_NAME}={fixture.session_key}"
        log("\n## Load")
        with gunicorn(env, args.workers, static_root / "gunicorn-error.log") as port:
            verify(port, endpoints, cookie)
            if args.warmup:
                for endpoint in endpoints:
                    wrk(port, endpoint, cookie, args, args.warmup)
            rounds: list[dict[str, dict]] = []
            for number in range(1, args.rounds + 1):
                log(
                    f"round {number}/{args.rounds}: {args.connections} connections, "
                    f"{args.threads} threads, {args.duration} s per endpoint"
                )
                rounds.append({e.key: wrk(port, e, cookie, args, args.duration) for e in endpoints})
        print_rounds(endpoints, rounds)
        print_summary(endpoints, rounds)
        report["rounds"] = rounds
    log(f"\nload average at the end {loadavg()}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)  # unwinds through the finally blocks below

    signal.signal(signal.SIGTERM, stop)
    # Also when started in the background, where the shell has SIGINT ignored.
    signal.signal(signal.SIGINT, stop)
    static_root = Path(tempfile.mkdtemp(prefix="claimtrack-bench-static-"))
    try:
        env = bench_env(args, static_root)
        setup_django(env)
        # Before any page is rendered, here or in gunicorn: with DEBUG off, {% static %}
        # needs the manifest.
        collectstatic(env)
        fixture = prepare(args)
        fixture.session_key = create_session(fixture.reviewer)
        try:
            run(args, env, fixture, static_root)
        finally:
            delete_session(fixture.session_key)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
