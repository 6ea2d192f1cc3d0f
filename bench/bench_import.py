"""Time the article import against the database DATABASE_URL names.

    DATABASE_URL=postgres://... python bench/bench_import.py [FOLDER] [--count 10000] [--html]

Without FOLDER, writes --count seed files (bench/make_seed_files.py) to a temporary folder,
or with --html the same articles as saved HTML pages. Deletes earlier benchmark articles
(source "bench-*"), imports the folder in-process through articles.importing.import_paths,
then imports it again, which must change nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import random
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

if __name__ == "__main__":
    # Only in the benchmark's own process: each child extracting a saved page runs this
    # module's top level again (multiprocessing's forkserver on Python 3.11), and would
    # set Django up for nothing.
    import django

    django.setup()

    from django.db import connection

    from articles.importing import ImportSummary, import_paths
    from articles.models import Article, SourceKind

from bench.make_seed_files import PREFIX, article, make_seed_files  # noqa: E402


def make_html_files(folder: Path, *, count: int, seed: int = 17) -> None:
    """The seed files' articles as saved pages: each page is extracted in a child process."""
    rng = random.Random(seed)
    for number in range(count):
        date_line, body = article(number, rng).split("\n\n", 1)
        dek = date_line.split(" ", 2)[2]
        # Pages state dates from 1995 on; earlier ones are not taken for publication dates.
        published = dt.date(2000, 1, 1) + dt.timedelta(days=number % 9000)
        paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in body.split("\n\n"))
        (folder / f"{PREFIX}{number:05d}.html").write_text(
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(dek)}</title>"
            f'<meta property="article:published_time" content="{published}">'
            '</head><body><nav><a href="/">Home</a></nav><article>'
            f"<h1>{html.escape(dek)}</h1>\n{paragraphs}</article></body></html>",
            encoding="utf-8",
        )


def run(folder: Path) -> tuple[ImportSummary, float]:
    started = time.perf_counter()
    summary = import_paths([folder])
    return summary, time.perf_counter() - started


def bench(folder: Path) -> int:
    files = sum(1 for _ in folder.rglob("*") if _.is_file())
    deleted, _ = Article.objects.filter(
        source_kind__in=[SourceKind.SEED, SourceKind.UPLOAD], source__startswith=PREFIX
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
    parser.add_argument("--html", action="store_true", help="write saved HTML pages instead")
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
        if args.html:
            make_html_files(Path(tmp), count=args.count)
        else:
            make_seed_files(Path(tmp), count=args.count)
        kind = "HTML pages" if args.html else "seed files"
        print(f"Wrote {args.count} {kind} in {time.perf_counter() - started:.2f} s")
        return bench(Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
