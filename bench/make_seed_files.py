"""Write N seed-format article files for the import benchmark.

    python bench/make_seed_files.py FOLDER [--count 10000] [--seed 17]

Each file is ``bench-NNNNN.txt``: a line ``date YYYY-MM-DD <dek>``, a blank line, then a body
of 2-5 KB in paragraphs, made from word lists with a fixed random seed, so every run writes
the same files. Dates are distinct (one day apart from 1990-01-01) and so is every body.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

PREFIX = "bench-"
FIRST_DATE = dt.date(1990, 1, 1)

SPEAKERS = [
    "The prime minister",
    "The finance minister",
    "President Álvarez",
    "The mayor",
    "A spokeswoman for the ministry",
    "The chief executive",
    "Senator Okafor",
    "The central bank governor",
    "The health secretary",
    "Union leaders",
    "The opposition leader",
    "Officials in Brussels",
    "The city council",
    "The transport authority",
    "Ms. Lindqvist",
    "Mr. Nakamura",
]
VERBS = [
    "said",
    "promised",
    "told reporters",
    "announced",
    "insisted",
    "wrote on social media",
    "predicted",
    "warned",
    "confirmed",
    "suggested",
]
OUTCOMES = [
    "the new bridge will open to traffic",
    "inflation will fall below three percent",
    "the talks will resume",
    "the factory will hire 2,000 workers",
    "the law will be passed",
    "the strike will end",
    "the two leaders will meet in Geneva",
    "the budget will be balanced",
    "the railway line will reopen",
    "the vaccine will be available to everyone",
    "interest rates will be cut",
    "the merger will be completed",
    "the report will be published",
    "the troops will be withdrawn",
    "the stadium will be finished",
    "a ceasefire will take hold",
]
TIME_PHRASES = [
    "within two weeks",
    "by the end of the year",
    "next month",
    "before the summer",
    "in the first quarter",
    "by Friday",
    "sometime next week",
    "within 100 days",
    "before the election",
    "by 2030",
    "in the coming months",
    "later this year",
]
CONTEXT = [
    "The announcement came after weeks of negotiations that had repeatedly stalled.",
    "Critics pointed out that a similar pledge made last year was never kept.",
    "Analysts were divided over whether the timetable was realistic.",
    "The plan still needs the approval of parliament, where the government lacks a majority.",
    "Residents who attended the meeting said they had heard such promises before.",
    "Markets reacted calmly, with the main index closing slightly higher.",
    "No details were given about how the project would be financed.",
    "A previous deadline, set in the spring, passed without comment from the ministry.",
    "The statement followed a phone call between the two governments on Thursday.",
    "Several experts told the newspaper that delays were likely.",
    "Opposition parties called the pledge “an election stunt” and demanded a vote.",
    "Officials declined to say what would happen if the target was missed.",
    "The company’s shares rose four percent in early trading.",
    "Environmental groups said they would challenge the decision in court.",
    "It was the third time this year that the date had been moved.",
    "Diplomats said the venue had not yet been agreed.",
]
NOUNS = [
    "budget",
    "harbour",
    "pension reform",
    "hospital",
    "tariff",
    "election",
    "summit",
    "pipeline",
    "housing plan",
    "tram line",
    "school",
    "treaty",
    "airport",
    "wind farm",
    "ceasefire",
    "inquiry",
]
PLACES = [
    "Lisbon",
    "Nairobi",
    "Ottawa",
    "Kraków",
    "Osaka",
    "Valparaíso",
    "Leeds",
    "Chennai",
    "Brisbane",
    "Tbilisi",
    "Montréal",
    "Accra",
]


def sentence(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.45:
        return (
            f"{rng.choice(SPEAKERS)} {rng.choice(VERBS)} that {rng.choice(OUTCOMES)} "
            f"{rng.choice(TIME_PHRASES)}."
        )
    if kind < 0.7:
        return rng.choice(CONTEXT)
    if kind < 0.85:
        return (
            f"“We expect {rng.choice(OUTCOMES).replace(' will ', ' to ', 1)} "
            f"{rng.choice(TIME_PHRASES)},” {rng.choice(SPEAKERS).lower()} {rng.choice(VERBS)}."
        )
    return (
        f"In {rng.choice(PLACES)}, the {rng.choice(NOUNS)} has cost "
        f"{rng.randint(2, 950)} million so far, according to figures published on "
        f"{rng.choice(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'])}."
    )


def article(number: int, rng: random.Random) -> str:
    published = FIRST_DATE + dt.timedelta(days=number)
    dek = f"{rng.choice(SPEAKERS)} {rng.choice(VERBS)} that {rng.choice(OUTCOMES)} {rng.choice(TIME_PHRASES)}."
    target = rng.randint(2000, 5000)
    paragraphs: list[str] = []
    size = 0
    while size < target:
        paragraph = " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
        paragraphs.append(paragraph)
        size += len(paragraph.encode()) + 2
    # The number makes every body distinct even if the word lists ever repeat one.
    paragraphs.append(f"Report number {number} from the {rng.choice(PLACES)} desk.")
    return f"date {published.isoformat()} {dek}\n\n" + "\n\n".join(paragraphs) + "\n"


def make_seed_files(folder: Path, *, count: int = 10_000, seed: int = 17) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for number in range(count):
        path = folder / f"{PREFIX}{number:05d}.txt"
        path.write_text(article(number, rng), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=17, help="random seed (default 17)")
    args = parser.parse_args()
    paths = make_seed_files(args.folder, count=args.count, seed=args.seed)
    size = sum(path.stat().st_size for path in paths)
    print(f"Wrote {len(paths)} files, {size / 2**20:.1f} MB, to {args.folder}")


if __name__ == "__main__":
    main()
