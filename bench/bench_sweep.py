"""Time the reminder sweep at newsroom scale on PostgreSQL.

    python bench/bench_sweep.py [--claims 50000] [--reviewers 200] [--background 0]

Drops and recreates the database --database (default claimtrack_bench_sweep) on the
PostgreSQL server at --server, migrates it, and then, each in a fresh child process:

1. times sweeps with no claim overdue;
2. for --claims/5 and then --claims claims, all open, all due yesterday (so they pass their
   due date at once) and assigned round-robin to --reviewers reviewers, times one sweep and
   counts its digests per recipient and the child's peak RSS (resource.getrusage), before
   and after the sweep: equal peaks for both sizes mean memory does not grow with the work;
3. times sweeps with nothing due, the --claims claims all reminded already: right after the
   big sweep, and after VACUUM ANALYZE (what autovacuum does in production; it is off on
   this server).

--background adds claims no sweep may remind (resolved, due later, without a date), e.g.
950000 for a 1M-claim table.

--race N is the drill of issue 9: --race-claims claims (default 5000) fall due at once for
the first --race-people reviewers (default 50), and N sweeps start in N processes at the
same moment (each waits for a common start time after Django has loaded); the digests of
all of them are counted per recipient, and must be exactly one each. --race-only skips the
timings above. Email goes to a counting backend: nothing is sent, but every
digest is rendered and serialised as the SMTP backend would. The figures go in
bench/README.md, "Reminder sweep".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))


def configure(database_url: str) -> None:
    """Settings come from the environment: point them at the bench database first."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["EMAIL_BACKEND"] = "bench.bench_sweep.CountingBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Production settings: with DEBUG on, Django keeps every query's SQL in memory.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-sweep-" + "x" * 50)
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


try:
    from django.core.mail.backends.base import BaseEmailBackend
except ImportError:  # pragma: no cover - Django is always installed in the venv
    BaseEmailBackend = object  # type: ignore[assignment,misc]


class CountingBackend(BaseEmailBackend):
    """Renders each message to bytes, as the SMTP backend would, and only counts it."""

    per_recipient: Counter[str] = Counter()
    size = 0

    def send_messages(self, messages: list) -> int:
        for message in messages:
            CountingBackend.size += len(message.message().as_bytes())
            for address in message.recipients():
                CountingBackend.per_recipient[address] += 1
        return len(messages)


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- Child processes: one fresh interpreter per measurement --------------------------------


def child_sweep() -> dict[str, object]:
    from django.conf import settings
    from django.db import connection
    from django.utils.module_loading import import_string

    from claims.sweep import sweep_overdue

    connection.ensure_connection()
    before = peak_rss_mb()
    started = time.perf_counter()
    summary = sweep_overdue()
    seconds = time.perf_counter() - started
    # Django loaded the backend as bench.bench_sweep, not as this __main__ module.
    backend = import_string(settings.EMAIL_BACKEND)
    counts = backend.per_recipient
    return {
        "seconds": seconds,
        "summary": summary.as_dict(),
        "per_recipient": dict(counts),
        "digests": sum(counts.values()),
        "recipients": len(counts),
        "max_digests_per_recipient": max(counts.values(), default=0),
        "mail_bytes": backend.size,
        "rss_before_mb": before,
        "rss_peak_mb": peak_rss_mb(),
    }


def child_idle(runs: int) -> dict[str, object]:
    from django.db import connection

    from claims.sweep import sweep_overdue

    connection.ensure_connection()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        summary = sweep_overdue()
        timings.append(time.perf_counter() - started)
        assert summary.claims == 0 and summary.digests_sent == 0, summary
    return {
        "first_ms": timings[0] * 1000,
        "median_ms": statistics.median(timings) * 1000,
        "max_ms": max(timings) * 1000,
        "rss_peak_mb": peak_rss_mb(),
    }


def child_race_sweep(start_at: float) -> dict[str, object]:
    from django.db import connection

    connection.ensure_connection()
    # Django loaded and connected: all sweeps of the drill start together.
    time.sleep(max(0.0, start_at - time.time()))
    return child_sweep()


