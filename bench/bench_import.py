"""Time the article import against the database DATABASE_URL names.

    DATABASE_URL=postgres://... python bench/bench_import.py [FOLDER] [--count 10000]

Without FOLDER, writes --count seed files (bench/make_seed_files.py) to a temporary folder.
Deletes earlier benchmark articles (source "bench-*"), imports the folder in-process through
articles.importing.import_paths, then imports it again, which must change nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from articles.importing import ImportSummary, import_paths  # noqa: E402
from articles.models import Article, SourceKind  # noqa: E402
from bench.make_seed_files import PREFIX, make_seed_files  # noqa: E402


def run(folder: Path) -> tuple[ImportSummary, float]:
    started = time.perf_counter()
    summary = import_paths([folder])
    return summary, time.perf_counter() - started


def bench(folder: Path) -> int:
    files = sum(1 for _ in folder.rglob("*") if _.is_file())
    deleted, _ = Article.objects.filter(
        source_kind=SourceKind.SEED, source__startswith=PREFIX
    ).delete()
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"Deleted {deleted} articles from an earlier run.")

    first, seconds = run(folder)
    print(
        f"{files} files: imported {len(first.imported)} in {seconds:.2f} s "
        f"= {len(first.imported) / seconds:,.0f} articles/s"
    )
    second, seconds = run(folder)
    print(
        f"{files} files: unchanged {len(second.unchanged)} in {seconds:.2f} s "
        f"= {len(second.unchanged) / seconds:,.0f} files/s"
    )
    for name, reason in (first.failed + second.failed)[:10]:
        print(f"  {name}: {reason}", file=sys.stderr)
    if len(first.imported) != files or len(second.unchanged) != files:
        print("Not every file was imported and then unchanged: see above.", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", help="seed files to import")
    parser.add_argument("--count", type=int, default=10_000, help="files to write without FOLDER")
    parser.add_argument(
        "--allow-sqlite", action="store_true", help="run on SQLite (not the figure that counts)"
    )
    args = parser.parse_args()
    if connection.vendor == "sqlite" and not args.allow_sqlite:
        parser.error("DATABASE_URL is not set (SQLite): set it, or pass --allow-sqlite")

    if args.folder:
        return bench(args.folder)
    with tempfile.TemporaryDirectory(prefix="claimtrack-bench-") as tmp:
        started = time.perf_counter()
        make_seed_files(Path(tmp), count=args.count)
        print(f"Wrote {args.count} seed files in {time.perf_counter() - started:.2f} s")
        return bench(Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
