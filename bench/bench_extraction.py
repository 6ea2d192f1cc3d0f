"""Time and peak memory of extracting pathological saved pages, before and after the limits.

    python bench/bench_extraction.py [--cap 120]

Pages (generated, as in tests/articles/test_extraction.py):
  tags-1mb        1 MB: one paragraph of 75,000 small inline tags (the page that killed a worker)
  tags-30k        300 KB: 30,000 inline tags in one paragraph, under the element limit
  paragraphs-5.6mb 5.6 MB: 110,000 short paragraphs, each with an inline tag
  news-page       an ordinary news page: the first extraction starts the forkserver
  news-page-again the same page extracted again: the cost of a child process per page

Each page is extracted in a fresh Python process, two ways:
  before  trafilatura in the process itself, as articles.importing once did (killed after --cap s)
  after   articles.parsing.parse_html: a forkserver child with the element, time and
          memory limits of the settings
and the table gives the wall time and the peak resident memory of that process (the
worker's memory; the child's is bounded by ARTICLE_EXTRACT_MEMORY_MB).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

HEAD = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Pathological</title>'
    '<meta property="article:published_time" content="2025-10-18"></head><body><article>'
)
TAIL = "</article></body></html>"
NEWS = (
    HEAD
    + "<h1>Budapest summit planned</h1>"
    + "".join(
        f"<p>Paragraph {n}: President Trump said he would meet President Putin in Budapest "
        f"within {n + 1} weeks, after a call both sides called <em>productive</em>.</p>"
        for n in range(12)
    )
    + TAIL
)


PAGES = ("news-page", "news-page-again", "tags-1mb", "tags-30k", "paragraphs-5.6mb")


def page(name: str) -> str:
    if name == "tags-1mb":
        return HEAD + "<p>" + "<b>x</b> " * 75_000 + "x" * (1_000_000 - 675_000) + "</p>" + TAIL
    if name == "tags-30k":
        return HEAD + "<p>" + "<b>x</b> " * 30_000 + "</p>" + TAIL
    if name == "paragraphs-5.6mb":
        return HEAD + "<p>Some words of a short paragraph <b>here</b>.</p>\n" * 110_000 + TAIL
    return NEWS  # news-page, news-page-again


def one(name: str, way: str) -> None:
    """Runs in a fresh process: extract one page one way, print a JSON line."""
    sys.path.insert(0, str(REPO_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from articles import extraction
    from articles.parsing import ArticleImportError, parse_html

    text = page(name)
    if name == "news-page-again" and way == "after":
        parse_html(text.encode(), source=name)  # starts the forkserver
    started = time.perf_counter()
    try:
        if way == "before":
            # The old articles.importing._extract_page: the same calls, in this process.
            result = extraction._extract(text, max_elements=sys.maxsize)
            outcome = f"{len(result.body):,} characters" if result else "no article text"
        else:
            outcome = f"{len(parse_html(text.encode(), source=name).body):,} characters"
    except ArticleImportError as exc:
        outcome = str(exc)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "outcome": outcome}))


def run(name: str, way: str, cap: float) -> dict:
    process = subprocess.Popen(
        [sys.executable, __file__, "--one", name, way],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    started, peak_kb = time.perf_counter(), 0
    while process.poll() is None and time.perf_counter() - started < cap:
        peak_kb = max(peak_kb, _high_water_kb(process.pid))
        time.sleep(0.2)
    if process.poll() is None:
        peak_kb = max(peak_kb, _high_water_kb(process.pid))
        process.kill()
        process.wait()
        return {"seconds": None, "peak_mb": peak_kb / 1024, "outcome": f"killed after {cap:g} s"}
    return json.loads(process.stdout.read().strip().splitlines()[-1])


def _high_water_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=120, help="seconds before 'before' is killed")
    parser.add_argument("--pages", nargs="+", default=list(PAGES), choices=PAGES)
    parser.add_argument("--one", nargs=2, metavar=("PAGE", "WAY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(*args.one)
        return 0
    print("| page | size | way | time | peak memory of the process | outcome |")
    print("|---|---|---|---|---|---|")
    for name in args.pages:
        size = len(page(name).encode())
        for way in ("before", "after"):
            result = run(name, way, args.cap)
            seconds = f"{result['seconds']:.2f} s" if result["seconds"] is not None else "—"
            print(
                f"| {name} | {size / 2**20:.2f} MB | {way} | {seconds} | "
                f"{result['peak_mb']:,.0f} MB | {result['outcome']} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