def run_child(args: argparse.Namespace, mode: str) -> dict:
    command = [sys.executable, __file__, "--child", mode, "--database-url", args.database_url]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def race(args: argparse.Namespace, reviewers: list[int]) -> bool:
    """N sweeps at once over newly overdue claims: exactly one digest per person?"""
    create_overdue_claims(args.race_claims, reviewers[: args.race_people])
    start_at = time.time() + 8  # time for every child to load Django and connect
    command = [sys.executable, __file__, "--child", "race", "--database-url", args.database_url]
    children = [
        subprocess.Popen([*command, "--start-at", str(start_at)], stdout=subprocess.PIPE, text=True)
        for _ in range(args.race)
    ]
    results = []
    for child in children:
        output, _ = child.communicate()
        assert child.returncode == 0, child.returncode
        results.append(json.loads(output.strip().splitlines()[-1]))
    per_recipient: Counter[str] = Counter()
    for result in results:
        per_recipient.update(result["per_recipient"])
    ran = [r for r in results if not r["summary"].get("skipped")]
    claims = sum(r["summary"]["claims"] for r in results)
    counts = sorted(per_recipient.values())
    timings = ", ".join(f"{r['seconds']:.1f} s" for r in ran)
    print(
        f"Race: {args.race} sweeps at once over {args.race_claims:,} newly overdue claims for "
        f"{args.race_people} people: {len(ran)} ran ({timings}), "
        f"{args.race - len(ran)} skipped; {claims:,} claims reminded; {sum(counts)} digests to "
        f"{len(counts)} people (min {counts[0] if counts else 0}, max {counts[-1] if counts else 0} each)"
    )
    return claims == args.race_claims and counts == [1] * args.race_people


# --- Data -----------------------------------------------------------------------------------


