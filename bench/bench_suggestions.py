"""Time claims.suggestions.suggest_claims over 10,000 articles on one core.

    .venv/bin/python bench/bench_suggestions.py                 # 10,000 articles
    .venv/bin/python bench/bench_suggestions.py --count 2000 --seed 5

The articles are made from the paragraphs of the evaluation set (tests/data/intake/),
so they read like news copy with attributions, quotes and time phrases: each article takes
8-20 paragraphs drawn at random (about 2.5 KB, the size of a wire story) (fixed seed), in random order, with the people's surnames
swapped for others from the set, and a publication date spread over 2020-2027. Generation
is not timed. One process, one thread: the figure is per core. Target: >= 100 articles/s.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from datetime import date, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims.suggestions import suggest_claims  # noqa: E402

DATA = ROOT / "tests" / "data" / "intake"
NAME_RE = re.compile(r"\b([A-Z][a-z]+) ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")


def _swapped(swap: dict[str, str], m: re.Match[str]) -> str:
    return swap[m.group()]


def make_articles(count: int, seed: int) -> list[tuple[str, date]]:
    rng = random.Random(seed)
    paragraphs: list[str] = []
    surnames: set[str] = set()
    for txt in sorted(DATA.glob("[0-9][0-9][0-9]_*.txt")):
        body = txt.read_text(encoding="utf-8").lstrip().partition("\n\n")[2]
        for para in body.split("\n\n"):
            if para.strip():
                paragraphs.append(para.strip())
                surnames.update(m.group(2) for m in NAME_RE.finditer(para))
    pool = sorted(surnames)
    articles = []
    for _ in range(count):
        chosen = rng.sample(paragraphs, rng.randint(8, 20))
        swap = {old: rng.choice(pool) for old in rng.sample(pool, 5)}
        words = re.compile(r"\b(?:" + "|".join(map(re.escape, swap)) + r")\b")
        body = words.sub(partial(_swapped, swap), "\n\n".join(chosen))
        published = date(2020, 1, 1) + timedelta(days=rng.randrange(8 * 365))
        articles.append((body, published))
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; the best is reported")
    args = parser.parse_args()
    articles = make_articles(args.count, args.seed)
    chars = sum(len(b) for b, _ in articles)
    print(f"{len(articles)} articles, {chars / len(articles):,.0f} characters on average")
    rates = []
    found = 0
    for _ in range(args.repeat):
        # CPU time of this process is what one core delivers; wall time also counts the
        # other jobs sharing the machine, so both are printed.
        wall, cpu = time.perf_counter(), time.process_time()
        found = sum(len(suggest_claims(body, published)) for body, published in articles)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        rates.append(len(articles) / cpu)
        print(
            f"  cpu {cpu:6.2f} s = {len(articles) / cpu:,.0f} articles/s, "
            f"wall {wall:6.2f} s = {len(articles) / wall:,.0f} articles/s ({found} suggestions)"
        )
    print(
        f"per core (cpu time): best {max(rates):,.0f}, median {statistics.median(rates):,.0f} articles/s"
    )


if __name__ == "__main__":
    main()
