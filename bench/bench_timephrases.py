"""Time claims.timephrases.resolve_time_phrase and find_time_phrases; dateparser for contrast.

    python bench/bench_timephrases.py [--seconds 2] [--no-dateparser]
    python bench/bench_timephrases.py --eval [--show]

The finder is timed over news sentences: those below, written for this benchmark, plus
the sentences of the intake evaluation set (tests/data/intake/). --eval instead checks
the finder against the hand labels of that set: for each labelled claim, is its time
phrase found in the quote (span as labelled) and is its window the labelled one? Figures
for articles 001-032 (the dev half, rules tuned on it) and 033-064 (held out) apart.

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

from claims.timephrases import find_time_phrases, resolve_time_phrase  # noqa: E402

INTAKE_DIR = REPO_ROOT / "tests" / "data" / "intake"

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


# News sentences for the finder, written for this benchmark (none from a publication).
SENTENCES = [
    "Trump said on Thursday that the meeting would likely take place sometime during the next two weeks.",
    "The council will vote on the budget next Tuesday, the mayor's office said in a statement.",
    "Shares fell 3% on Monday after the company said it would miss its targets for the third quarter.",
    "Negotiators hope to reach a deal by the end of the month, though officials cautioned it could slip.",
    "The minister, who spoke to reporters in Brussels, declined to give a timetable.",
    "Construction of the bridge is due to start in spring 2026 and finish by the end of 2028.",
    "Last week the board approved a plan to restore Sunday opening at three branch libraries.",
    '"We will have an answer within 48 hours," a spokeswoman said late on Wednesday.',
    "The union said earlier this week that members would strike for three days from Oct. 27.",
    "Police said the road would remain closed until at least Friday morning.",
    "The central bank is expected to cut rates at its meeting on Dec. 10, analysts said.",
    "Voters go to the polls on 2 November, and results are expected the following day.",
    "The club confirmed the striker would be out for six weeks with a knee injury.",
    "Scientists said the probe would reach the asteroid in mid-2027 and return samples in 2030.",
    "The home side won 2-1 and about 3/4 of the crowd stayed for the ceremony.",
    "A spokesman said the company had no plans to change its dividend policy.",
    "The hearing, adjourned until the 24th, will resume after the holiday weekend.",
    "Officials said the new timetable takes effect on Sunday, 2 Nov., with trains every 10 minutes.",
    "She promised to publish the report before Christmas and to answer questions in the new year.",
    "The ceasefire, agreed two weeks ago, has largely held, monitors said on Tuesday.",
]


def intake_sentences() -> list[str]:
    """The bodies of the intake evaluation set, split at full stops: realistic news text."""
    sentences: list[str] = []
    for path in sorted(INTAKE_DIR.glob("*.txt")):
        body = path.read_text(encoding="utf-8").split("\n", 2)[-1]
        for paragraph in body.split("\n\n"):
            sentences.extend(s.strip() + "." for s in paragraph.split(". ") if s.strip())
    return sentences


def evaluate(show: bool) -> int:
    """The finder against the hand labels of tests/data/intake (time phrase and window)."""
    import yaml

    halves: dict[str, dict[str, int]] = {}
    for path in sorted(INTAKE_DIR.glob("*.yaml")):
        number = int(path.name[:3])
        half = "dev 001-032" if number <= 32 else "held out 033-064"
        counts = halves.setdefault(
            half,
            dict.fromkeys(
                ("claims", "labelled", "found", "exact", "window", "unlabelled", "extra")
                + ("p_found", "p_exact", "p_window"),
                0,
            ),
        )
        labels = yaml.safe_load(path.read_text(encoding="utf-8"))
        body = path.with_suffix(".txt").read_text(encoding="utf-8").split("\n", 2)[-1]
        paragraphs = body.split("\n\n")
        for claim in labels.get("claims") or []:
            counts["claims"] += 1
            quote, phrase = claim["quote"], claim.get("time_phrase")
            reference = claim["reference"]
            phrases = find_time_phrases(quote, reference)
            if phrase is None or phrase not in quote:
                counts["unlabelled"] += 1
                counts["extra"] += bool(phrases)
                if show and phrases:
                    print(f"{path.name[:3]} extra     {[p.text for p in phrases]} in {quote!r}")
                continue
            counts["labelled"] += 1
            start = quote.index(phrase)
            end = start + len(phrase)
            hits = [p for p in phrases if p.start < end and start < p.end]
            expected = (
                claim["due_date"],
                claim["earliest_date"],
                claim["precision"],
                bool(claim["vague"]),
            )
            # The same phrase found in the whole paragraph, as the suggestions read it.
            paragraph = next((p for p in paragraphs if quote in p), None)
            if paragraph is not None:
                p_start = paragraph.index(quote) + start
                p_end = p_start + len(phrase)
                p_hits = [
                    p
                    for p in find_time_phrases(paragraph, reference)
                    if p.start < p_end and p_start < p.end
                ]
                if p_hits:
                    counts["p_found"] += 1
                    counts["p_exact"] += (p_hits[0].start, p_hits[0].end) == (p_start, p_end)
                    pw = p_hits[0].window
                    counts["p_window"] += (
                        pw.due_date,
                        pw.earliest_date,
                        pw.precision,
                        pw.vague,
                    ) == expected
                elif show:
                    print(f"{path.name[:3]} paragraph {phrase!r} not found")
            if not hits:
                if show:
                    print(f"{path.name[:3]} missed    {phrase!r} in {quote!r}")
                continue
            counts["found"] += 1
            hit = hits[0]
            counts["exact"] += (hit.start, hit.end) == (start, end)
            w = hit.window
            got = (w.due_date, w.earliest_date, w.precision, w.vague)
            counts["window"] += got == expected
            if show and ((hit.start, hit.end) != (start, end) or got != expected):
                print(
                    f"{path.name[:3]} differs   {phrase!r} -> {hit.text!r} {got} expected {expected}"
                )
    for half, c in halves.items():
        n = c["labelled"] or 1
        print(
            f"{half}: {c['claims']} claims, {c['labelled']} with a time phrase in the quote: "
            f"found {c['found']} ({c['found'] / n:.0%}), span exact {c['exact']} "
            f"({c['exact'] / n:.0%}), window exactly right {c['window']} ({c['window'] / n:.0%}); "
            f"{c['unlabelled']} quotes without a labelled phrase, the finder found one in "
            f"{c['extra']} (past phrases included). In the whole paragraph: found "
            f"{c['p_found']}, span exact {c['p_exact']}, window exactly right {c['p_window']}"
        )
    return 0


def rate(
    function: Callable[[str], object], phrases: list[str], seconds: float
) -> tuple[float, float, float]:
    """(mean, best, per CPU-second) items per second, passing over the list for `seconds`.

    The best pass is the one least disturbed by other processes (as timeit reports); the
    rate per CPU-second counts only the time this process ran, which is what one core
    gives when the machine is shared (other processes make the wall-clock mean lower).
    """
    done = 0
    best = 0.0
    started = time.perf_counter()
    cpu_started = time.process_time()
    elapsed = 0.0
    while elapsed < seconds:
        round_started = time.perf_counter()
        for phrase in phrases:
            function(phrase)
        best = max(best, len(phrases) / (time.perf_counter() - round_started))
        done += len(phrases)
        elapsed = time.perf_counter() - started
    return done / elapsed, best, done / max(time.process_time() - cpu_started, 1e-9)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=2.0, help="time per measurement (default 2)"
    )
    parser.add_argument("--eval", action="store_true", help="check the finder on the labels")
    parser.add_argument("--show", action="store_true", help="with --eval: print each miss")
    parser.add_argument("--no-dateparser", action="store_true", help="skip dateparser")
    args = parser.parse_args()
    if args.eval:
        return evaluate(args.show)

    ours_understood = sum(resolve_time_phrase(p, REFERENCE).recognised for p in PHRASES)
    ours, ours_best, ours_cpu = rate(
        lambda p: resolve_time_phrase(p, REFERENCE), PHRASES, args.seconds
    )
    print(
        f"resolve_time_phrase: {ours:,.0f} phrases/s (best pass {ours_best:,.0f}, "
        f"{ours_cpu:,.0f} per CPU-second) "
        f"over {len(PHRASES)} phrases; understood {ours_understood}/{len(PHRASES)}"
    )

    sentences = SENTENCES + intake_sentences()
    phrases_found = sum(len(find_time_phrases(s, REFERENCE)) for s in sentences)
    finder, finder_best, finder_cpu = rate(
        lambda s: find_time_phrases(s, REFERENCE), sentences, args.seconds
    )
    chars = sum(map(len, sentences)) / len(sentences)
    print(
        f"find_time_phrases: {finder:,.0f} sentences/s (best pass {finder_best:,.0f}, "
        f"{finder_cpu:,.0f} per CPU-second) over "
        f"{len(sentences)} news sentences (mean {chars:.0f} characters), "
        f"{phrases_found} time phrases found"
    )
    summary = (
        f"SUMMARY resolve_time_phrase {ours:,.0f} phrases/s; find_time_phrases {finder:,.0f} "
        "sentences/s"
    )

    try:
        if args.no_dateparser:
            raise ImportError
        import dateparser
    except ImportError:
        print("dateparser: skipped")
        print(summary)
        return 0

    settings = {"RELATIVE_BASE": datetime(REFERENCE.year, REFERENCE.month, REFERENCE.day)}

    def parse(phrase: str) -> datetime | None:
        return dateparser.parse(phrase, settings=settings)

    dateparser_understood = sum(parse(p) is not None for p in PHRASES)  # also the warm-up
    theirs, theirs_best, _ = rate(parse, PHRASES, args.seconds)
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
    english, english_best, _ = rate(parse_english, PHRASES, args.seconds)
    print(
        f"dateparser.parse(languages=['en']): {english:,.0f} phrases/s "
        f"(best pass {english_best:,.0f})"
    )
    print(
        f"{summary}; dateparser.parse "
        f"{theirs:,.0f} phrases/s ({english:,.0f} with languages=['en']): "
        f"{ours / theirs:,.0f}x ({ours / english:,.0f}x) faster"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
