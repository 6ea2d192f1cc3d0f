"""Issue 12's "Measured": scorecards and public pages on the 1M-claim data set.

    .venv/bin/python bench/bench_lookback.py [--database-url URL] [--duration 10]
        [--publish-modulo 300] [--no-explain] [--no-staff] [--no-public]

1. Database: the biggest claimant's card (claims.scorecards.claimant_card, still_open and
   the filter form's outlets_of, as the view calls them), the biggest outlet's card
   (outlet_card, claimants_of), ranked_claimants() and ranked_outlets(). Captures the SQL each
   sends and runs it under EXPLAIN (ANALYZE, BUFFERS) --repeat times: execution time per
   statement and summed, the scan nodes on claims_claim. Target < 20 ms each.
2. Staff pages under load: gunicorn (--workers) with an editor's session, wrk at
   --staff-connections (10) on the biggest claimant's scorecard, the outlet index and the
   claimant index.
   Target p95 < 150 ms.
3. Public pages: publishes claims first (UPDATE claims_claim SET published_at = now(),
   updated_at = now() WHERE id % --publish-modulo = 0 AND published_at IS NULL; printed),
   then gunicorn with PUBLIC_PAGES=true and wrk at --public-connections (50), anonymous, on
   /livez, a published resolved claim's public page (plain and with If-None-Match: the 304),
   the public claims list, the biggest published claimant's public scorecard, the public
   claimant index and the public feed. Targets: throughput >= 50% of /livez's, p95 < 20 ms.

Refuses SQLite and an unmigrated database (bench/harness.py). Changes nothing but
published_at/updated_at of the published claims, and a session it deletes at the end.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from harness import (  # this folder is on sys.path when a script runs
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
    setup_django,
    wrk,
)

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/claimtrack_bench1m_inputs"


def explain(statements: list[tuple[str, Any]], repeat: int, show: bool) -> dict[str, Any]:
    from django.db import connection

    per_statement = []
    scans: set[str] = set()
    with connection.cursor() as cursor:
        for sql, params in statements:
            times = []
            plan_text = ""
            for _ in range(repeat):
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                rows = [r[0] for r in cursor.fetchall()]
                plan_text = "\n".join(rows)
                found = re.search(r"Execution Time: ([\d.]+) ms", plan_text)
                times.append(float(found.group(1)) if found else float("nan"))
            for line in plan_text.splitlines():
                node = re.search(
                    r"((?:Parallel )?(?:Seq|Index Only|Index|Bitmap Heap) Scan)"
                    r"(?: using (\w+))? on (claims_claim|articles_article)",
                    line,
                )
                if node:
                    scans.add(
                        f"{node.group(1)} {node.group(2) or ''} on {node.group(3)}".replace(
                            "  ", " "
                        )
                    )
            per_statement.append({"sql": sql[:160], "ms": median(times), "plan": plan_text})
            if show:
                log(f"-- {sql[:300]}\n{plan_text}\n")
    return {
        "total_ms": sum(s["ms"] for s in per_statement),
        "statements": per_statement,
        "scans": sorted(scans),
    }


def database_part(args: argparse.Namespace) -> dict[str, Any]:
    from django.db.models import Count, Q

    from articles.models import Outlet
    from claims import scorecards
    from claims.models import ClaimStatus, Person
    from claims.scorecards import Filters

    person = (
        Person.objects.annotate(n=Count("claims", filter=~Q(claims__status=ClaimStatus.WITHDRAWN)))
        .order_by("-n")
        .first()
    )
    assert person is not None
    log(f"biggest claimant: {person.name} (pk {person.pk}), {person.n} claims tracked")
    filters = Filters(claimant=person.pk)
    outlet = (
        Outlet.objects.annotate(
            n=Count("articles__claims", filter=~Q(articles__claims__status=ClaimStatus.WITHDRAWN))
        )
        .order_by("-n")
        .first()
    )
    assert outlet is not None
    log(f"biggest outlet: {outlet.name} (pk {outlet.pk}), {outlet.n} claims tracked")
    runs = {
        "claimant_card": lambda: scorecards.claimant_card(person, filters),
        "still_open": lambda: scorecards.still_open(person, filters),
        "outlets_of": lambda: scorecards.outlets_of(person),
        "outlet_card": lambda: scorecards.outlet_card(outlet, Filters(outlet=outlet.pk)),
        "claimants_of": lambda: scorecards.claimants_of(outlet),
        "ranked_claimants": lambda: list(scorecards.ranked_claimants()),
        "ranked_outlets": lambda: list(scorecards.ranked_outlets()),
    }
    results: dict[str, Any] = {"person": person.pk, "tracked": person.n}
    for key, run in runs.items():
        statements = capture(run)
        result = explain(statements, args.repeat, args.show_plans)
        results[key] = result
        verdict = "ok" if result["total_ms"] < 20 else "MISSES < 20 ms"
        log(
            f"{key}: {len(statements)} statements, {result['total_ms']:.1f} ms execution "
            f"(median of {args.repeat}) [{verdict}]"
        )
        for s in result["statements"]:
            log(f"    {s['ms']:9.1f} ms  {s['sql'][:110]}")
        log(f"    scans: {', '.join(result['scans'])}")
    return results


def show(results: dict[str, dict], baseline: str | None, p95_target: float) -> None:
    base = results[baseline]["rps"] if baseline else None
    for key, r in results.items():
        ratio = f", {100 * r['rps'] / base:.0f}% of /livez" if base else ""
        log(
            f"  {key:12} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:.1f} ms  "
            f"p95 {r['p95_ms']:.1f} ms  p99 {r['p99_ms']:.1f} ms{ratio}  "
            f"(non-200 {r['non_200']}, load before {r['load_before']})"
            + (
                ""
                if key == baseline or r["p95_ms"] < p95_target
                else f"  MISSES p95 < {p95_target:g} ms"
            )
        )


def load(
    args: argparse.Namespace,
    env: dict[str, str],
    endpoints: list[Endpoint],
    cookie: str,
    connections: int,
) -> dict[str, dict]:
    args.connections = connections
    out: dict[str, dict] = {}
    with (
        tempfile.TemporaryDirectory() as tmp,
        gunicorn(env, args.workers, Path(tmp) / "err.log") as port,
    ):
        headers = {"Cookie": cookie} if cookie else {}
        for e in endpoints:
            status, body = fetch(port, e.path, {**headers, **e.headers})
            problem = e.check(body) if e.check else ""
            log(f"  check {e.key}: {status}, {len(body)} bytes {problem}")
            if status not in (200, 304) or problem:
                raise SystemExit(f"{e.key} answered {status}: {body[:300]!r}")
            wrk(port, e, cookie or "bench=1", args, 3)  # warm-up
        for e in endpoints:
            out[e.key] = wrk(port, e, cookie or "bench=1", args, args.duration)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--staff-connections", type=int, default=10)
    parser.add_argument("--public-connections", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--publish-modulo", type=int, default=300)
    parser.add_argument("--show-plans", action="store_true")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--no-staff", action="store_true")
    parser.add_argument("--no-public", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--wrk", default="wrk")
    args = parser.parse_args()
    args.cold = False
    if shutil.which(args.wrk) is None:
        parser.error("wrk not found")
    static_root = Path(tempfile.mkdtemp(prefix="bench-static-"))
    env = bench_env(args, static_root)
    setup_django(env)
    log(f"load average {loadavg()}")
    figures: dict[str, Any] = {}
    from django.contrib.auth.models import User
    from django.db import connection
    from django.db.models import Count, Q

    from claims.models import ClaimStatus, Person

    try:
        if not args.no_explain:
            figures["database"] = database_part(args)
        person = (
            Person.objects.annotate(
                n=Count("claims", filter=~Q(claims__status=ClaimStatus.WITHDRAWN))
            )
            .order_by("-n")
            .first()
        )
        assert person is not None
        if not args.no_staff:
            collectstatic(env)
            editor = User.objects.get(username="editor1")
            key = create_session(editor)
            try:
                endpoints = [
                    Endpoint("livez", "GET /livez", "/livez", baseline=True),
                    Endpoint(
                        "card",
                        "claimant scorecard",
                        f"/scorecards/people/{person.pk}/",
                        check=lambda b: "" if b"<svg" in b else "no SVG meter",
                    ),
                    Endpoint(
                        "outlets",
                        "outlet index",
                        "/scorecards/outlets/",
                        check=lambda b: "" if b"login" not in b[:2000].lower() else "login page?",
                    ),
                    Endpoint(
                        "people",
                        "claimant index",
                        "/scorecards/",
                        check=lambda b: "" if b"login" not in b[:2000].lower() else "login page?",
                    ),
                ]
                log(f"staff pages, {args.staff_connections} connections, {args.duration} s each")
                figures["staff"] = load(
                    args, env, endpoints, f"sessionid={key}", args.staff_connections
                )
                show(figures["staff"], None, 150)
            finally:
                delete_session(key)
        if not args.no_public:
            with connection.cursor() as cursor:
                sql = (
                    "UPDATE claims_claim SET published_at = now(), updated_at = now() "
                    "WHERE id %% %s = 0 AND published_at IS NULL"
                )
                cursor.execute(sql, [args.publish_modulo])
                log(f"published {cursor.rowcount} more claims: {sql % args.publish_modulo}")
                cursor.execute("SELECT count(*) FROM claims_claim WHERE published_at IS NOT NULL")
                log(f"published claims in all: {cursor.fetchone()[0]}")
                cursor.execute("ANALYZE claims_claim")
            from claims import public
            from claims.scorecards import OUTCOMES

            claim = public.published_claims().filter(status__in=OUTCOMES).order_by("id").first()
            assert claim is not None
            published = (
                public.published_claims()
                .exclude(status=ClaimStatus.WITHDRAWN)
                .values("claimant")
                .annotate(n=Count("pk"))
                .filter(claimant__isnull=False)
                .order_by("-n")
                .first()
            )
            assert published is not None
            log(
                f"biggest published claimant: pk {published['claimant']}, "
                f"{published['n']} published claims"
            )
            collectstatic(env)
            penv = {**env, "PUBLIC_PAGES": "true"}
            import http.client

            # The ETag the page answers, for the conditional request.
            with (
                tempfile.TemporaryDirectory() as tmp,
                gunicorn(penv, 1, Path(tmp) / "e.log") as port,
            ):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", f"/public/claims/{claim.pk}/")
                response = conn.getresponse()
                response.read()
                etag = response.getheader("ETag") or ""
                log(
                    f"claim {claim.pk}: {response.status}, ETag {etag}, "
                    f"Cache-Control {response.getheader('Cache-Control')}, Vary {response.getheader('Vary')}"
                )
                conn.close()
            endpoints = [
                Endpoint("livez", "GET /livez", "/livez", baseline=True),
                Endpoint(
                    "claim",
                    "public claim page",
                    f"/public/claims/{claim.pk}/",
                    check=lambda b: "" if b"ClaimReview" in b else "no ClaimReview",
                ),
                Endpoint(
                    "claim-304",
                    "public claim page, If-None-Match",
                    f"/public/claims/{claim.pk}/",
                    headers={"If-None-Match": etag},
                ),
                Endpoint("list", "public claims list", "/public/claims/"),
                Endpoint(
                    "pcard",
                    "public scorecard, biggest published claimant",
                    f"/public/scorecards/people/{published['claimant']}/",
                    check=lambda b: "" if b"<svg" in b else "no SVG meter",
                ),
                Endpoint("pindex", "public claimant index", "/public/scorecards/"),
                Endpoint(
                    "feed",
                    "public Atom feed",
                    "/public/resolutions.atom",
                    check=lambda b: "" if b"<entry>" in b else "no entry",
                ),
            ]
            log(
                f"public pages, {args.public_connections} connections, {args.duration} s each, "
                f"claim {claim.pk} ({claim.status})"
            )
            figures["public"] = load(args, penv, endpoints, "", args.public_connections)
            show(figures["public"], "livez", 20)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    if args.json:
        for part in figures.get("database", {}).values():
            if isinstance(part, dict):
                for s in part["statements"]:
                    s.pop("plan", None)
        args.json.write_text(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    main()
