"""The API's overdue list under load: GET /api/v1/claims/?view=overdue on the 1M-claim
data set, database time by EXPLAIN ANALYZE, latency by wrk against gunicorn.

    .venv/bin/python bench/bench_api.py --database-url postgres://…/claimtrack_bench1m_api \\
        [--duration 20] [--rounds 3] [--workers 3] [--connections 10]

Load the data first (bench/generate_claims.py) and migrate the database. Then, in one run:

1. Database. Makes a read-only API token for an editor (group "Editors": their default
   list is every overdue claim, who=all) and sends the request once through Django's test
   Client, in this process, capturing every statement the ORM sends: the token lookup,
   the dashboard's page query (claims.dashboard.Dashboard.page) and the tags of its rows.
   Each SELECT is run under EXPLAIN (ANALYZE, BUFFERS) --explain-repeat times; the sum of
   their execution times is the request's database time (issue 13 target: under 5 ms).
   The same for a deep page (the cursor of row --depth) and a reviewer's own queue.
   The token's last_used_at UPDATE happens at most once a minute per token
   (api.tokens.LAST_USE_RESOLUTION), so it is not in the steady state; it is reported apart.
2. Load. Starts gunicorn (DEBUG=false, --workers sync workers), checks each endpoint
   answers 200 with the list, then runs wrk (--connections clients, --threads) for
   --duration seconds per endpoint, --rounds times:
       livez          GET /livez                                   the baseline
       api-overdue    GET /api/v1/claims/?view=overdue             Bearer token, 50 items
       api-deep       the same after the cursor of row --depth
       api-session    GET /api/v1/claims/?view=overdue             the session cookie
   The rate limit stays on, counting in Redis as in production, set high enough
   (API_RATE_LIMIT_PER_MINUTE=100000000) never to refuse. Target: p95 under 100 ms at 10
   concurrent clients.

The token and the session are deleted at the end; gunicorn is stopped on the way out, on
an error and on Ctrl-C. Refuses SQLite and a database that lacks a migration. Needs wrk.
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
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from harness import (  # this folder is on sys.path when a script runs
    DEFAULT_REDIS_URL,
    Endpoint,
    bench_env,
    collectstatic,
    create_session,
    delete_session,
    fetch,
    gunicorn,
    loadavg,
    log,
    median,
    span,
    wrk,
)

TARGET_DB_MS = 5.0
TARGET_P95_MS = 100.0
EXEC_RE = re.compile(r"Execution Time: ([\d.]+) ms")
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/claimtrack_bench1m_api"


@dataclass
class Statement:
    sql: str
    exec_ms: list[float] = field(default_factory=list)
    plan: str = ""

    @property
    def kind(self) -> str:
        if "api_apitoken" in self.sql.split(" WHERE ")[0]:
            return "token"
        if "auth_permission" in self.sql:
            return "permissions"
        if "claims_claim_tags" in self.sql:
            return "tags"
        if '"claims_claim"' in self.sql.split(" WHERE ")[0]:
            return "page"
        return "other"


@dataclass
class Measured:
    label: str
    path: str
    statements: list[Statement]
    wall_ms: list[float]
    items: int
    writes: list[str]

    @property
    def db_ms(self) -> float:
        return sum(median(s.exec_ms) for s in self.statements)


def explain(sql: str, params: Any, repeat: int) -> Statement:
    from django.db import connection

    result = Statement(sql)
    with connection.cursor() as cursor:
        for _ in range(repeat):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            result.plan = "\n".join(row[0] for row in cursor.fetchall())
            result.exec_ms.append(float(EXEC_RE.search(result.plan).group(1)))
    return result


def measure(label: str, path: str, headers: dict[str, str], repeat: int) -> Measured:
    """The request through the test Client: its statements explained, its wall time."""
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", **headers)
    seen: list[tuple[str, Any]] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, params))
        return execute(sql, params, many, context)

    client.get(path)  # warm: the token's last use noted, connections open
    with connection.execute_wrapper(wrapper):
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code} {response.content[:300]!r}")
    items = len(response.json()["items"])
    selects = [(sql, params) for sql, params in seen if sql.lstrip().upper().startswith("SELECT")]
    writes = [sql for sql, _ in seen if not sql.lstrip().upper().startswith("SELECT")]
    statements = [explain(sql, params, repeat) for sql, params in selects]
    wall = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(path)
        wall.append((time.perf_counter() - started) * 1000)
    return Measured(label, path, statements, wall, items, writes)


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from api.tokens import create_api_token
    from claims.models import Claim, newsroom_today

    today = newsroom_today()
    users = get_user_model().objects.filter(is_active=True)
    editor = users.filter(groups__name="Editors").order_by("pk").first()
    reviewer = (
        users.filter(groups__name="Reviewers", assigned_claims__due_date__lt=today)
        .order_by("pk")
        .first()
    )
    if editor is None or reviewer is None:
        raise SystemExit("No editor or reviewer with overdue claims: load the data first.")
    overdue = Claim.objects.overdue(today)
    depth = min(args.depth, overdue.count() - 1)
    due, pk = overdue.order_by("due_date", "id").values_list("due_date", "id")[depth - 1]
    token, secret = create_api_token(user=editor, name="bench_api.py", read_write=False)
    reviewer_token, reviewer_secret = create_api_token(
        user=reviewer, name="bench_api.py", read_write=False
    )
    return {
        "today": today,
        "claims": Claim.objects.count(),
        "overdue": overdue.count(),
        "editor": editor,
        "reviewer": reviewer,
        "tokens": [token, reviewer_token],
        "secret": secret,
        "reviewer_secret": reviewer_secret,
        "cursor": f"{due.isoformat()}_{pk}",
        "depth": depth,
    }


def print_measured(results: list[Measured], show_plans: bool) -> None:
    log("\n## Database time per request (EXPLAIN ANALYZE execution times, ms, median of runs)")
    for m in results:
        verdict = "MET" if m.db_ms < TARGET_DB_MS else "MISSED"
        log(
            f"{m.label:<34} database {m.db_ms:6.2f} ms ({len(m.statements)} SELECTs: "
            + ", ".join(f"{s.kind} {median(s.exec_ms):.2f}" for s in m.statements)
            + f")  in-process wall {span(m.wall_ms)} ms, {m.items} items  "
            f"target < {TARGET_DB_MS:g} ms: {verdict}"
        )
        if m.writes:
            log(f"{'':<34} also sent (not steady state): {len(m.writes)} write(s)")
        if show_plans:
            for s in m.statements:
                log(f"\n-- {s.kind}\n{s.sql}\n{s.plan}\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--depth", type=int, default=40_000)
    parser.add_argument("--explain-repeat", type=int, default=5)
    parser.add_argument("--show-plans", action="store_true")
    parser.add_argument("--no-load", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--wrk", default="wrk")
    args = parser.parse_args(argv)
    args.cold = False  # bench_env's LOCAL_CACHE switch: the app as deployed
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be PostgreSQL")
    if not args.no_load and shutil.which(args.wrk) is None:
        parser.error(f"{args.wrk} not found: apt-get install -y wrk")

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    static_root = Path(tempfile.mkdtemp(prefix="claimtrack-bench-static-"))
    try:
        env = bench_env(args, static_root)
        env["API_RATE_LIMIT_PER_MINUTE"] = "100000000"
        from harness import setup_django

        setup_django(env)
        collectstatic(env)
        fixture = prepare(args)
        session_key = create_session(fixture["editor"])
        try:
            run(args, env, fixture, session_key, static_root)
        finally:
            delete_session(session_key)
            for token in fixture["tokens"]:
                token.delete()
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


def run(
    args: argparse.Namespace,
    env: dict[str, str],
    fixture: dict[str, Any],
    session_key: str,
    static_root: Path,
) -> None:
    from django.conf import settings

    report: dict[str, Any] = {"args": {k: str(v) for k, v in vars(args).items()}}
    log(
        f"{os.cpu_count()} CPUs, load average {loadavg()}; {fixture['claims']:,} claims, "
        f"{fixture['overdue']:,} overdue on {fixture['today']}; editor "
        f"{fixture['editor'].username}, reviewer {fixture['reviewer'].username}; deep page "
        f"after row {fixture['depth']:,} ({fixture['cursor']})"
    )
    bearer = {"Authorization": f"Bearer {fixture['secret']}"}
    first = "/api/v1/claims/?view=overdue"
    deep = f"{first}&cursor={fixture['cursor']}"
    measured = [
        measure(
            "overdue, first page (editor)",
            first,
            {"HTTP_AUTHORIZATION": bearer["Authorization"]},
            args.explain_repeat,
        ),
        measure(
            "overdue, deep page (editor)",
            deep,
            {"HTTP_AUTHORIZATION": bearer["Authorization"]},
            args.explain_repeat,
        ),
        measure(
            "overdue, mine (reviewer)",
            first,
            {"HTTP_AUTHORIZATION": f"Bearer {fixture['reviewer_secret']}"},
            args.explain_repeat,
        ),
    ]
    print_measured(measured, args.show_plans)
    report["database"] = [
        {
            "label": m.label,
            "db_ms": m.db_ms,
            "statements": [{"kind": s.kind, "exec_ms": s.exec_ms} for s in m.statements],
            "wall_ms": m.wall_ms,
        }
        for m in measured
    ]
    if not args.no_load:
        cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
        endpoints = [
            Endpoint("livez", "GET /livez", "/livez", baseline=True),
            Endpoint("api-overdue", "GET overdue (token)", first, bearer),
            Endpoint("api-deep", "GET overdue, deep (token)", deep, bearer),
            Endpoint("api-session", "GET overdue (session)", first),
        ]
        log("\n## Load")
        with gunicorn(env, args.workers, static_root / "gunicorn-error.log") as port:
            for endpoint in endpoints:
                headers = dict(endpoint.headers)
                if endpoint.key == "api-session":
                    headers["Cookie"] = cookie
                status, body = fetch(port, endpoint.path, headers)
                if status != 200 or (not endpoint.baseline and not json.loads(body)["items"]):
                    raise RuntimeError(f"{endpoint.path}: {status} {body[:300]!r}")
            # Only the session's endpoint sends the cookie: a program with a token has none.
            cookies = {e.key: cookie if e.key == "api-session" else "" for e in endpoints}
            if args.warmup:
                for endpoint in endpoints:
                    wrk(port, endpoint, cookies[endpoint.key], args, args.warmup)
            rounds = []
            for number in range(1, args.rounds + 1):
                log(f"round {number}/{args.rounds}: {args.connections} connections")
                rounds.append(
                    {e.key: wrk(port, e, cookies[e.key], args, args.duration) for e in endpoints}
                )
        log(f"\n## Summary over {len(rounds)} round(s): median (min–max)")
        log(f"{'endpoint':<28} {'p50 ms':>20} {'p95 ms':>22} {'p99 ms':>22} {'req/s':>22}")
        for endpoint in endpoints:
            p50 = [r[endpoint.key]["p50_ms"] for r in rounds]
            p95 = [r[endpoint.key]["p95_ms"] for r in rounds]
            p99 = [r[endpoint.key]["p99_ms"] for r in rounds]
            rps = [r[endpoint.key]["rps"] for r in rounds]
            verdict = ""
            if not endpoint.baseline:
                verdict = f"  p95 < {TARGET_P95_MS:g} ms: " + (
                    "MET" if median(p95) < TARGET_P95_MS else "MISSED"
                )
            log(
                f"{endpoint.label:<28} {span(p50):>20} {span(p95):>22} {span(p99):>22} "
                f"{span(rps):>22}{verdict}"
            )
        report["rounds"] = rounds
    log(f"\nload average at the end {loadavg()}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