def recreate_database(args: argparse.Namespace) -> None:
    import psycopg

    with psycopg.connect(f"{args.server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.database}"')


def create_people(reviewers: int) -> list[int]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from articles.models import Article, Outlet, SourceKind
    from claims.models import Person

    user_model = get_user_model()
    users = user_model.objects.bulk_create(
        [
            user_model(username=f"reviewer{i:03}", email=f"reviewer{i:03}@bench.example")
            for i in range(reviewers)
        ]
        + [user_model(username=f"editor{i}", email=f"editor{i}@bench.example") for i in range(3)]
    )
    membership = user_model.groups.through
    reviewers_group = Group.objects.get(name="Reviewers")
    editors_group = Group.objects.get(name="Editors")
    membership.objects.bulk_create(
        membership(user_id=user.pk, group_id=editors_group.pk)
        if user.username.startswith("editor")
        else membership(user_id=user.pk, group_id=reviewers_group.pk)
        for user in users
    )
    outlet = Outlet.objects.create(name="Bench Post", domain="bench.example")
    Article.objects.bulk_create(
        Article(
            title=f"Bench article {i}",
            body=f"Body of bench article {i}. The minister said it will happen next week.",
            outlet=outlet,
            published_date=dt.date(2025, 10, 17),
            source_kind=SourceKind.MANUAL,
            content_hash=f"bench-{i:064}"[-64:],
        )
        for i in range(500)
    )
    Person.objects.bulk_create(Person(name=f"Bench Person {i}") for i in range(50))
    return [user.pk for user in users if user.username.startswith("reviewer")]


CLAIM_COLUMNS = (
    "statement, quote, claim_type, time_phrase, due_date, precision, vague, "
    "resolution_criteria, status, reason_code, outcome_note, resolved_at, version, "
    "created_at, updated_at, article_id, assignee_id, claimant_id, next_reminder_on"
)


def copy_claims(rows: object) -> None:
    from django.db import connection

    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY claims_claim ({CLAIM_COLUMNS}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def claim_row(
    statement: str,
    *,
    number: int,
    due: dt.date | None,
    status: str,
    assignee: int | None,
    articles: list[int],
    people: list[int],
    now: dt.datetime,
) -> tuple:
    return (
        statement,
        "",
        "prediction",
        "next week",
        due,
        "",
        False,
        "",
        status,
        "",
        "",
        None if status == "open" else now,
        1,
        now,
        now,
        articles[number % len(articles)],
        assignee,
        people[number % len(people)],
        # As claims.services.create_claim sets it: the day of the first step.
        due + dt.timedelta(days=1) if status == "open" and due is not None else None,
    )


def create_overdue_claims(count: int, reviewers: list[int]) -> None:
    from django.db import connection

    from articles.models import Article
    from claims.models import Person, newsroom_today

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE claims_reminder, claims_claimevent")
        cursor.execute("DELETE FROM claims_claim WHERE statement LIKE 'Bench claim %%'")
    articles = list(Article.objects.values_list("pk", flat=True))
    people = list(Person.objects.values_list("pk", flat=True))
    yesterday = newsroom_today() - dt.timedelta(days=1)
    now = dt.datetime.now(dt.UTC)
    copy_claims(
        claim_row(
            f"Bench claim {i}: the bridge will open",
            number=i,
            due=yesterday,
            status="open",
            assignee=reviewers[i % len(reviewers)],
            articles=articles,
            people=people,
            now=now,
        )
        for i in range(count)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")


def create_background_claims(count: int, reviewers: list[int]) -> None:
    """Claims no sweep may touch: resolved (60%), due in the future (30%), undated (10%)."""
    from django.db import connection

    from articles.models import Article
    from claims.models import Person, newsroom_today

    articles = list(Article.objects.values_list("pk", flat=True))
    people = list(Person.objects.values_list("pk", flat=True))
    today = newsroom_today()
    now = dt.datetime.now(dt.UTC)

    def rows() -> object:
        for i in range(count):
            kind = i % 10
            if kind < 6:
                due, status = today - dt.timedelta(days=1 + i % 700), "fulfilled"
            elif kind < 9:
                due, status = today + dt.timedelta(days=i % 365), "open"
            else:
                due, status = None, "open"
            yield claim_row(
                f"Background claim {i}",
                number=i,
                due=due,
                status=status,
                assignee=reviewers[i % len(reviewers)],
                articles=articles,
                people=people,
                now=now,
            )

    copy_claims(rows())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE claims_claim")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=50_000)
    parser.add_argument("--reviewers", type=int, default=200)
    parser.add_argument("--background", type=int, default=0)
    parser.add_argument("--idle-runs", type=int, default=20)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="claimtrack_bench_sweep")
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--race", type=int, default=0)
    parser.add_argument("--race-claims", type=int, default=5000)
    parser.add_argument("--race-people", type=int, default=50)
    parser.add_argument("--race-only", action="store_true")
    parser.add_argument("--child", choices=["sweep", "idle", "race"], help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        configure(args.database_url)
        if args.child == "race":
            result = child_race_sweep(args.start_at)
        else:
            result = child_sweep() if args.child == "sweep" else child_idle(args.idle_runs)
        print(json.dumps(result))
        return 0

    args.database_url = f"{args.server}/{args.database}"
    recreate_database(args)
    configure(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    reviewers = create_people(args.reviewers)
    print(
        f"Database {args.database}: {args.reviewers} reviewers, 3 editors; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    if args.race_only:
        ok = race(args, reviewers)
        print("Targets met." if ok else "TARGETS MISSED.")
        return 0 if ok else 1
    if args.background:
        started = time.perf_counter()
        create_background_claims(args.background, reviewers)
        print(
            f"Background: {args.background:,} claims no sweep may remind "
            f"({time.perf_counter() - started:.0f} s to create)"
        )

    def idle(label: str) -> dict:
        result = run_child(args, "idle")
        print(
            f"Sweep with nothing due, {label} ({args.idle_runs} runs): first "
            f"{result['first_ms']:.0f} ms, median {result['median_ms']:.0f} ms, max "
            f"{result['max_ms']:.0f} ms; peak RSS {result['rss_peak_mb']:.0f} MB"
        )
        return result

    idle("no claim overdue")
    ok = True
    for size in (args.claims // 5, args.claims):
        create_overdue_claims(size, reviewers)
        result = run_child(args, "sweep")
        summary = result["summary"]
        print(
            f"Sweep, {size:,} claims due at once: {result['seconds']:.1f} s; "
            f"{summary['claims']:,} claims, {summary['reminders']:,} reminders for "
            f"{summary['people']} people; {result['digests']} digests to "
            f"{result['recipients']} recipients (at most {result['max_digests_per_recipient']} "
            f"each, {result['mail_bytes'] / 1e6:.1f} MB of mail); peak RSS "
            f"{result['rss_before_mb']:.0f} MB before the sweep, {result['rss_peak_mb']:.0f} MB "
            f"after"
        )
        ok = ok and summary["claims"] == size and result["max_digests_per_recipient"] <= 1
        ok = ok and (size != args.claims or result["seconds"] < 60)

    label = f"{args.claims:,} overdue claims reminded already"
    idle(f"{label}, right after the sweep")
    # What autovacuum does within minutes in production (it is off on the CI server): until
    # then the index-only scans of the sweep still read the freshly written table rows.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE claims_claim, claims_reminder, claims_claimevent")
    steady = idle(f"{label}, vacuumed")
    ok = ok and steady["median_ms"] < 200
    if args.race:
        ok = race(args, reviewers) and ok
    print("Targets met." if ok else "TARGETS MISSED.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
