"""Time the suggestions task (claims.tasks.suggest_claims) against the database DATABASE_URL
names: the engine plus storing its suggestions, as a worker runs it for an import chunk.

    DATABASE_URL=postgres://... python bench/bench_intake.py [--count 2000] [--chunk 500]

Writes --count articles made from the evaluation set's paragraphs (bench/bench_suggestions.py,
source "bench-intake-*"), runs the task body in this process once per chunk of --chunk ids
(one task per import chunk, as queued by the importer), then again (idempotent: must store
nothing new), and deletes them. One process, one thread: the figure is per worker process.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from articles.models import Article, SourceKind  # noqa: E402
from bench.bench_suggestions import make_articles  # noqa: E402
from claims import tasks  # noqa: E402
from claims.models import Suggestion  # noqa: E402

PREFIX = "bench-intake-"


def _clean() -> None:
    articles = Article.objects.filter(source_kind=SourceKind.SEED, source__startswith=PREFIX)
    Suggestion.objects.filter(article__in=articles).delete()
    articles.delete()


def _run(ids: list[int], chunk: int) -> float:
    started = time.perf_counter()
    for start in range(0, len(ids), chunk):
        tasks.suggest_claims.run(ids[start : start + chunk])
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--allow-sqlite", action="store_true")
    args = parser.parse_args()
    if connection.vendor == "sqlite" and not args.allow_sqlite:
        parser.error("DATABASE_URL is not set (SQLite): set it, or pass --allow-sqlite")
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    _clean()
    made = make_articles(args.count, args.seed)
    created = Article.objects.bulk_create(
        Article(
            title=f"Bench intake {n}",
            body=body,
            published_date=published,
            source_kind=SourceKind.SEED,
            source=f"{PREFIX}{n:05d}",
            content_hash=f"{PREFIX}{n:05d}",
        )
        for n, (body, published) in enumerate(made)
    )
    ids = [article.pk for article in created]
    try:
        seconds = _run(ids, args.chunk)
        stored = Suggestion.objects.filter(article_id__in=ids).count()
        print(
            f"{len(ids)} articles in {len(range(0, len(ids), args.chunk))} tasks: "
            f"{seconds:.2f} s = {len(ids) / seconds:,.0f} articles/s, {stored} suggestions stored"
        )
        seconds = _run(ids, args.chunk)
        again = Suggestion.objects.filter(article_id__in=ids).count()
        print(f"again (nothing to change): {seconds:.2f} s = {len(ids) / seconds:,.0f} articles/s")
        if again != stored:
            print(f"A re-run changed the suggestions: {stored} -> {again}", file=sys.stderr)
            return 1
    finally:
        _clean()
    return 0


if __name__ == "__main__":
    sys.exit(main())
