"""Time claims.timephrases.resolve_time_phrase, and dateparser on the same phrases.

    python bench/bench_timephrases.py [--seconds 2]

Resolves ~100 realistic time phrases from news articles over and over for about
--seconds and prints phrases per second. If dateparser is importable (it comes with
trafilatura), times dateparser.parse on the same phrases with RELATIVE_BASE set to the
same reference date, after one warm-up pass (its first call loads language data), then
again with languages=["en"], and counts how many phrases each one understood.
No database, no Django.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from claims.timephrases import resolve_time_phrase  # noqa: E402

REFERENCE = date(2025, 10, 17)

PHRASES = [
    "today",
    "tomorrow",
    "later today",
    "on Friday",
    "Friday",
    "next Tuesday",
    "by Monday",
    "last Friday",
    "this week",
    "next week",
    "sometime next week",
    "early next week",
    "later this week",
    "by the end of the week",
    "by the end of next week",
    "by the weekend",
    "this weekend",
    "the week after next",
    "this month",
    "next month",
    "later this month",
    "by the end of the month",
    "this year",
    "next year",
    "later this year",
    "by the end of the year",
    "by year-end",
    "early next year",
    "within the next two weeks",
    "within two weeks",
    "in the next 10 days",
    "the meeting would likely take place sometime during the next two weeks",
    "over the next 30 days",
    "within 48 hours",
    "within a month",
    "within six months",
    "within a year",
    "within a few weeks",
    "within a couple of weeks",
    "within twenty-one days",
    "within 10 business days",
    "in two weeks",
    "in two weeks’ time",
    "two weeks from now",
    "a week from today",
    "in 3 days",
    "in a month",
    "a year from now",
    "in the coming days",
    "in the coming weeks",
    "in the coming months",
    "in the weeks ahead",
    "within days",
    "by May",
    "by March",
    "by the end of May",
    "by May 2026",
    "in May",
    "in October",
    "early May",
    "mid-May",
    "late June",
    "before Christmas",
    "by Christmas",
    "by New Year's Day",
    "by Thanksgiving",
    "this summer",
    "by summer",
    "next spring",
    "this winter",
    "by Q3",
    "in Q3 2026",
    "in the third quarter",
    "by the end of the quarter",
    "next quarter",
    "in the first half of 2026",
    "H1 2026",
    "October 31",
    "Oct. 31",
    "31 October 2025",
    "October 31, 2025",
    "on the 31st",
    "2025-10-31",
    "10/31/2025",
    "by October 31",
    "by Friday, October 24",
    "in 2026",
    "by 2026",
    "by the end of 2026",
    "mid-2026",
    "by the end of the decade",
    "soon",
    "shortly",
    "in the near future",
    "eventually",
    "at some point",
    "in due course",
    "before long",
    "Mr. Trump says he will meet Mr. Putin in Budapest in the near future",
    "xyzzy",
]


def rate(
    function: Callable[[str], object], phrases: list[str], seconds: float
) -> tuple[float, float]:
    """(mean, best) phrases per second, passing over the list until `seconds` have passed.

    The best pass is the one least disturbed by other processes (as timeit reports).
    """
    done = 0
    best = 0.0
    started = time.perf_counter()
    elapsed = 0.0
    while elapsed < seconds:
        round_started = time.perf_counter()
        for phrase in phrases:
            function(phrase)
        best = max(best, len(phrases) / (time.perf_counter() - round_started))
        done += len(phrases)
        elapsed = time.perf_counter() - started
    return done / elapsed, best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=2.0, help="time per measurement (default 2)"
    )
    args = parser.parse_args()

    ours_understood = sum(resolve_time_phrase(p, REFERENCE).recognised for p in PHRASES)
    ours, ours_best = rate(lambda p: resolve_time_phrase(p, REFERENCE), PHRASES, args.seconds)
    print(
        f"resolve_time_phrase: {ours:,.0f} phrases/s (best pass {ours_best:,.0f}) "
        f"over {len(PHRASES)} phrases; understood {ours_understood}/{len(PHRASES)}"
    )

    try:
        import dateparser
    except ImportError:
        print("dateparser: not installed, skipped")
        print(f"SUMMARY resolve_time_phrase {ours:,.0f} phrases/s; dateparser not measured")
        return 0

    settings = {"RELATIVE_BASE": datetime(REFERENCE.year, REFERENCE.month, REFERENCE.day)}

    def parse(phrase: str) -> datetime | None:
        return dateparser.parse(phrase, settings=settings)

    dateparser_understood = sum(parse(p) is not None for p in PHRASES)  # also the warm-up
    theirs, theirs_best = rate(parse, PHRASES, args.seconds)
    print(
        f"dateparser.parse:    {theirs:,.0f} phrases/s (best pass {theirs_best:,.0f}) "
        f"over the same phrases; "
        f"returned a date for {dateparser_understood}/{len(PHRASES)} "
        f"(a single datetime: no window, no deadline, no vagueness)"
    )

    # Its language detection is much of the cost; told the language, it is faster.
    def parse_english(phrase: str) -> datetime | None:
        return dateparser.parse(phrase, settings=settings, languages=["en"])

    parse_english(PHRASES[0])
    english, english_best = rate(parse_english, PHRASES, args.seconds)
    print(
        f"dateparser.parse(languages=['en']): {english:,.0f} phrases/s "
        f"(best pass {english_best:,.0f})"
    )
    print(
        f"SUMMARY resolve_time_phrase {ours:,.0f} phrases/s vs dateparser.parse "
        f"{theirs:,.0f} phrases/s ({english:,.0f} with languages=['en']): "
        f"{ours / theirs:,.0f}x ({ours / english:,.0f}x) faster"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
