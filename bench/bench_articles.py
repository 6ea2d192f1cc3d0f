"""The article list on the 1M-claim data set's 100,000 articles: first page, a deep page,
search and filters, one request at a time through Django's test Client in this process.

    .venv/bin/python bench/bench_articles.py [--repeat 20] [--depth 2000]

Load the data first (bench/generate_claims.py into claimtrack_bench1m). Production settings
(DEBUG off, static files collected into a temporary folder), as bench_dashboard.py runs
them. For each request: median and max wall time, the queries sent and the time spent in
them, and the rows shown. The deep page is reached by following "next" --depth times (the
keyset cursor of the article at that position), not by an offset. Search is PostgreSQL
full-text search on the GIN index article_search (articles/search.py).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from harness import (
    DEFAULT_DATABASE_URL,
    bench_env,
    collectstatic,
    setup_django,
    timed_queries,
)

ROW_RE = re.compile(rb'<a class="article-title"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--depth", type=int, default=2000, help="pages of 'next' to follow")
    args = parser.parse_args()
    static_root = Path(tempfile.mkdtemp(prefix="claimtrack-bench-static-"))
    try:
        env = bench_env(
            SimpleNamespace(database_url=args.database_url, redis_url="", cold=False), static_root
        )
        env.pop("REDIS_URL")
        setup_django(env)
        collectstatic(env)
        run(args)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from articles.models import Article, Outlet
    from articles.views import ORDER, PAGE_SIZE

    reader = get_user_model().objects.filter(groups__name="Reviewers").order_by("pk").first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(reader)

    # The cursor after --depth pages, computed the way the list computes it.
    depth_row = Article.objects.order_by("-published_date", "-id").only("published_date", "id")[
        args.depth * PAGE_SIZE - 1
    ]
    deep = ORDER.cursor(depth_row)
    assert ORDER.after(deep) is not None
    rare_outlet = Outlet.objects.order_by("pk").values_list("pk", flat=True).last()
    words = _words(Article)
    print(f"{Article.objects.count():,} articles; page size {PAGE_SIZE}; user {reader}")
    requests = [
        ("first page", "/articles/"),
        (f"after {args.depth * PAGE_SIZE:,} articles", f"/articles/?after={deep}"),
        (f"search, word of fewest titles ({words['rare']})", f"/articles/?q={words['rare']}"),
        (f"search, word of most titles ({words['common']})", f"/articles/?q={words['common']}"),
        ("search, two words", f"/articles/?q={words['common']}+{words['rare']}"),
        ("search, a stop word only (before): titles", "/articles/?q=before"),
        ("filter: one outlet", f"/articles/?outlet={rare_outlet}"),
        ("filter: one month", "/articles/?published_from=2025-03-01&published_to=2025-03-31"),
    ]
    print(
        f"{'request':<44} {'median ms':>10} {'max ms':>8} {'db ms':>7} {'queries':>8} {'rows':>5}"
    )
    for label, path in requests:
        client.get(path)  # warm
        walls, dbs = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            with timed_queries() as spent:
                response = client.get(path)
            walls.append((time.perf_counter() - started) * 1000)
            dbs.append(sum(ms for _, ms in spent))
        assert response.status_code == 200, (path, response.status_code)
        rows = len(ROW_RE.findall(response.content))
        print(
            f"{label:<44} {statistics.median(walls):>10.1f} {max(walls):>8.1f} "
            f"{statistics.median(dbs):>7.1f} {len(spent):>8} {rows:>5}"
        )


def _words(article_model: type) -> dict[str, str]:
    """The word in the fewest and the one in the most of 20,000 titles, leaving out the
    English stop words full-text search ignores ("before" finds nothing)."""
    from django.db import connection

    counts: dict[str, int] = {}
    for title in article_model.objects.values_list("title", flat=True)[:20000]:
        for word in set(re.findall(r"[a-z]{5,}", title.lower())):
            counts[word] = counts.get(word, 0) + 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w FROM unnest(%s::text[]) AS w WHERE to_tsvector('english', w) <> ''",
            [list(counts)],
        )
        searchable = {row[0] for row in cursor.fetchall()}
    ranked = sorted(searchable, key=lambda word: (counts[word], word))
    return {"rare": ranked[0], "common": ranked[-1]}


if __name__ == "__main__":
    main()
