"""EXPLAIN (ANALYZE, BUFFERS) of the dashboard search, as the dashboard sends it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/claimtrack_bench1m_inputs \\
        python bench/explain_search.py [--repeat 3] [--without-index] [--plans]

Load the data first with bench/generate_claims.py and migrate (claims 0006 and 0008 build
the full-text indexes). For each search (a frequent word, a common word, a name, a rare
phrase, no match, two letters, stop words only, two common words) it builds the dashboard with `?q=...&who=all` through
claims.dashboard.Dashboard, captures the queries of its first page (the overdue list) and
of its four counters, and EXPLAIN ANALYZEs each `--repeat` times. Database time is the sum
of their "Execution Time", median over the repeats: the page alone, and the page with the
counters (the whole of a search typed on the dashboard). The exit status is 1 when a
page takes 50 ms or more.

The generated claims are made of a small vocabulary, so the name and the rare phrase are
given to 20 claims inserted for the run (spread over the id range, some overdue) and
rolled back at the end. `--substring` sends the query the dashboard sent before the index:
`icontains` on statement and quote, ordered by the list's own index.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from claims import dashboard  # noqa: E402
from claims.dashboard import Dashboard  # noqa: E402
from claims.models import newsroom_today  # noqa: E402

SEARCHES = [
    ("frequent word", "government"),
    ("common word", "railway"),
    ("a name", "Zelensky"),
    ("rare phrase", "Oval Office"),
    ("no match", "xyzzy"),
    ("two letters", "zq"),
    ("stop words only", "will the"),
    ("two common words", "reopening railways"),
]
TARGET_MS = 50.0
TIME_RE = re.compile(r"Execution Time: ([\d.]+) ms")
INDEX_RE = re.compile(r"(?:Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)? on (\w+)")


def plant_needles() -> None:
    """20 claims that name Zelensky and the Oval Office, copied from claims spread over the
    table, half of them moved to be overdue."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO claims_claim (article_id, statement, quote, quote_start, quote_end,
                claimant_id, claim_type, time_phrase, earliest_date, due_date, precision,
                vague, resolution_criteria, status, reason_code, outcome_date, outcome_note,
                resolved_at, resolved_by_id, assignee_id, snoozed_until, next_reminder_on,
                version, created_by_id, created_at, updated_at)
            SELECT article_id,
                'Zelensky will visit the Oval Office ' || time_phrase, '', NULL, NULL,
                claimant_id, claim_type, time_phrase, NULL,
                CASE WHEN n % 2 = 0 THEN current_date - 3 ELSE due_date END, precision,
                vague, resolution_criteria, 'open', '', NULL, '', NULL, NULL, assignee_id,
                NULL, NULL, 1, created_by_id, created_at, updated_at
            FROM (SELECT *, row_number() OVER () AS n FROM claims_claim
                  WHERE id % 50000 = 7 LIMIT 20) AS picked
            """
        )


def database_ms(
    q: str, user: object, repeat: int, plans: bool
) -> tuple[float, float, list[str], bool]:
    """Median database time of the first page, and of the page and the four counters."""
    board = Dashboard.from_query(
        QueryDict(f"q={q}&who=all&view=overdue"), user=user, today=newsroom_today()
    )
    with CaptureQueriesContext(connection) as page:
        board.page()
    with CaptureQueriesContext(connection) as counters:
        board.count()
    queries = [*page.captured_queries, *counters.captured_queries]
    totals, pages, indexes, seq = [], [], [], False
    for _ in range(repeat):
        total = 0.0
        for n, query in enumerate(queries):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
            total += float(TIME_RE.search(plan).group(1))
            if n == len(page.captured_queries) - 1:
                pages.append(total)
            indexes.extend(INDEX_RE.findall(plan))
            seq = seq or "Seq Scan on claims_claim" in plan
            if plans and _ == 0:
                print(f"--- {q!r}: {query['sql'][:200]}\n{plan}\n")
        totals.append(total)
    return statistics.median(pages), statistics.median(totals), list(dict.fromkeys(indexes)), seq


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--substring", action="store_true")
    parser.add_argument("--plans", action="store_true")
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        parser.error("needs PostgreSQL: set DATABASE_URL=postgres://... (SQLite is refused)")
    user = get_user_model().objects.filter(is_superuser=True).first()
    user = user or get_user_model().objects.first()
    failed = False
    with transaction.atomic():
        plant_needles()
        if args.substring:
            Dashboard.full_text = False  # every search a substring match, as before
            dashboard.too_common = lambda q, indexed=None: False
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_claim")
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        print(f"{'search':<16} {'q':<19} {'page ms':>8} {'+counters':>10}  indexes")
        for label, q in SEARCHES:
            if args.only and q != args.only:
                continue
            page_ms, ms, indexes, seq = database_ms(q, user, args.repeat, args.plans)
            slow = page_ms >= TARGET_MS
            failed = failed or slow
            flags = (" SEQ SCAN" if seq else "") + (" >= 50 ms" if slow else "")
            print(f"{label:<16} {q:<19} {page_ms:>8.1f} {ms:>10.1f}  {', '.join(indexes)}{flags}")
        transaction.set_rollback(True)
    return 1 if failed and not args.substring else 0


if __name__ == "__main__":
    sys.exit(main())
