"""Evaluate claims.suggestions.suggest_claims over the hand-labelled intake set.

    .venv/bin/python bench/eval_suggestions.py            # figures for dev, held-out, all
    .venv/bin/python bench/eval_suggestions.py --show     # plus misses and false hits per article
    .venv/bin/python bench/eval_suggestions.py --show --only 001-032

Counting (tests/data/intake/README.md has the label format):
* A label's span is found by looking its quote up in the body (the text after the date
  line and the blank line); a suggestion counts as a hit when its span overlaps a labelled
  claim's span. Precision = suggestions that overlap a labelled claim / all suggestions;
  recall = labelled claims overlapped by at least one suggestion / all labelled claims.
* For a found claim, its suggestion is the overlapping one with the largest overlap.
* Claimant: over found claims. Names compare case-insensitively. The suggestion's claimant
  counts as right when it equals the label's full name, or equals its last word (the last
  name) provided the full name appears in the article: a reader can then tell who it is.
  A null label (the reporter's own claim) is right only when the suggestion has no claimant.
* Window: over found claims, right when due_date and earliest_date are both exactly equal.
* Type (with --types, no target): over found claims, claim_type equal to the label's type.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims.suggestions import Suggestion, suggest_claims  # noqa: E402

DATA = ROOT / "tests" / "data" / "intake"
DEV = range(1, 33)
HELD_OUT = range(33, 65)


@dataclass
class Tally:
    suggestions: int = 0
    true_hits: int = 0
    labels: int = 0
    found: int = 0
    claimant_right: int = 0
    window_right: int = 0
    type_right: int = 0

    def add(self, other: Tally) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def line(self, title: str, show_type: bool = False) -> str:
        def pct(a: int, b: int) -> str:
            return f"{100 * a / b:5.1f}% ({a}/{b})" if b else "   n/a"

        return (
            f"{title:<22} precision {pct(self.true_hits, self.suggestions)}  "
            f"recall {pct(self.found, self.labels)}  "
            f"claimant {pct(self.claimant_right, self.found)}  "
            f"window {pct(self.window_right, self.found)}"
            + (f"  type {pct(self.type_right, self.found)}" if show_type else "")
        )


@dataclass
class Article:
    number: int
    name: str
    body: str
    published: date
    labels: list[dict[str, object]] = field(default_factory=list)


def read_article(txt: Path) -> Article:
    raw = txt.read_text(encoding="utf-8")
    head, _, body = raw.lstrip().partition("\n\n")
    published = date.fromisoformat(head.split()[1])
    meta = yaml.safe_load(txt.with_suffix(".yaml").read_text(encoding="utf-8"))
    return Article(int(txt.name[:3]), txt.stem, body, published, list(meta.get("claims") or []))


def _norm(name: object) -> str:
    return " ".join(str(name).lower().split()) if name else ""


def claimant_right(got: str | None, want: object, body: str) -> bool:
    if not want:
        return got is None
    if got is None:
        return False
    g, w = _norm(got), _norm(want)
    if g == w:
        return True
    return g == w.split()[-1] and w in _norm(body)


def label_span(body: str, quote: str) -> tuple[int, int]:
    start = body.find(quote)
    if start < 0:
        raise SystemExit(f"label quote not in body: {quote!r}")
    return start, start + len(quote)


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def evaluate(article: Article, show: bool) -> Tally:
    t = Tally()
    sugs: list[Suggestion] = suggest_claims(article.body, article.published)
    spans = [label_span(article.body, str(lab["quote"])) for lab in article.labels]
    t.suggestions = len(sugs)
    t.labels = len(spans)
    lines: list[str] = []
    for s in sugs:
        if any(overlap((s.quote_start, s.quote_end), sp) for sp in spans):
            t.true_hits += 1
        else:
            lines.append(
                f"  false hit: {article.body[s.quote_start : s.quote_end]!r} ({s.claimant})"
            )
    for lab, sp in zip(article.labels, spans, strict=True):
        best = max(sugs, key=lambda s: overlap((s.quote_start, s.quote_end), sp), default=None)
        if best is None or not overlap((best.quote_start, best.quote_end), sp):
            lines.append(f"  miss: {lab['quote']!r}")
            continue
        t.found += 1
        if claimant_right(best.claimant, lab.get("claimant"), article.body):
            t.claimant_right += 1
        else:
            lines.append(
                f"  claimant: got {best.claimant!r}, want {lab.get('claimant')!r}: {lab['quote']!r}"
            )
        if best.claim_type == lab.get("type"):
            t.type_right += 1
        due, earliest = lab.get("due_date"), lab.get("earliest_date")
        if best.due_date == due and best.earliest_date == earliest:
            t.window_right += 1
        else:
            lines.append(
                f"  window: got {best.earliest_date}..{best.due_date} ({best.time_phrase!r} "
                f"from {best.reference_date}), want {earliest}..{due} "
                f"({lab.get('time_phrase')!r} from {lab.get('reference')})"
            )
    if show and lines:
        print(f"{article.name}")
        print("\n".join(lines))
    return t


def parse_range(text: str) -> range:
    a, _, b = text.partition("-")
    return range(int(a), int(b or a) + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--show", action="store_true", help="list misses and false hits per article"
    )
    parser.add_argument("--only", type=parse_range, help="articles to show, e.g. 001-032")
    parser.add_argument("--types", action="store_true", help="also print claim-type accuracy")
    args = parser.parse_args()
    dev, held, everything = Tally(), Tally(), Tally()
    for txt in sorted(DATA.glob("[0-9][0-9][0-9]_*.txt")):
        article = read_article(txt)
        show = args.show and (args.only is None or article.number in args.only)
        t = evaluate(article, show)
        (dev if article.number in DEV else held).add(t)
        everything.add(t)
    print(dev.line("dev (001-032)", args.types))
    print(held.line("held out (033-064)", args.types))
    print(everything.line("all", args.types))


if __name__ == "__main__":
    main()
