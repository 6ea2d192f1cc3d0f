"""Resolve an English time phrase from a news article into a predicted window.

``resolve_time_phrase("within the next two weeks", date(2025, 10, 17))`` gives
``Window(due_date=2025-10-31, earliest_date=2025-10-17, precision="week", ...)``.
The reference date is the article's published date; every relative phrase is
read from it.

Conventions
-----------
* Weeks run Monday to Sunday. "this week" is the rest of the current week;
  "next week" is the whole Monday-Sunday week after it.
* A bare weekday ("Friday", "on Friday", "this Friday") is the next one on or
  after the reference date, so "Friday" in a Friday article is that day.
  "next Tuesday" is the Tuesday of next week; "last Friday" is the most recent
  Friday strictly before the reference date.
* A deadline gives the LAST day it allows as ``due_date``: "within two weeks"
  of Fri 17 Oct is Fri 31 Oct, "by May" is 31 May, "by Q3" is 30 Sep.
  "before X" is the day before X starts ("before Christmas" is 24 Dec).
  ``earliest_date`` is set only where the phrase has a window start ("next
  week" starts on Monday, "within two weeks" starts on the reference date, a
  single named day starts and ends on that day); a pure deadline ("by May") has
  none. ``earliest_date`` is never after ``due_date``.
* "in two weeks" / "two weeks from now" is a point in time: ``due_date`` is
  that day; counted in days it is also ``earliest_date``, counted in weeks or
  longer there is none. Hours round up to whole days ("within 24 hours" of
  17 Oct is 18 Oct): the time of day is unknown.
* A month, season, quarter or day-of-month without a year is the next one
  that has not yet ended ("by March" in October 2025 is March 2026; "in
  October" in October is the rest of this October).
* "by <period>" is the end of that period: "by 2026" is 31 Dec 2026, the
  reading a fact-checker uses before calling a "by 2026" promise broken (the
  stricter "by 1 Jan 2026" is "before 2026"). Seasons are the exception:
  "by summer" means "by the time summer has arrived", taken as the end of the
  season's first month (30 Jun); "by the end of summer" is 31 Aug.
* Seasons are northern-hemisphere meteorological: spring Mar-May, summer
  Jun-Aug, autumn/fall Sep-Nov, winter Dec-Feb. "winter 2026" is the winter
  that starts in December 2026. "this summer" is the current summer, or next
  year's once it is over; "next summer" is the first one that starts after
  the reference date.
* Halves ("H1 2026", "the first half of 2026") use precision "quarter": they
  end on a quarter end, and no coarser choice short of "year" exists.
* early / mid / late split a month into the 1st-10th, 11th-20th and 21st-end,
  a longer period into thirds of its months ("early 2026" is Jan-Apr), and a
  week into Mon-Wed, Wed-Thu and Thu-Sun.
* Vague phrases: "soon", "eventually", "in the near future"... are recognised
  but give no date (``vague=True``, ``due_date=None``). Vague windows give an
  approximate date with ``vague=True``: "in the coming days" is 7 days,
  "coming weeks" 28 days, "coming months" 90 days, "coming years" 3 years;
  "a few" counts as 3 and "several" as 5.
* ``precision`` is the granularity at which ``due_date`` should be shown: a
  season ends on a month end, so it is "month"; a half ends on a quarter end.
* Numeric dates are US month/day/year ("10/31/2025"), except that a first
  number above 12 can only be a day ("31/10/2025"). Impossible dates
  ("February 30") are not recognised. Dotted dates are European, day first
  ("31.10.2025"). A month/day without a year ("2/15") is a date only after a
  day preposition ("on 2/15", "by 2/15") or as the whole phrase: in running
  text it is as often a fraction or a score ("3/4 of voters").
* Abbreviations: "Thu", "Thurs.", "Tue", "Sept.", "Oct."... "Sat", "Sun",
  "Wed" and "Mon" are also English words ("he sat"), so they are weekdays
  only after a preposition ("on Sat"), with their dot ("Sat."), or alone.
* Ordinal days: "the 24th" is this month's 24th if still to come, else the next
  month's; bare (without "on", "by"...) only when nothing but punctuation or a
  small word ("at", "and", "when"...) follows ("the 24th president" is not a
  date). "first of March", "the twenty-first of October" are days too.
* "Friday the 13th" is the nearest 13th that falls on a Friday. A year after
  "the" and before a noun is a name, not a date ("the 2030 plan").
* "three Fridays from now" is the third Friday strictly after the reference.
  "Wednesday of next week" is "Wednesday next week".
* A time of day next to a day ("by 5 p.m. Friday", "at noon tomorrow") is part
  of the expression; windows stay whole days.
* "for a month" (a duration from now) is read as "within a month", when a
  marker of the future comes before it in the sentence ("will be honoured for
  a month"); else it measures the past ("we have waited for eight months") and
  is no date. A phrase alone ("for a month") is read as a window.
* A phrase tied to an event whose date the text does not give ("before the next
  election", "by the summer recess", "ahead of the vote") is recognised, vague
  and without a date.
* "since Monday", "since the 3rd" look back: the most recent such day on or
  before the reference.
* A weekday is not a date before a noun it describes ("Sunday opening",
  "Saturday trading", "the Sunday Times"), in a recurrence ("every Friday")
  or in a named day ("Good Friday", "Super Tuesday").

Finding phrases in running text (``find_time_phrases``)
-------------------------------------------------------
* The finder runs the same rule table over a whole sentence or paragraph and
  returns every expression, in order and without overlaps. Where two readings
  overlap the longer match wins (before the words in front are added: "through
  Nov. 2" is a day, not "through Nov." a month), then the wider span, then the
  more specific (earlier) rule.
* "through Friday", "up to Friday" are deadlines, like "by Friday".
* A span covers the expression's leading words: "by the end of next month",
  "within the next two weeks", "sometime during the next two weeks", "no later
  than Friday", "on Friday morning". It leaves out "for" and, before a single
  day, "in": those belong to the verb or the noun ("scheduled for Thursday",
  "in Tuesday's vote"). A sentence's full stop is left out; an abbreviation
  keeps its dot ("Oct.", "Thu.", "a.m.").
* ``past`` is True when the window ends before the reference, or ends on it
  while looking back ("earlier this week", "over the past month",
  "earlier today").
* ``backwards=True`` reads a day that has no direction of its own (bare or
  "on" weekdays, month-days without a year, "the 14th", "2/15") as the most
  recent one on or before the reference, and a month or season without one
  ("in August", "over the summer") as the most recent that has begun: the day a statement was made, in a
  report published later ("Trump said on Thursday..." in a Friday article is
  the day before). "next Tuesday", "by Friday", "yesterday" keep their
  reading.
* Edited copy capitalises months and weekdays, so in text that has both cases a
  month or weekday written in lower case is not one ("protesters will march",
  "talks may fail"); all-lower-case text is read as written.
* "the following day", "the next day", "a day later" count from the single day
  named last before them in the same text; with none, they are not a date.
* Spans are offsets into the text given, whatever its spacing, line breaks or
  curly quotes.

Why hand-written rather than ``dateparser``
------------------------------------------
``dateparser`` (installed as a dependency of trafilatura) answers a different
question: it turns a string into ONE datetime. It has no notion of a window
("next week" comes back as the single day 24 Oct, not Mon 20-Sun 26 Oct), of
the last day a deadline allows ("within the next two weeks" and "by the end of
May" come back as None), or of vagueness ("soon" is None, indistinguishable
from garbage), and it is not built for phrases inside a sentence: of the 100
phrases in ``bench/bench_timephrases.py`` it returned a date for 37. It is
also slow. On a busy 2-core machine that benchmark measured ``dateparser.parse``
at 40-65 phrases/s (about 1,000 with ``languages=["en"]``), and this module at
24,000-27,000 phrases/s wall-clock under load, 54,000-68,000 per CPU-second (see
bench/README.md, "Time phrases").

This module is a list of regular expressions, compiled once at import, tried
most specific first; each hands its match to a small handler that does the
calendar arithmetic. Words in front of a date or period ("by", "before",
"by the end of", "early") are looked up in a dict from the words just before
the match rather than matched by the regexes, and a rule is only tried when
one of its trigger words is in the phrase: both for speed.

It never raises on any string: anything it cannot read, including dates that
would fall outside ``datetime.date``'s range, comes back with
``recognised=False``.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

__all__ = [
    "DAY",
    "MONTH",
    "QUARTER",
    "WEEK",
    "YEAR",
    "FoundPhrase",
    "Window",
    "find_time_phrases",
    "resolve_time_phrase",
]

# The values of claims.models.Precision (kept as plain strings: no Django import here).
DAY = "day"
WEEK = "week"
MONTH = "month"
QUARTER = "quarter"
YEAR = "year"

# Longer input is cut: a time phrase, even with its sentence around it, is far shorter.
MAX_PHRASE_CHARS = 2000


@dataclass(frozen=True)
class Window:
    """When a time phrase says something should happen."""

    due_date: date | None  # latest date the phrase allows (None: vague or unrecognised)
    earliest_date: date | None  # start of the window, where the phrase has one
    precision: str | None  # "day" | "week" | "month" | "quarter" | "year" | None
    vague: bool  # the phrase gives no firm date
    recognised: bool  # False when nothing in the phrase was understood
    description: str  # human words, e.g. "by Fri 31 Oct 2025 (within two weeks of 17 Oct)"


# --------------------------------------------------------------------------------------
# Calendar helpers and formatting (own name tables: no locale dependence)
# --------------------------------------------------------------------------------------

_WEEKDAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_ONE_DAY = timedelta(days=1)


def _fmt_day(d: date) -> str:
    """Fri 31 Oct 2025"""
    return f"{_WEEKDAY_ABBR[d.weekday()]} {d.day} {_MONTH_ABBR[d.month - 1]} {d.year}"


def _fmt_short(d: date) -> str:
    """31 Oct"""
    return f"{d.day} {_MONTH_ABBR[d.month - 1]}"


def _fmt_range(a: date, b: date) -> str:
    """20–26 Oct, 27 Oct–2 Nov, or 29 Dec 2025–4 Jan 2026."""
    if a == b:
        return _fmt_short(a)
    if a.year != b.year:
        return f"{_fmt_short(a)} {a.year}–{_fmt_short(b)} {b.year}"
    if a.month != b.month:
        return f"{_fmt_short(a)}–{_fmt_short(b)}"
    return f"{a.day}–{b.day} {_MONTH_ABBR[b.month - 1]}"


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"“{text}”"


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - _ONE_DAY


def _add_months(d: date, months: int) -> date:
    """Calendar months, clamped to the month end (31 Jan + 1 month = 28/29 Feb)."""
    index = d.year * 12 + d.month - 1 + months
    year, month0 = divmod(index, 12)
    return min(date(year, month0 + 1, 1) + timedelta(days=d.day - 1), _month_end(year, month0 + 1))


def _add_business_days(d: date, n: int) -> date:
    """n Monday-Friday days after d (before it if n < 0); weekends do not count."""
    if n == 0:
        return d
    step = 1 if n > 0 else -1
    # Step back to the nearest weekday in the direction we come from, then add whole weeks.
    while d.weekday() >= 5:
        d -= step * _ONE_DAY
    weeks, rest = divmod(abs(n), 5)
    d += step * timedelta(weeks=weeks)
    for _ in range(rest):
        d += step * _ONE_DAY
        while d.weekday() >= 5:
            d += step * _ONE_DAY
    return d


def _week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# --------------------------------------------------------------------------------------
# Window constructors
# --------------------------------------------------------------------------------------


def _window(
    due: date | None,
    earliest: date | None,
    precision: str | None,
    description: str,
    *,
    vague: bool = False,
) -> Window:
    if due is not None and earliest is not None and earliest > due:
        earliest = None  # keep the model's invariant earliest_date <= due_date
    return Window(due, earliest, precision, vague, True, description)


def _unrecognised(phrase: str) -> Window:
    if phrase.strip():
        return Window(None, None, None, False, False, f"No date found in {_quote(phrase)}")
    return Window(None, None, None, False, False, "No date found: empty phrase")


def _vague_no_date(words: str) -> Window:
    return Window(None, None, None, True, True, f"No date: {_quote(words)} is vague")


# How a word before a single day changes it ("by Friday", "before Christmas"...).
_DAY_PREPOSITIONS: dict[str, str] = {
    "by": "by",
    "until": "by",
    "till": "by",
    "til": "by",
    "no later than": "by",
    "not later than": "by",
    "on or before": "by",
    "in time for": "by",
    "between now and": "by",
    "before": "before",
    "ahead of": "before",
    "prior to": "before",
    "after": "after",
    "not before": "not_before",
    "no earlier than": "not_before",
    "not until": "not_before",
    "on": "on",
    "from": "on",
    "starting": "on",
    "beginning": "on",
    "since": "on",
    "as of": "on",
    "through": "by",
    "thru": "by",
    "up to": "by",
    "up until": "by",
}


def _alternation(words: Iterable[str]) -> str:
    """Regex alternation, longest first so "by the end of" wins over "by"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_PREFIX_PUNCTUATION = "(\"',;:"


def _preceding(text: str, start: int, table: dict[str, str]) -> str | None:
    """The longest key of `table` written just before text[start:] ("by the end of" May).

    Looking the words up is much faster than an optional 100-way alternation at the
    front of every pattern, which the regex engine would retry at every position.
    """
    if start < 2 or text[start - 1] != " ":
        return None
    cut = max(0, start - 48)
    words = text[cut : start - 1].split(" ")
    if cut:
        words = words[1:]  # the first word may be cut in half
    for n in range(min(len(words), 6), 0, -1):
        key = " ".join(words[-n:]).lstrip(_PREFIX_PUNCTUATION)
        if key in table:
            return key
    return None


def _day_pre(m: re.Match[str], text: str) -> str | None:
    return _preceding(text, m.start(), _DAY_PREPOSITIONS)


def _day_window(day: date, pre: str | None, label: str | None = None) -> Window:
    """A single named day, adjusted by its preposition."""
    kind = _DAY_PREPOSITIONS.get(pre or "", "on")
    basis = f" ({label})" if label else ""
    if kind == "by":
        return _window(day, None, DAY, f"by {_fmt_day(day)}{basis}")
    if kind == "before":
        due = day - _ONE_DAY
        return _window(due, None, DAY, f"by {_fmt_day(due)} (before {label or _fmt_day(day)})")
    if kind == "after":
        start = day + _ONE_DAY
        return _window(
            None,
            start,
            DAY,
            f"after {label or _fmt_day(day)}: from {_fmt_day(start)}, no end date",
            vague=True,
        )
    if kind == "not_before":
        return _window(
            None, day, DAY, f"not before {_fmt_day(day)}{basis}, no end date", vague=True
        )
    return _window(day, day, DAY, f"{_fmt_day(day)}{basis}")


def _strict(pre: str | None) -> bool:
    """ "before X" looks for an X strictly after the reference date."""
    return _DAY_PREPOSITIONS.get(pre or "") == "before"


# --------------------------------------------------------------------------------------
# Shared regex pieces
# --------------------------------------------------------------------------------------

_MONTH_RE = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_MONTH_TOKENS = frozenset(n.lower() for n in (*_MONTH_NAMES, *_MONTH_ABBR, "sept"))
_YEAR_RE = r"(?:19|20|21)[0-9]{2}"
# Full names first: the alternation takes the first that matches ("mon" would cut "monday").
_WEEKDAY_RE = (
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun"
)
_WEEKDAY_TOKENS = frozenset(
    (*(n.lower() for n in _WEEKDAY_NAMES), "mon", "tue", "tues", "wed", "thu", "thur", "thurs")
    + ("fri", "sat", "sun")
)
# Abbreviations that are also English words ("he sat", "the sun", "they wed"): read as a
# weekday only with support (see _abbreviation_supported).
_AMBIGUOUS_WEEKDAYS = frozenset({"mon", "wed", "sat", "sun"})


def _weekday_number(token: str) -> int:
    """0 for "monday" / "mon", ... 6 for "sunday" / "sun"."""
    return ("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(token[:3])


def _month_number(token: str) -> int:
    return _MONTH_ABBR.index(token[:3].title()) + 1


_ONES = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
# value, vague
_NUMBER_PHRASES: dict[str, tuple[float, bool]] = {
    "a": (1, False),
    "an": (1, False),
    "a couple of": (2, False),
    "a couple": (2, False),
    "couple of": (2, False),
    "a few": (3, True),
    "few": (3, True),
    "several": (5, True),
    "half a": (0.5, False),
    "half an": (0.5, False),
    "a dozen": (12, False),
    "dozen": (12, False),
    "a hundred": (100, False),
    "one hundred": (100, False),
    "hundred": (100, False),
}
_NUMBER_WORDS_RE = (
    rf"(?:(?:{'|'.join(_TENS)})(?: (?:{'|'.join(_ONES)}))?|{'|'.join(_TEENS)}"
    rf"|{_alternation(_NUMBER_PHRASES)}|{'|'.join(_ONES)})"
)
_NUM_RE = rf"(?:[0-9]{{1,6}}(?:\.[0-9]+)?|{_NUMBER_WORDS_RE})"

_UNITS: dict[str, str] = {
    "minute": "minute",
    "min": "minute",
    "hour": "hour",
    "hr": "hour",
    "day": "day",
    "business day": "bday",
    "working day": "bday",
    "week": "week",
    "fortnight": "fortnight",
    "month": "month",
    "quarter": "quarter",
    "year": "year",
    "decade": "decade",
}
_UNIT_RE = rf"(?P<unit>{_alternation(_UNITS)})s?\b"
_UNIT_TOKENS = frozenset(
    t for unit in _UNITS for word in (unit, unit + "s") for t in word.split() if t != "business"
)
_UNIT_PRECISION = {
    "minute": DAY,
    "hour": DAY,
    "day": DAY,
    "bday": DAY,
    "week": WEEK,
    "fortnight": WEEK,
    "month": MONTH,
    "quarter": QUARTER,
    "year": YEAR,
    "decade": YEAR,
}

# "two weeks", "2-3 days", "a week or two", "one and a half years", "a year and a half".
_AMOUNT_RE = (
    rf"(?P<amount>(?P<num>{_NUM_RE})(?:(?: ?- ?| to | or )(?P<num2>{_NUM_RE}))?"
    rf"(?P<half1> and a half)? {_UNIT_RE}(?P<half2> and a half)?"
    r"(?: or (?P<alt>two|three|so|more))?)"
)


def _parse_number(text: str) -> tuple[float, bool] | None:
    """(value, vague) for "2", "2.5", "twenty one", "a few"..."""
    if text[0].isdigit():
        return float(text), False
    if text in _NUMBER_PHRASES:
        return _NUMBER_PHRASES[text]
    value = 0
    for word in text.split():
        value += _ONES.get(word) or _TEENS.get(word) or _TENS.get(word) or 0
    return (float(value), False) if value else None


@dataclass(frozen=True)
class _Amount:
    value: float
    unit: str
    vague: bool
    text: str


def _amount(m: re.Match[str]) -> _Amount | None:
    first = _parse_number(m["num"])
    if first is None:
        return None
    value, vague = first
    if m["num2"]:
        second = _parse_number(m["num2"])
        if second is not None:
            value = max(value, second[0])  # "two to three weeks": the last day allowed
    if m["half1"] or m["half2"]:
        value += 0.5
    alt = m["alt"]
    if alt in ("two", "three"):
        value = max(value, 2.0 if alt == "two" else 3.0)
    elif alt:
        vague = True
    return _Amount(value, _UNITS[m["unit"]], vague, m["amount"])


def _shift(ref: date, amount: _Amount, sign: int = 1) -> date:
    """ref moved by the amount; fractions and hours round up to whole days."""
    value, unit = amount.value, amount.unit
    if unit == "minute":
        return ref + sign * timedelta(days=math.ceil(value / 1440))
    if unit == "hour":
        return ref + sign * timedelta(days=math.ceil(value / 24))
    if unit == "day":
        return ref + sign * timedelta(days=math.ceil(value))
    if unit == "bday":
        return _add_business_days(ref, sign * math.ceil(value))
    if unit in ("week", "fortnight"):
        return ref + sign * timedelta(days=math.ceil(value * (7 if unit == "week" else 14)))
    months = value * {"month": 1, "quarter": 3, "year": 12, "decade": 120}[unit]
    whole = int(months)
    d = _add_months(ref, sign * whole)
    return d + sign * timedelta(days=round((months - whole) * 30))


# --------------------------------------------------------------------------------------
# Periods: weeks, months, quarters, halves, years, seasons, decades
# --------------------------------------------------------------------------------------


class _Period(NamedTuple):
    start: date
    end: date
    precision: str
    label: str
    kind: str  # week | weekend | month | quarter | half | year | season | decade


def _week_period(monday: date) -> _Period:
    return _Period(monday, monday + timedelta(days=6), WEEK, f"week of {_fmt_day(monday)}", "week")


def _weekend_period(monday: date) -> _Period:
    saturday = monday + timedelta(days=5)
    return _Period(
        saturday, saturday + _ONE_DAY, WEEK, f"weekend of {_fmt_day(saturday)}", "weekend"
    )


def _month_period(year: int, month: int) -> _Period:
    return _Period(
        date(year, month, 1),
        _month_end(year, month),
        MONTH,
        f"{_MONTH_NAMES[month - 1]} {year}",
        "month",
    )


def _quarter_period(year: int, quarter: int) -> _Period:
    first = 3 * quarter - 2
    return _Period(
        date(year, first, 1), _month_end(year, first + 2), QUARTER, f"Q{quarter} {year}", "quarter"
    )


def _half_period(year: int, half: int) -> _Period:
    first = 6 * half - 5
    return _Period(
        date(year, first, 1), _month_end(year, first + 5), QUARTER, f"H{half} {year}", "half"
    )


def _year_period(year: int) -> _Period:
    return _Period(date(year, 1, 1), date(year, 12, 31), YEAR, str(year), "year")


def _decade_period(first_year: int) -> _Period:
    return _Period(
        date(first_year, 1, 1), date(first_year + 9, 12, 31), YEAR, f"the {first_year}s", "decade"
    )


_SEASON_FIRST_MONTH = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}


def _season_period(season: str, year: int) -> _Period:
    """The season that starts in `year` (winter 2025 is Dec 2025–Feb 2026)."""
    first = _SEASON_FIRST_MONTH[season]
    start = date(year, first, 1)
    end = _add_months(start, 3) - _ONE_DAY
    label = f"{season} {year}" if season != "winter" else f"winter {year}–{(year + 1) % 100:02d}"
    return _Period(start, end, MONTH, label, "season")


def _upcoming(make: Callable[[int], _Period], ref: date, choice: str, strict: bool) -> _Period:
    """Pick the occurrence of a yearly period (a month, quarter, season...) the phrase means.

    choice "this": the current one, or the next once it is over;
    "next": the first that starts after ref; "last": the last that ended before ref;
    "recent": the last that started on or before ref (reading backwards).
    """
    # A yearly period starts in its own year (winter: December), so the one we want
    # starts between last year and next year; build them lazily, nearest first.
    if choice in ("last", "recent"):
        for year in range(ref.year, ref.year - 3, -1):
            period = make(year)
            if (period.end < ref) if choice == "last" else (period.start <= ref):
                return period
    else:
        after_ref = choice == "next" or strict
        for year in range(ref.year - 1, ref.year + 2):
            period = make(year)
            if (period.start > ref) if after_ref else (period.end >= ref):
                return period
    raise ValueError("no such period within the supported years")  # only near date.max


def _relative_period(kind: str, ref: date, offset: int) -> _Period:
    if kind in ("week", "weekend"):
        monday = _week_start(ref) + timedelta(weeks=offset)
        return _week_period(monday) if kind == "week" else _weekend_period(monday)
    if kind == "month":
        first = _add_months(ref.replace(day=1), offset)
        return _month_period(first.year, first.month)
    if kind == "quarter":
        index = ref.year * 4 + (ref.month - 1) // 3 + offset
        return _quarter_period(index // 4, index % 4 + 1)
    if kind == "year":
        return _year_period(ref.year + offset)
    return _decade_period(ref.year // 10 * 10 + 10 * offset)


def _extend(period: _Period, other: _Period) -> _Period:
    """ "this week or next": from the start of one to the end of the other."""
    return _Period(
        period.start, other.end, period.precision, f"{period.label} or the next", period.kind
    )


# Words before a period and what they do to it.
_PERIOD_MODIFIERS: dict[str, str] = {
    # the whole period (from the reference date if it has already begun)
    "in": "window",
    "during": "window",
    "over": "window",
    "for": "window",
    "throughout": "window",
    "within": "window",
    "at": "window",
    "on": "window",
    "across": "window",
    "around": "window",
    "sometime in": "window",
    "some time in": "window",
    "sometime during": "window",
    "at some point in": "window",
    "at some point during": "window",
    "from": "window",
    "starting": "window",
    "starting in": "window",
    "beginning in": "window",
    # deadline: the last day of the period (seasons: see _apply_modifier)
    "by": "by",
    "until": "by",
    "till": "by",
    "til": "by",
    "no later than": "by",
    "not later than": "by",
    "in time for": "by",
    "between now and": "by",
    "through": "end",
    "between now and the end of": "end",
    "by the end of": "end",
    "before the end of": "end",
    "by the close of": "end",
    "until the end of": "end",
    "till the end of": "end",
    "through the end of": "end",
    "to the end of": "end",
    "at the end of": "end",
    "at the close of": "end",
    "the end of": "end",
    "the close of": "end",
    "end of": "end",
    "end": "end",
    "by end of": "end",
    "by end": "end",
    "before end of": "end",
    # the day before the period starts
    "before": "before",
    "ahead of": "before",
    "prior to": "before",
    # the first day of the period
    "by the start of": "start",
    "by the beginning of": "start",
    # thirds of the period
    "early": "early",
    "in early": "early",
    "early in": "early",
    "at the start of": "early",
    "at the beginning of": "early",
    "the start of": "early",
    "the beginning of": "early",
    "start of": "early",
    "beginning of": "early",
    "in the early part of": "early",
    "mid": "mid",
    "in mid": "mid",
    "in the middle of": "mid",
    "the middle of": "mid",
    "middle of": "mid",
    "midway through": "mid",
    "halfway through": "mid",
    "late": "late",
    "in late": "late",
    "late in": "late",
    "towards the end of": "late",
    "toward the end of": "late",
    "in the latter part of": "late",
    "in the later part of": "late",
    "by early": "by_early",
    "by mid": "by_mid",
    "by the middle of": "by_mid",
    "by late": "by_late",
    # from the reference date to the end of the period
    "later": "later",
    "later in": "later",
    "later on in": "later",
    "the rest of": "rest",
    "the remainder of": "rest",
    "for the rest of": "rest",
    "for the remainder of": "rest",
    "over the rest of": "rest",
    "over the remainder of": "rest",
    "during the rest of": "rest",
    "throughout the rest of": "rest",
    "the balance of": "rest",
    "rest of": "rest",
    "remainder of": "rest",
    "earlier": "earlier",
    "earlier in": "earlier",
    # open-ended
    "after": "after",
    "not before": "not_before",
    "no earlier than": "not_before",
    "not until": "not_before",
}


def _period_mod(m: re.Match[str], text: str) -> str | None:
    if text.startswith("'s ", m.end()):
        return None  # "hit by last week's floods": the "by" is the noun's, not the period's
    return _preceding(text, m.start(), _PERIOD_MODIFIERS)


_THIRD_NAMES = {"early": 0, "mid": 1, "late": 2, "by_early": 0, "by_mid": 1, "by_late": 2}
_THIRD_WORDS = ("early", "mid", "late")


def _third(period: _Period, index: int) -> tuple[date, date, str]:
    """early / mid / late part of a period: (start, end, precision)."""
    if period.kind == "weekend":
        return period.start, period.end, WEEK
    if period.kind == "week":
        first, last = ((0, 2), (2, 3), (3, 6))[index]
        return (
            period.start + timedelta(days=first),
            period.start + timedelta(days=last),
            WEEK,
        )
    if period.kind == "month":
        y, m = period.start.year, period.start.month
        start = date(y, m, 1 + 10 * index)
        end = _month_end(y, m) if index == 2 else date(y, m, 10 + 10 * index)
        return start, end, MONTH
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    size = months // 3
    start = _add_months(period.start, size * index)
    end = _add_months(start, size) - _ONE_DAY
    return start, end, YEAR if period.kind == "decade" else MONTH


def _apply_modifier(mod: str | None, period: _Period, ref: date) -> Window:
    kind = _PERIOD_MODIFIERS.get(mod or "", "window")
    if kind == "window":
        earliest = ref if period.start <= ref <= period.end else period.start
        return _window(
            period.end,
            earliest,
            period.precision,
            f"{period.label} ({_fmt_range(earliest, period.end)})",
        )
    if kind == "by" and period.kind == "season":
        # "by summer": by the time summer has arrived, read as the end of its first month.
        due = _month_end(period.start.year, period.start.month)
        return _window(
            due,
            None,
            MONTH,
            f"by {_fmt_day(due)} (by {period.label}, read as the end of its first month)",
        )
    if kind in ("by", "end"):
        return _window(
            period.end, None, period.precision, f"by {_fmt_day(period.end)} (end of {period.label})"
        )
    if kind == "before":
        due = period.start - _ONE_DAY
        return _window(due, None, period.precision, f"by {_fmt_day(due)} (before {period.label})")
    if kind == "start":
        return _window(
            period.start, None, DAY, f"by {_fmt_day(period.start)} (start of {period.label})"
        )
    if kind in _THIRD_NAMES:
        index = _THIRD_NAMES[kind]
        start, end, precision = _third(period, index)
        label = f"{_THIRD_WORDS[index]} {period.label}"
        if kind.startswith("by_"):
            return _window(end, None, precision, f"by {_fmt_day(end)} ({label})")
        earliest = ref if start <= ref <= end else start
        return _window(end, earliest, precision, f"{label} ({_fmt_range(earliest, end)})")
    if kind in ("later", "rest"):
        if period.start <= ref <= period.end:
            return _window(
                period.end,
                ref,
                period.precision,
                f"rest of {period.label} ({_fmt_range(ref, period.end)})",
            )
        if kind == "later":
            return _apply_modifier("late", period, ref)
        return _apply_modifier(None, period, ref)
    if kind == "earlier":
        end = min(ref, period.end)
        return _window(
            end,
            period.start,
            period.precision,
            f"earlier in {period.label} ({_fmt_range(period.start, end)})",
        )
    if kind == "after":
        start = period.end + _ONE_DAY
        return _window(
            None,
            start,
            period.precision,
            f"after {period.label}: from {_fmt_day(start)}, no end date",
            vague=True,
        )
    # not_before
    return _window(
        None,
        period.start,
        period.precision,
        f"not before {period.label}: from {_fmt_day(period.start)}, no end date",
        vague=True,
    )


def _reads_back(mod: str | None) -> bool:
    """A month or season has no direction of its own unless a deadline word gives one."""
    return _PERIOD_MODIFIERS.get(mod or "", "window") in ("window", "early", "mid", "late")


def _year_from_spec(year: str | None, relative: str | None, ref: date) -> int | None:
    """An explicit "2026" or "this/next/last year"; None when the phrase names no year."""
    if year:
        return int(year)
    if relative:
        word = relative.split()[-1]
        if word in ("next", "coming", "following"):
            return ref.year + 1
        if word in ("last", "previous", "past"):
            return ref.year - 1
        return ref.year
    return None


def _year_spec(suffix: str) -> str:
    """ "2026", "the year 2026", "this year", "next year"... with named groups y<suffix>, yr<suffix>."""
    return (
        rf"(?:(?:the )?(?:year )?(?P<y{suffix}>{_YEAR_RE})"
        rf"|(?P<yr{suffix}>this|next|last|the|the current|the coming|the following|the next|the previous|the past) year)"
    )


def _whole(m: re.Match[str], text: str) -> bool:
    """The match is the whole phrase (a bare "October" or "2026" counts only then)."""
    return m.start() == 0 and m.end() == len(text)


# --------------------------------------------------------------------------------------
# Rule handlers. Each gets the match, the normalised text and the reference date, and
# returns a Window, or None to let the next match / the next rule try.
# --------------------------------------------------------------------------------------

_Handler = Callable[[re.Match[str], str, date, bool], Window | None]


def _impossible(text: str) -> Window:
    return Window(
        None, None, None, False, False, f"No date found: {_quote(text)} is not a real date"
    )


def _may_is_modal(m: re.Match[str], text: str, supported: bool) -> bool:
    """ "may" is usually the verb ("the talks may 5 ..."): only read it as May with support."""
    if m["mon"] != "may" or supported or m.start("mon") == 0:
        return False
    after = text[m.end() : m.end() + 2]
    return after[:1] == " " and after[1:2].isalpha()


def _next_month_day(month: int, day: int, ref: date, strict: bool) -> date | None:
    """The next month/day on or after ref (after ref if strict); None if it never exists."""
    for year in range(ref.year, ref.year + 9):
        d = _valid_date(year, month, day)
        if d is not None and (d > ref or (d == ref and not strict)):
            return d
    return None


def _last_month_day(month: int, day: int, ref: date) -> date | None:
    """The most recent month/day on or before ref (reading backwards)."""
    for year in range(ref.year, ref.year - 9, -1):
        d = _valid_date(year, month, day)
        if d is not None and d <= ref:
            return d
    return None


_ORDINAL_WORDS = {
    word: n
    for n, word in enumerate(
        (
            *("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"),
            *("ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth"),
            *("sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"),
        ),
        start=1,
    )
}
_ORDINAL_WORDS.update({f"twenty {w}": 20 + n for w, n in list(_ORDINAL_WORDS.items())[:9]})
_ORDINAL_WORDS.update({"thirtieth": 30, "thirty first": 31})
_ORDINAL_WORDS_RE = _alternation(_ORDINAL_WORDS)


def _handle_numeric_date(
    m: re.Match[str], text: str, ref: date, backwards: bool = False
) -> Window | None:
    pre = _day_pre(m, text)
    month, day = int(m["mo"]), int(m["d"])
    if m["sep"] == "/" and month > 12 >= day:
        month, day = day, month  # 31/10/2025 can only be day/month
    if not m["y"]:
        # "2/15" alone is as often a fraction or a score ("3/4 of voters"): a date only
        # after a day preposition ("on 2/15", "by 2/15") or as the whole phrase.
        if (pre is None and not _whole(m, text)) or text.startswith(" of", m.end()):
            return None
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        if (backwards and _DAY_PREPOSITIONS.get(pre or "on") == "on") or pre == "since":
            d = _last_month_day(month, day, ref)
        else:
            d = _next_month_day(month, day, ref, _strict(pre))
    else:
        year = int(m["y"])
        if year < 100:
            year += 2000
        d = _valid_date(year, month, day)
    if d is None:
        return _impossible(m[0])
    return _day_window(d, pre)


def _handle_month_day(
    m: re.Match[str], text: str, ref: date, backwards: bool = False
) -> Window | None:
    pre = _day_pre(m, text)
    supported = bool(pre or m["y"] or m["ord"] or m["of"] or m["wd"] or m["d"] is None)
    if _may_is_modal(m, text, supported):
        return None
    month = _month_number(m["mon"])
    day = int(m["d"]) if m["d"] else _ORDINAL_WORDS[m["dw"]]
    if m["y"]:
        d = _valid_date(int(m["y"]), month, day)
    elif not 1 <= day <= 31:
        d = None
    elif (backwards and _DAY_PREPOSITIONS.get(pre or "on") == "on") or pre == "since":
        d = _last_month_day(month, day, ref)
    else:
        d = _next_month_day(month, day, ref, _strict(pre))
    if d is None:
        return _impossible(m[0])
    return _day_window(d, pre)


# After a bare "the 24th" only these may follow for it to be a day of the month
# ("the 24th amendment", "the 24th president" are not dates).
_AFTER_BARE_ORDINAL = frozenset(
    ("at", "and", "or", "when", "to", "in", "if", "but", "as", "so", "with", "from", "after")
    + ("before", "until", "for")
)


def _handle_ordinal_day(
    m: re.Match[str], text: str, ref: date, backwards: bool = False
) -> Window | None:
    """ "on the 31st": this month if still to come, else the next month that has one."""
    day = int(m["d"])
    if not 1 <= day <= 31:
        return _impossible(m[0])
    pre = m["pre"]
    if pre is None:
        following = text[m.end() :]
        if following[:1] == " " and following[1:].split(" ", 1)[0] not in _AFTER_BARE_ORDINAL:
            return None
    if m["wd"]:
        pre = _day_pre(m, text)
    strict = _strict(pre)
    first = ref.replace(day=1)
    # "Friday the 13th" is the nearest 13th that is a Friday: up to 14 months away.
    weekday = _weekday_number(m["wd"]) if m["wd"] else None
    months = 28 if weekday is not None else 13
    if (backwards and _DAY_PREPOSITIONS.get(pre or "on") == "on") or pre == "since":
        for k in range(0, -months, -1):
            month = _add_months(first, k)
            d = _valid_date(month.year, month.month, day)
            if d is not None and d <= ref and weekday in (None, d.weekday()):
                return _day_window(d, pre)
        return None
    for k in range(months):
        month = _add_months(first, k)
        d = _valid_date(month.year, month.month, day)
        if d is None or weekday not in (None, d.weekday()):
            continue
        if d > ref or (d == ref and not strict):
            return _day_window(d, pre)
    return None


def _easter(year: int) -> date:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """n-th weekday of a month (n=-1: the last)."""
    if n < 0:
        last = _month_end(year, month)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


_HOLIDAYS: dict[str, tuple[str, Callable[[int], date]]] = {
    "christmas eve": ("Christmas Eve", lambda y: date(y, 12, 24)),
    "christmas day": ("Christmas", lambda y: date(y, 12, 25)),
    "christmas": ("Christmas", lambda y: date(y, 12, 25)),
    "xmas": ("Christmas", lambda y: date(y, 12, 25)),
    "new year's eve": ("New Year's Eve", lambda y: date(y, 12, 31)),
    "new years eve": ("New Year's Eve", lambda y: date(y, 12, 31)),
    "new year's day": ("New Year's Day", lambda y: date(y, 1, 1)),
    "new years day": ("New Year's Day", lambda y: date(y, 1, 1)),
    "new year's": ("New Year's Day", lambda y: date(y, 1, 1)),
    "new years": ("New Year's Day", lambda y: date(y, 1, 1)),
    "the new year": ("the new year", lambda y: date(y, 1, 1)),
    "new year": ("the new year", lambda y: date(y, 1, 1)),
    "thanksgiving day": ("Thanksgiving", lambda y: _nth_weekday(y, 11, 3, 4)),
    "thanksgiving": ("Thanksgiving", lambda y: _nth_weekday(y, 11, 3, 4)),
    "easter sunday": ("Easter", _easter),
    "easter": ("Easter", _easter),
    "halloween": ("Halloween", lambda y: date(y, 10, 31)),
    "valentine's day": ("Valentine's Day", lambda y: date(y, 2, 14)),
    "valentines day": ("Valentine's Day", lambda y: date(y, 2, 14)),
    "independence day": ("Independence Day", lambda y: date(y, 7, 4)),
    "the fourth of july": ("Independence Day", lambda y: date(y, 7, 4)),
    "fourth of july": ("Independence Day", lambda y: date(y, 7, 4)),
    "labor day": ("Labor Day", lambda y: _nth_weekday(y, 9, 0, 1)),
    "labour day": ("Labor Day", lambda y: _nth_weekday(y, 9, 0, 1)),
    "memorial day": ("Memorial Day", lambda y: _nth_weekday(y, 5, 0, -1)),
}
# Holidays also take "in" ("in the new year") and words that just mean "on".
_HOLIDAY_PRE = {
    **_DAY_PREPOSITIONS,
    "in": "in",
    "over": "on",
    "at": "on",
    "around": "on",
    "for": "on",
}


def _handle_holiday(
    m: re.Match[str], text: str, ref: date, backwards: bool = False
) -> Window | None:
    label, when = _HOLIDAYS[m["h"]]
    pre = _preceding(text, m.start(), _HOLIDAY_PRE)
    kind = _HOLIDAY_PRE.get(pre or "", "on")
    new_year = label == "the new year"
    strict = kind == "before" or (new_year and kind == "by")
    if m["y"]:
        day = when(int(m["y"]))
    else:
        day = when(ref.year)
        if day < ref or (strict and day == ref):
            day = when(ref.year + 1)
    if new_year and kind in ("by", "before"):
        # "by the new year": before the year turns, so the last day is 31 Dec.
        due = day - _ONE_DAY
        return _window(due, None, DAY, f"by {_fmt_day(due)} (before the new year)")
    if new_year and kind == "in":
        january = _month_period(day.year, 1)
        return _window(
            january.end,
            january.start,
            MONTH,
            f"early in the new year, about {january.label} "
            f"({_fmt_range(january.start, january.end)})",
            vague=True,
        )
    return _day_window(day, pre if pre in _DAY_PREPOSITIONS else None, label)


_DAY_OFFSETS = {
    "the day after tomorrow": 2,
    "day after tomorrow": 2,
    "the day before yesterday": -2,
    "day before yesterday": -2,
    "later today": 0,
    "later tonight": 0,
    "earlier today": 0,
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "overnight": 0,
    "tomorrow": 1,
    "yesterday": -1,
}


def _handle_today(m: re.Match[str], text: str, ref: date, backwards: bool = False) -> Window | None:
    return _day_window(ref + timedelta(days=_DAY_OFFSETS[m["w"]]), _day_pre(m, text))


def _weekday_date(weekday: int, rel: str | None, post: str | None, ref: date, strict: bool) -> date:
    monday = _week_start(ref)
    if post == "next week" or rel in ("next", "following"):
        return monday + timedelta(days=7 + weekday)
    if post == "after next":
        return monday + timedelta(days=14 + weekday)
    if post == "this week":
        return monday + timedelta(days=weekday)
    if post == "last week":
        return monday + timedelta(days=weekday - 7)
    if rel in ("last", "past", "previous"):
        return ref - timedelta(days=(ref.weekday() - weekday - 1) % 7 + 1)
    ahead = (weekday - ref.weekday()) % 7
    if ahead == 0 and strict:
        ahead = 7
    return ref + timedelta(days=ahead)


# A weekday before one of these nouns names a kind of thing, not a day: "restore Sunday
# opening", "Saturday trading", "the Sunday Times", "Friday prayers".
_WEEKDAY_NOUNS = frozenset(
    [
        "opening",
        "openings",
        "closing",
        "closure",
        "closures",
        "trading",
        "hours",
        "service",
        "services",
        "paper",
        "papers",
        "newspaper",
        "newspapers",
        "edition",
        "editions",
        "supplement",
        "magazine",
        "times",
        "telegraph",
        "mail",
        "express",
        "post",
        "herald",
        "mirror",
        "tribune",
        "observer",
        "school",
        "schools",
        "class",
        "classes",
        "market",
        "markets",
        "league",
        "lunch",
        "lunches",
        "brunch",
        "roast",
        "dinner",
        "mass",
        "prayer",
        "prayers",
        "worship",
        "sermon",
        "shift",
        "shifts",
        "rota",
        "bus",
        "buses",
        "train",
        "trains",
        "timetable",
        "timetables",
        "delivery",
        "deliveries",
        "collection",
        "collections",
        "parking",
        "racing",
        "football",
        "fixture",
        "fixtures",
        "club",
        "clubs",
        "show",
        "shows",
        "programme",
        "programmes",
        "program",
        "programs",
        "sale",
        "sales",
        "special",
        "specials",
        "deal",
        "deals",
        "working",
        "work",
        "people",
        "crowd",
        "crowds",
        "best",
        "blues",
        "feeling",
        "briefing",
        "briefings",
        "column",
        "columns",
    ]
)
_RECURRING_BEFORE = ("every ", "each ", "on a ", "a ", "any ")
# Named days that are not the plain weekday: "Good Friday", "Super Tuesday", "Black Friday".
_NAMED_DAY_BEFORE = tuple(
    f"{w} "
    for w in ("good", "black", "cyber", "super", "bloody", "ash", "palm", "holy", "maundy")
    + ("easter", "whit", "giving", "small business", "manic", "blue")
)


def _weekday_is_a_day(m: re.Match[str], text: str, pre: str | None) -> bool:
    """False where the weekday word is not a date: an adjective, a recurrence, "he sat"."""
    rel, post, end = m["rel"], m["post"], m.end()
    if rel is None and post is None and not m["part"]:
        after = text[end + 1 : end + 24].split(" ", 1)[0] if text.startswith(" ", end) else ""
        after = after.rstrip(_EDGE_CHARS)
        if after in _WEEKDAY_NOUNS:
            return False
        before = text[max(0, m.start() - 15) : m.start()]
        if pre is None and before.endswith(_RECURRING_BEFORE):
            return False
    if rel is None and text.endswith(_NAMED_DAY_BEFORE, 0, m.start()):
        return False
    if m["wd"] in _AMBIGUOUS_WEEKDAYS:
        # "sat", "sun", "wed", "mon": a weekday only as "on Sat", "Sat." or the whole phrase.
        return bool(rel or pre or _whole(m, text) or text.startswith(".", m.end("wd")))
    return True


def _handle_weekday(
    m: re.Match[str], text: str, ref: date, backwards: bool = False
) -> Window | None:
    weekday = _weekday_number(m["wd"])
    rel, post = m["rel"], m["post"]
    pre = _day_pre(m, text)
    if not _weekday_is_a_day(m, text, pre):
        return None
    reads_back = backwards or pre == "since"
    if reads_back and rel is None and post is None and _DAY_PREPOSITIONS.get(pre or "on") == "on":
        # Read backwards: the most recent one on or before the reference.
        d = ref - timedelta(days=(ref.weekday() - weekday) % 7)
        return _day_window(d, pre)
    d = _weekday_date(weekday, rel, post, ref, _strict(pre))
    label = None
    if rel in ("next", "following") or post == "next week":
        label = f"{_WEEKDAY_NAMES[weekday]} of next week"
    elif post == "after next":
        label = f"{_WEEKDAY_NAMES[weekday]} of the week after next"
    return _day_window(d, pre, label)


def _handle_this_time(
    m: re.Match[str], text: str, ref: date, backwards: bool = False
) -> Window | None:
    amount = _Amount(1, m["unit"], False, f"a {m['unit']}")
    d = _shift(ref, amount, 1 if m["dir"] == "next" else -1)
    return _window(d, d, DAY, f"{_fmt_day(d)} (this time {m['dir']} {m['unit']})")


def _handle_ago(m: re.Match[str], text: str, ref: date, backwards: bool = False) -> Window | None:
    amount = _amount(m)
    if amount is None:
        return None
    d = _shift(ref, amount, -1)
    precision = _UNIT_PRECISION[amount.unit]
    return _window(
        d,
        d if precision == DAY else None,
        precision,
        f"{_fmt_day(d)} ({amount.text} before {_fmt_short(ref)})",
        vague=amount.vague,
    )


# "for a month" is a window from now only in a statement about the future ("cards will be
# honoured for a month"); after "have been", "lobbied"... it measures the past.
_FUTURE_BEFORE_RE = re.compile(
    r"\b(?:will|would|shall|'ll|going to|plans? to|set to|to be|to stay|to remain|expects?"
    r"|expected|intends? to|wants? to|promised to|pledged to|vowed to)\b"
)


def _handle_next_amount(
    m: re.Match[str], text: str, ref: date, backwards: bool = False
) -> Window | None:
    """ "within the next two weeks", "over the past 3 days", "within 48 hours"."""
    amount = _amount(m)
    if amount is None:
        return None
    if (
        m.start() > 0
        and text.startswith("for ", m.start())
        and not _FUTURE_BEFORE_RE.search(text, max(0, m.start() - 60), m.start())
    ):
        return None  # "we have been patient for eight months": a duration, not a window
    precision = _UNIT_PRECISION[amount.unit]
    if m.groupdict().get("dir") in ("past", "last", "previous", "preceding"):
        start = _shift(ref, amount, -1)
        return _window(
            ref,
            start,
            precision,
            f"{_fmt_day(start)} to {_fmt_day(ref)} (the past {amount.text})",
            vague=amount.vague,
        )
    due = _shift(ref, amount)
    about = "about " if amount.vague else ""
    note = "; vague" if amount.vague else ""
    return _window(
        due,
        ref,
        precision,
        f"by {about}{_fmt_day(due)} (within {amount.text} of {_fmt_short(ref)}{note})",
        vague=amount.vague,
    )


def _handle_next_one(
    m: re.Match[str], text: str, ref: date, backwards: bool = False
) -> Window | None:
    """ "within the next week", "in the coming month", "over the next year or two"."""
    unit = _UNITS[m["unit"]]
    count = {"two": 2, "three": 3}.get(m["alt"] or "", 1)
    words = f"a {m['unit']}" if count == 1 else f"{m['alt']} {m['unit']}s"
    amount = _Amount(count, unit, False, words)
    precision = _UNIT_PRECISION[unit]
    if m["dir"] in ("past", "last", "previous"):
        start = _shift(ref, amount, -1)
        return _window(
            ref, start, precision, f"{_fmt_day(start)} to {_fmt_day(ref)} (the past {words})"
        )
    due = _shift(ref, amount)
    return _window(due, ref, precision, f"by {_fmt_day(due)} (within {words} of {_fmt_short(ref)})")


# "the first cut in two years", "its highest level in six months": a look back, not a date.
_SUPERLATIVE_BEFORE_RE = re.compile(
    r"\b(?:first|highest|lowest|biggest|largest|smallest|worst|best|strongest|weakest"
    r"|fastest|slowest|most|least|only|longest|sharpest|steepest|deepest|hottest|coldest"
    r"|wettest|driest|busiest|quietest|cheapest|dearest)\b"
    # Up to three words between, none of them a verb of the future ("the first trains will
    # run in two weeks" is a date).
    r"(?: (?!(?:will|would|shall|should|could|can|may|must|to|be|is|are|run|runs)\b)[a-z]+){0,3} ?$"
)


def _handle_point_amount(
    m: re.Match[str], text: str, ref: date, backwards: bool = False
) -> Window | None:
    """ "in two weeks", "two weeks from now", "a week from Friday", "in two weeks' time"."""
    amount = _amount(m)
    if amount is None or text.endswith("every ", 0, m.start()):
        return None  # "every 20 minutes from Monday" is a frequency
    if text.startswith("in ", m.start()) and _SUPERLATIVE_BEFORE_RE.search(
        text, max(0, m.start() - 40), m.start()
    ):
        return None  # "the highest level in two months" looks back
    base = ref
    anchor = m.groupdict().get("anchor") or ""
    if anchor.endswith("tomorrow"):
        base = ref + _ONE_DAY
    elif m.groupdict().get("awd"):
        weekday = _weekday_number(m["awd"])
        base = _weekday_date(weekday, m["arel"], None, ref, False)
    d = _shift(base, amount)
    precision = _UNIT_PRECISION[amount.unit]
    if amount.unit in ("minute", "hour"):
        # Hours from an unknown time of day: any time up to the day it may reach.
        return _window(d, ref, DAY, f"by {_fmt_day(d)} ({amount.text} from {_fmt_short(base)})")
    about = "about " if amount.vague else ""
    return _window(
        d,
        d if precision == DAY else None,
        precision,
        f"{about}{_fmt_day(d)} ({amount.text} after {_fmt_short(base)})",
        vague=amount.vague,
    )


def _handle_weekdays_from_now(
    m: re.Match[str], text: str, ref: date, backwards: bool = False
) -> Window | None:
    """ "three Fridays from now": the third Friday after the reference date."""
    number = _parse_number(m["num"])
    if number is None or number[0] != int(number[0]) or not 1 <= number[0] <= 520:
        return None
    weekday = _weekday_number(m["wd"])
    first = ref + timedelta(days=(weekday - ref.weekday() - 1) % 7 + 1)
    d = first + timedelta(weeks=int(number[0]) - 1)
    return _day_window(d, _day_pre(m, text), f"{m['num']} {_WEEKDAY_NAMES[weekday]}s from now")


# Vague windows: how far "the coming days/weeks..." reach.
_VAGUE_REACH: dict[str, tuple[_Amount, str]] = {
    "hours": (_Amount(1, "day", True, "hours"), DAY),
    "days": (_Amount(7, "day", True, "days"), WEEK),
    "weeks": (_Amount(28, "day", True, "weeks"), MONTH),
    "months": (_Amount(90, "day", True, "months"), QUARTER),
    "years": (_Amount(3, "year", True, "years"), YEAR),
}
_VAGUE_ORDER = ("hours", "days", "weeks", "months", "years")


def _handle_vague_window(
    m: re.Match[str], text: str, ref: date, backwards: bool = False
) -> Window | None:
    units = [u for u in (m["u1"], m.groupdict().get("u2")) if u]
    longest = max(units, key=_VAGUE_ORDER.index)
    amount, precision = _VAGUE_REACH[longest]
    due = _shift(ref, amount)
    return _window(
        due,
        ref,
        precision,
        f"by about {_fmt_day(due)} ({_quote(m[0].strip())} is vague)",
        vague=True,
    )


def _handle_quarter(
    m: re.Match[str], text: str, ref: date, backwards: bool = False
) -> Window | None:
    words = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}
    words.update({"fourth": 4, "4th": 4, "final": 4, "last": 4})
    quarter = int(m["qn"]) if m["qn"] else words[m["qw"]]
    yy = m["yy"]
    year = _year_from_spec(m["ya"] or m["yq"] or m["yb"], m["yra"] or m["yrb"], ref)
    if yy:
        year = 2000 + int(yy)
    mod = _period_mod(m, text)
    if year is not None:
        period = _quarter_period(year, quarter)
    else:
        strict = _PERIOD_MODIFIERS.get(mod or "") == "before"
        period = _upcoming(lambda y: _quarter_period(y, quarter), ref, "this", strict)
    return _apply_modifier(mod, period, ref)


def _handle_half(m: re.Match[str], text: str, ref: date, backwards: bool = False) -> Window | None:
    words = {"first": 1, "1st": 1, "front": 1, "second": 2, "2nd": 2, "latter": 2}
    words.update({"back": 2, "final": 2})
    half = int(m["hn"]) if m["hn"] else words[m["hw"]]
    year = _year_from_spec(m["yh"] or m["yh2"] or m["yh3"], m["yrh"] or m["yrh3"], ref)
    if m["yyh"]:
        year = 2000 + int(m["yyh"])
    mod = _period_mod(m, text)
    if year is None and m["hn"] and not mod and not _whole(m, text):
        return None  # a bare "H1" in running text
    if year is not None:
        period = _half_period(year, half)
    else:
        strict = _PERIOD_MODIFIERS.get(mod or "") == "before"
        period = _upcoming(lambda y: _half_period(y, half), ref, "this", strict)
    return _apply_modifier(mod, period, ref)


def _handle_season(
    m: re.Match[str], text: str, ref: date, backwards: bool = False
) -> Window | None:
    season, rel, mod = m["season"], m["srel"], _period_mod(m, text)
    year = _year_from_spec(m["ys"], m["ysr"], ref)
    if mod is None and year is None and (rel in (None, "the")) and not _whole(m, text):
        return None  # "prices fall", "the spring of the trap"
    if year is None and text.startswith(" of ", m.end()):
        return None  # "by the fall of Kabul"
    if year is not None:
        period = _season_period(season, year)
    else:
        choice = "this"
        if rel and rel.split()[-1] in ("next", "coming", "following"):
            choice = "next"
        elif rel and rel.split()[-1] in ("last", "past"):
            choice = "last"
        elif backwards and rel in (None, "the") and _reads_back(mod):
            choice = "recent"
        mod_kind = _PERIOD_MODIFIERS.get(mod or "")
        period = _upcoming(lambda y: _season_period(season, y), ref, choice, mod_kind == "before")
        if mod_kind == "by" and _month_end(period.start.year, period.start.month) < ref:
            # "by summer" said in July: the deadline can only be next summer's.
            period = _upcoming(lambda y: _season_period(season, y), ref, "next", False)
    return _apply_modifier(mod, period, ref)


def _handle_period_end(
    m: re.Match[str], text: str, ref: date, backwards: bool = False
) -> Window | None:
    """ "by year-end", "at month end", "before the year's end"."""
    period = _relative_period(m["xk"], ref, 0)
    kind = _PERIOD_MODIFIERS.get(_period_mod(m, text) or "")
    return _apply_modifier("after" if kind == "after" else "end", period, ref)


def _handle_month(m: re.Match[str], text: str, ref: date, backwards: bool = False) -> Window | None:
    mod, rel = _period_mod(m, text), m["mrel"]
    year = _year_from_spec(m["my"] or m["my2"], m["myr"], ref)
    if mod is None and rel is None and year is None and not _whole(m, text):
        return None  # a bare month name in running text
    if _may_is_modal(m, text, bool(year) or (mod is not None and mod != "this")):
        return None
    month = _month_number(m["mon"])
    if year is not None:
        period = _month_period(year, month)
    else:
        choice = "this"
        if rel and rel.split()[-1] in ("next", "coming"):
            choice = "next"
        elif rel in ("last", "past"):
            choice = "last"
        elif backwards and _reads_back(mod):
            choice = "recent"
        strict = _PERIOD_MODIFIERS.get(mod or "") == "before"
        period = _upcoming(lambda y: _month_period(y, month), ref, choice, strict)
    return _apply_modifier(mod, period, ref)


_REL_OFFSETS = {
    "this": 0,
    "the": 0,
    "current": 0,
    "the current": 0,
    "next": 1,
    "the next": 1,
    "coming": 1,
    "the coming": 1,
    "this coming": 1,
    "following": 1,
    "the following": 1,
    "last": -1,
    "the last": -1,
    "previous": -1,
    "the previous": -1,
    "past": -1,
    "the past": -1,
}


def _handle_relative_period(
    m: re.Match[str], text: str, ref: date, backwards: bool = False
) -> Window | None:
    mod, rel, kind = _period_mod(m, text), m["rel"], m["kind"]
    mod_kind = _PERIOD_MODIFIERS.get(mod or "")
    if rel is None and mod_kind not in ("end", "by", "before"):
        return None  # "end of year" is fine, a bare "year" is not a date
    if rel == "the" and mod is None and not m["after"]:
        return None  # "the week" in running text
    offset = _REL_OFFSETS.get(rel or "this", 0)
    if m["after"]:
        offset = 2
    if kind == "weekend" and rel in ("this", "the", None) and ref.weekday() == 6:
        offset = 0  # on a Sunday, "this weekend" is today
    period = _relative_period(kind, ref, offset)
    if m["ornext"]:
        period = _extend(period, _relative_period(kind, ref, offset + 1))
    return _apply_modifier(mod, period, ref)


def _noun_follows(m: re.Match[str], text: str) -> bool:
    """A word follows the match that makes it an adjective ("the 2030 plan")."""
    if not text.startswith(" ", m.end()):
        return False
    word = text[m.end() + 1 : m.end() + 24].split(" ", 1)[0].rstrip(_EDGE_CHARS)
    return word.isalpha() and word not in _AFTER_BARE_ORDINAL


def _handle_year(m: re.Match[str], text: str, ref: date, backwards: bool = False) -> Window | None:
    mod = _period_mod(m, text)
    if mod is None and not _whole(m, text):
        return None  # "2026" in running text ("the 2026 midterms")
    if m[0].startswith("the ") and _noun_follows(m, text):
        return None  # "in the 2030 plan", "by the 2026 midterms"
    if m["dec"]:
        return _apply_modifier(mod, _decade_period(int(m["dec"])), ref)
    return _apply_modifier(mod, _year_period(int(m["y"])), ref)


def _handle_event(m: re.Match[str], text: str, ref: date, backwards: bool = False) -> Window | None:
    """ "before the next election", "by the summer recess": tied to an event of unknown date."""
    return Window(
        None, None, None, True, True, f"No date: {_quote(m[0])} depends on an event's date"
    )


def _handle_vague(m: re.Match[str], text: str, ref: date, backwards: bool = False) -> Window | None:
    return _vague_no_date(m[0])


# --------------------------------------------------------------------------------------
# The rules, most specific first
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    name: str
    pattern: re.Pattern[str]
    handler: _Handler
    # The rule is only tried when one of these words is in the phrase (None: always)
    # and, if needs_digit, the phrase has a digit. A cheap pre-filter for speed.
    words: frozenset[str] | None
    needs_digit: bool = False
    # Words in front of a match that belong to the expression ("by the end of" next month):
    # the finder widens its span over the longest of them. The handlers look up their own.
    prefixes: dict[str, str] | None = None


def _words(*groups: Iterable[str]) -> frozenset[str]:
    return frozenset(t for group in groups for phrase in group for t in _TOKEN_RE.findall(phrase))


_TOKEN_RE = re.compile(r"[a-z0-9]+")
_DIGIT_RE = re.compile(r"[0-9]")

# A time of day next to a day ("by 5 p.m. Friday", "by five o'clock today"): part of the
# expression's span; the window stays whole days (the time zone is seldom known).
_CLOCK_RE = (
    r"(?:(?:[0-9]{1,2}(?:[:.][0-9]{2})? ?(?:a\.?m\b\.?|p\.?m\b\.?)"
    r"|(?:[0-9]{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) o'clock"
    r"|[0-9]{1,2}:[0-9]{2}|noon|midday|midnight)(?: (?:gmt|utc|bst|cet|cest|et|est|edt|pt|pst))?)"
)
_WEEKDAY_OPT = rf"(?:(?P<wd>{_WEEKDAY_RE})\.?,? )?"
_ORD = r"(?P<ord>st|nd|rd|th)?"
_AMOUNT_WORDS = _UNIT_TOKENS

_VAGUE_PHRASES = (
    "soon",
    "very soon",
    "sooner or later",
    "shortly",
    "as soon as possible",
    "asap",
    "in the near future",
    "in the not too distant future",
    "in the foreseeable future",
    "in the future",
    "eventually",
    "ultimately",
    "at some point",
    "at some stage",
    "someday",
    "some day",
    "one of these days",
    "in due course",
    "in due time",
    "before long",
    "imminently",
    "imminent",
    "any day now",
    "any time now",
    "anytime now",
    "any moment now",
    "any minute now",
    "at a later date",
    "at a later stage",
    "at a later time",
    "later on",
    "down the road",
    "down the line",
    "in the long run",
    "in the long term",
    "in the longer term",
    "in the medium term",
    "in the short term",
    "in the fullness of time",
    "in time",
)

_HOLIDAY_TRIGGERS = _words(_HOLIDAYS) - {"the", "of", "s", "day", "eve", "sunday", "year", "years"}
_RELATIVE_KINDS = ("weekend", "week", "month", "year", "quarter", "decade")

# Words in front of an expression that belong to its span in running text but do not
# change its window ("sometime during" the next two weeks, "as early as" next week).
_SPAN_WORDS: dict[str, str] = dict.fromkeys(
    (
        "sometime",
        "some time",
        "at some point",
        "sometime during",
        "some time during",
        "sometime in",
        "sometime within",
        "at some point in",
        "at some point during",
        "at some point within",
        "as soon as",
        "as early as",
        "as late as",
        "as recently as",
        "as of",
        "only",
        "just",
        "about",
        "around",
        "roughly",
        "approximately",
        "some",
        "within",
        "in",
        "during",
        "over",
        "for",
        "throughout",
        "across",
        "at",
        "by",
        "until",
        "till",
        "before",
        "after",
        "since",
        "from",
        "no later than",
        "not later than",
        "not before",
        "no earlier than",
        "not until",
        "within just",
        "in just",
        "in only",
        "by as early as",
        "possibly as soon as",
        "possibly as early as",
        "perhaps as soon as",
        "as quickly as",
    ),
    "span",
)


def _span_table(*tables: dict[str, str], leave_out: Iterable[str] = ()) -> dict[str, str]:
    # "for" is the verb's, not the date's: "scheduled for Thursday", "planned for June 3".
    dropped = {"for", *leave_out}
    merged = {k: v for table in tables for k, v in table.items() if k not in dropped}
    return {**merged, "the": "span", "on the": "span"}


_AMOUNT_SPAN = {k: v for k, v in _SPAN_WORDS.items() if k != "for"}
# A single day takes "on"; "in" before it belongs to a noun ("in Tuesday's vote").
_DAY_SPAN = _span_table(
    _SPAN_WORDS,
    _DAY_PREPOSITIONS,
    leave_out=("in", "during", "within", "throughout", "across", "over", "in just", "in only"),
)
_HOLIDAY_SPAN = _span_table(_SPAN_WORDS, _HOLIDAY_PRE)
_PERIOD_SPAN = _span_table(_SPAN_WORDS, _PERIOD_MODIFIERS)

_RULES: tuple[_Rule, ...] = (
    # ---- explicit dates -------------------------------------------------------------
    _Rule(
        "iso date",
        re.compile(r"\b(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<mo>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})\b"),
        _handle_numeric_date,
        None,
        True,
        prefixes=_DAY_SPAN,
    ),
    _Rule(
        "numeric date (US)",
        re.compile(
            r"\b(?P<mo>[0-9]{1,2})(?P<sep>/)(?P<d>[0-9]{1,2})/(?P<y>[0-9]{4}|[0-9]{2})\b(?!/)"
        ),
        _handle_numeric_date,
        None,
        True,
        prefixes=_DAY_SPAN,
    ),
    _Rule(
        "numeric date (day.month.year)",
        re.compile(
            r"\b(?P<d>[0-9]{1,2})(?P<sep>\.)(?P<mo>[0-9]{1,2})\.(?P<y>[0-9]{4})\b(?!\.[0-9])"
        ),
        _handle_numeric_date,
        None,
        True,
        prefixes=_DAY_SPAN,
    ),
    _Rule(
        "numeric month/day",
        re.compile(r"\b(?P<mo>[0-9]{1,2})(?P<sep>/)(?P<d>[0-9]{1,2})(?P<y>)\b(?![/.,]?[0-9])"),
        _handle_numeric_date,
        None,
        True,
        prefixes=_DAY_SPAN,
    ),
    _Rule(
        "month day [year]",
        re.compile(
            rf"\b(?:{_CLOCK_RE},? (?:on )?)?{_WEEKDAY_OPT}{_MONTH_RE} ?(?P<of>the )?(?P<d>[0-9]{{1,2}}){_ORD}\b(?!:)"
            rf"(?:,? (?P<y>{_YEAR_RE})\b)?"
        ),
        _handle_month_day,
        _MONTH_TOKENS,
        True,
        prefixes=_DAY_SPAN,
    ),
    _Rule(
        "day month [year]",
        re.compile(
            rf"\b(?:{_CLOCK_RE},? (?:on )?)?{_WEEKDAY_OPT}(?:the )?(?:(?P<d>[0-9]{{1,2}}){_ORD}(?P<of> of)?"
            rf"|(?P<dw>{_ORDINAL_WORDS_RE}) of) {_MONTH_RE}"
            rf"(?:,? (?P<y>{_YEAR_RE})\b)?"
        ),
        _handle_month_day,
        _MONTH_TOKENS,
        False,  # "first of March"
        prefixes=_DAY_SPAN,
    ),
    _Rule(
        "the 31st",
        re.compile(
            r"\b(?:(?P<pre>on|by|before|until|till|after|from|since|no later than|on or before) (?:the )?"
            r"|(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday),? the |the )"
            r"(?P<d>[0-9]{1,2})(?:st|nd|rd|th)\b(?! (?:century|centuries|anniversary|time|floor|place|round|day|week|month|year)s?\b)"
        ),
        _handle_ordinal_day,
        None,
        True,
        prefixes=_DAY_SPAN,
    ),
    _Rule(
        "holiday",
        re.compile(
            rf"\b(?P<h>{_alternation(_HOLIDAYS)})\b"
            rf"(?: (?:of )?(?P<y>{_YEAR_RE})\b)?"
        ),
        _handle_holiday,
        _HOLIDAY_TRIGGERS,
        prefixes=_HOLIDAY_SPAN,
    ),
    _Rule(
        "before the election",
        re.compile(
            r"\b(?:before|by|ahead of|until|till|prior to|in time for|after) (?:the |its |their "
            r"|his |her |this |next |parliament's |congress's )?(?:(?:next|coming|upcoming|general"
            r"|presidential|local|national|parliamentary|midterm|mid term|summer|winter|spring"
            r"|autumn|fall|easter|christmas|holiday|party|leadership|annual|state) )*"
            r"(?P<event>elections?|recess|break|holidays|vote|referendum|polls|summit|congress"
            r"|conference|deadline)\b"
        ),
        _handle_event,
        frozenset(
            ("election", "elections", "recess", "break", "holidays", "vote", "referendum")
            + ("polls", "summit", "congress", "conference", "deadline")
        ),
    ),
    # ---- relative amounts -----------------------------------------------------------
    _Rule(
        "N units ago",
        re.compile(rf"\b{_AMOUNT_RE}(?:'s|')? ago\b"),
        _handle_ago,
        frozenset({"ago"}),
        prefixes=_AMOUNT_SPAN,
    ),
    _Rule(
        "this time next week",
        re.compile(r"\bthis time (?P<dir>next|last) (?P<unit>week|month|year)\b"),
        _handle_this_time,
        frozenset({"time"}),
        prefixes=_DAY_SPAN,
    ),
    _Rule(
        "within the next N units",
        re.compile(
            r"\b(?:the )?"
            rf"(?P<dir>next|coming|following|upcoming|subsequent|past|last|previous|preceding) {_AMOUNT_RE}"
        ),
        _handle_next_amount,
        _AMOUNT_WORDS,
        prefixes=_AMOUNT_SPAN,
    ),
    _Rule(
        "within N units",
        re.compile(
            r"\b(?:within|inside of|inside|in under|in less than|in fewer than|in no more than"
            r"|in not more than|in the space of|less than|fewer than|no more than|not more than"
            r"|up to|under|for) (?:about |around |roughly |approximately |just |only |a maximum of )?"
            rf"{_AMOUNT_RE}"
        ),
        _handle_next_amount,
        _AMOUNT_WORDS,
        prefixes=_AMOUNT_SPAN,
    ),
    _Rule(
        "three Fridays from now",
        re.compile(
            rf"\b(?P<num>{_NUM_RE}) (?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"
            r" (?:from now|from today|hence|away|time|out)\b"
        ),
        _handle_weekdays_from_now,
        frozenset(f"{d.lower()}{s}" for d in _WEEKDAY_NAMES for s in ("", "s")),
        prefixes=_DAY_SPAN,
    ),
    _Rule(
        "N units from now",
        re.compile(
            rf"\b{_AMOUNT_RE}(?:'s|')? "
            rf"(?P<anchor>from now|from today|from tomorrow|from (?:(?P<arel>this|next) )?(?P<awd>{_WEEKDAY_RE})"
            r"|hence|time|out|after today)\b"
        ),
        _handle_point_amount,
        _AMOUNT_WORDS,
        prefixes=_DAY_SPAN,
    ),
    _Rule(
        "within the next week",
        re.compile(
            r"\b(?:within|in|during|over|for|throughout|across) (?:the )?"
            r"(?P<dir>next|coming|following|upcoming|past|last|previous) "
            r"(?P<unit>hour|day|week|fortnight|month|quarter|year|decade)\b(?! of\b)"
            r"(?: or (?P<alt>two|three))?"
        ),
        _handle_next_one,
        _AMOUNT_WORDS,
        prefixes=_AMOUNT_SPAN,
    ),
    _Rule(
        "in N units",
        re.compile(
            r"\b(?:in|after) (?:about |around |roughly |approximately |some |another |just |only "
            rf"|a further |more than |at least |over )?{_AMOUNT_RE}(?:(?:'s|')(?: time\b)?)?"
            r"(?! (?:ago|before|earlier|of)\b)"
        ),
        _handle_point_amount,
        _AMOUNT_WORDS,
        prefixes=_AMOUNT_SPAN,
    ),
    _Rule(
        "the coming days",
        re.compile(
            r"\b(?:the )?(?:coming|next|following|upcoming|few) (?P<u1>hours|days|weeks|months|years)"
            r"(?: (?:or|and|to) (?:the )?(?:coming )?(?P<u2>hours|days|weeks|months|years))?\b"
        ),
        _handle_vague_window,
        frozenset({"hours", "days", "weeks", "months", "years"}),
        prefixes=_AMOUNT_SPAN,
    ),
    _Rule(
        "the days ahead",
        re.compile(
            r"\b(?:the )?(?P<u1>hours|days|weeks|months|years)"
            r"(?: (?:and|or) (?P<u2>hours|days|weeks|months|years))?"
            r" (?:ahead|to come)\b"
        ),
        _handle_vague_window,
        frozenset({"ahead", "come"}),
        prefixes=_AMOUNT_SPAN,
    ),
    _Rule(
        "within days",
        re.compile(
            r"\b(?:within|in a matter of|a matter of|in just|within just|within a few|in a few)"
            r" (?P<u1>hours|days|weeks|months|years)\b"
        ),
        _handle_vague_window,
        frozenset({"hours", "days", "weeks", "months", "years"}),
        prefixes=_AMOUNT_SPAN,
    ),
    # ---- named days -----------------------------------------------------------------
    _Rule(
        "today / tomorrow",
        re.compile(
            rf"\b(?:{_CLOCK_RE},? )?(?P<w>{_alternation(_DAY_OFFSETS)})\b"
            rf"(?: (?:morning|afternoon|evening|night)\b)?(?: at {_CLOCK_RE})?"
        ),
        _handle_today,
        _words(_DAY_OFFSETS) - {"the", "day", "after", "before", "this", "later", "earlier"},
        prefixes=_DAY_SPAN,
    ),
    _Rule(
        "weekday",
        re.compile(
            rf"\b(?:{_CLOCK_RE},? (?:on )?)?"
            rf"(?:(?P<rel>this coming|this|next|last|coming|past|previous|following) )?"
            rf"(?P<wd>{_WEEKDAY_RE})\b(?:(?<!day)\.)?(?: (?:of )?(?P<post>next week|this week|last week|after next)\b)?"
            r"(?:'s?\b)?(?: (?P<part>morning|afternoon|evening|night|lunchtime)\b)?"
            rf"(?: at {_CLOCK_RE})?"
        ),
        _handle_weekday,
        _WEEKDAY_TOKENS,
        prefixes=_DAY_SPAN,
    ),
    # ---- periods --------------------------------------------------------------------
    _Rule(
        "quarter",
        re.compile(
            rf"\b(?:(?:the )?(?P<qw>first|second|third|fourth|final|1st|2nd|3rd|4th|last(?= quarter of\b))"
            rf" quarter(?: of {_year_spec('a')}|,? (?P<yq>{_YEAR_RE}))?"
            rf"|q(?P<qn>[1-4])(?:[ -]?(?:of )?(?P<yb>{_YEAR_RE})|'(?P<yy>[0-9]{{2}})| (?:of )?(?P<yrb>this|next|last) year)?)\b"
        ),
        _handle_quarter,
        frozenset({"quarter", "q1", "q2", "q3", "q4"}),
        prefixes=_PERIOD_SPAN,
    ),
    _Rule(
        "half year",
        re.compile(
            rf"\b(?:(?:the )?(?P<hw>first|second|1st|2nd|latter|back|front|final) half"
            rf"(?: of {_year_spec('h')}|,? (?P<yh2>{_YEAR_RE}))"
            rf"|h(?P<hn>[12])(?:[ -]?(?P<yh3>{_YEAR_RE})|'(?P<yyh>[0-9]{{2}})| (?:of )?(?P<yrh3>this|next|last) year)?)\b"
        ),
        _handle_half,
        frozenset({"half", "h1", "h2"}),
        prefixes=_PERIOD_SPAN,
    ),
    _Rule(
        "season",
        re.compile(
            rf"\b(?:(?P<srel>this coming|this|next|last|the coming|the next|the following|the past"
            r"|the|coming|following|past) )?(?P<season>summer|winter|spring|autumn|fall)\b"
            rf"(?: (?:of )?(?P<ys>{_YEAR_RE})\b| (?:of )?(?P<ysr>this|next|last) year\b)?"
        ),
        _handle_season,
        frozenset(_SEASON_FIRST_MONTH),
        prefixes=_PERIOD_SPAN,
    ),
    _Rule(
        "year-end",
        re.compile(r"\b(?:the )?(?P<xk>year|month|quarter|week)(?:'s)? end\b"),
        _handle_period_end,
        frozenset({"end"}),
        prefixes=_PERIOD_SPAN,
    ),
    _Rule(
        "month",
        re.compile(
            rf"\b(?:(?P<mrel>this coming|this|next|last|coming|past|the coming) )?{_MONTH_RE}"
            rf"(?: (?:of )?(?P<my>{_YEAR_RE})\b|,? (?P<my2>{_YEAR_RE})\b| (?:of )?(?P<myr>this|next|last) year\b)?"
        ),
        _handle_month,
        _MONTH_TOKENS,
        prefixes=_PERIOD_SPAN,
    ),
    _Rule(
        "this/next week, month, year...",
        re.compile(
            rf"\b(?:(?P<rel>{_alternation(_REL_OFFSETS)}) )?(?P<kind>{'|'.join(_RELATIVE_KINDS)})"
            r"(?P<after> after next)?"
            r"(?P<ornext> or (?:the )?(?:next|following)(?: (?:weekend|week|month|year|quarter|decade))?)?"
            r"\b(?! of\b)(?! ?[0-9])"
        ),
        _handle_relative_period,
        frozenset(_RELATIVE_KINDS),
        prefixes=_PERIOD_SPAN,
    ),
    _Rule(
        "year",
        re.compile(
            rf"\b(?:the )?(?:(?:year |calendar year )?(?P<y>{_YEAR_RE})|(?P<dec>(?:19|20|21)[0-9]0)'?s)"
            r"\b(?![-/.:][0-9])"
        ),
        _handle_year,
        None,
        True,
        prefixes=_PERIOD_SPAN,
    ),
    # ---- no date at all -------------------------------------------------------------
    _Rule(
        "vague",
        re.compile(rf"\b(?:{_alternation(_VAGUE_PHRASES)})\b"),
        _handle_vague,
        _words(_VAGUE_PHRASES) - {"the", "in", "at", "a", "of", "or", "as", "on"},
        prefixes=_AMOUNT_SPAN,
    ),
)


# --------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------

_TRANSLATE = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "′": "'",
        "`": "'",
        "´": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "–": "-",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "—": " ",
        "―": " ",
    }
)
_WORD_HYPHEN_RE = re.compile(r"(?<=[a-z])-(?=[a-z0-9])")
_EDGE_CHARS = " \"'.,;:!?()[]{}<>-*_…"


def _normalise(phrase: str) -> str:
    """Lower case, straight apostrophes, "mid-May" -> "mid may", single spaces."""
    text = phrase[:MAX_PHRASE_CHARS]
    if not text.isascii():  # curly quotes, dashes; translate() is slow, so only when needed
        text = text.translate(_TRANSLATE)
    text = text.lower()
    if "-" in text:
        text = _WORD_HYPHEN_RE.sub(" ", text)
    return " ".join(text.split()).strip(_EDGE_CHARS)


def _resolve(phrase: str, reference: date) -> Window:
    text = _normalise(phrase)
    if not text:
        return _unrecognised(phrase)
    tokens = set(_TOKEN_RE.findall(text))
    has_digit = _DIGIT_RE.search(text) is not None
    for rule in _RULES:
        if rule.needs_digit and not has_digit:
            continue
        if rule.words is not None and rule.words.isdisjoint(tokens):
            continue
        for m in rule.pattern.finditer(text):
            window = rule.handler(m, text, reference, False)
            if window is not None:
                return window
    return _unrecognised(phrase)


def resolve_time_phrase(phrase: str, reference: date) -> Window:
    """Resolve a time phrase against the article's published date. Never raises."""
    if isinstance(reference, datetime):
        reference = reference.date()
    if not isinstance(phrase, str):
        phrase = "" if phrase is None else str(phrase)
    try:
        return _resolve(phrase, reference)
    except (ValueError, OverflowError):
        # Dates beyond datetime.date's range (year 1..9999), e.g. "within 99999 years".
        return _unrecognised(phrase)


# --------------------------------------------------------------------------------------
# The finder: every time expression in running text
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FoundPhrase:
    """One time expression found in a text, with its window read from the reference."""

    start: int  # span in the text given
    end: int
    text: str  # text[start:end], e.g. "within the next two weeks", "on Thursday"
    window: Window
    past: bool  # the expression points before the reference ("last Thursday", "yesterday")


_WHITESPACE_RUN_RE = re.compile(r"\S+")
_ABBREVIATIONS = tuple(
    {*(t for t in _MONTH_TOKENS if len(t) <= 4), *_WEEKDAY_TOKENS, "a.m", "p.m"}
    - {"may", "june", "july"}
)
# Words that make a window ending on the reference day a look back ("earlier today",
# "over the past week"), not a deadline.
_BACKWARD_TOKENS = frozenset({"past", "last", "previous", "preceding", "earlier", "ago", "since"})
_NAME_GROUPS = ("mon", "wd", "awd")


def _normalise_mapped(text: str) -> tuple[str, Sequence[int]]:
    """_normalise without the cut and the edge strip, plus where each character came from.

    offsets[i] is the index in `text` of character i of the result, so a match in the
    normalised text maps back to a span of the text given.
    """
    # translate() maps one character to one, so offsets hold through it.
    text_t = text if text.isascii() else text.translate(_TRANSLATE)
    lower = text_t.lower()
    if len(lower) != len(text_t):
        # A few characters lower-case to two ("İ"): keep those as they are.
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in text_t)
    if "-" in lower:
        lower = _WORD_HYPHEN_RE.sub(" ", lower)
    collapsed = " ".join(lower.split())
    if collapsed == lower:
        return lower, range(len(lower))  # the common case: single spaces, nothing to map
    parts: list[str] = []
    offsets: list[int] = []
    for m in _WHITESPACE_RUN_RE.finditer(lower):
        if parts:
            parts.append(" ")
            offsets.append(m.start() - 1)
        parts.append(m[0])
        offsets.extend(range(m.start(), m.end()))
    return "".join(parts), offsets


def _names_capitalised(m: re.Match[str], original: str, offsets: Sequence[int]) -> bool:
    """Month and weekday names are capitalised in edited copy: "march" and "may" are verbs."""
    for group in _NAME_GROUPS:
        start = m.start(group) if group in m.re.groupindex else -1
        if start >= 0 and not original[offsets[start]].isupper():
            return False
    return True


def _is_past(window: Window, reference: date, tokens: Iterable[str]) -> bool:
    due, earliest = window.due_date, window.earliest_date
    if due is None:
        return False
    if due < reference:
        return True
    return due == reference and (
        (earliest is not None and earliest < reference) or not _BACKWARD_TOKENS.isdisjoint(tokens)
    )


# "the following day" counts from the day named before it in the same text ("on Wednesday
# ... and a vote the following day"); with no such day it is not a date.
_FOLLOWING_DAY_RE = re.compile(
    r"\b(?:on )?(?:the following day|the next day|the day after|a day later)\b(?! tomorrow\b)"
)


def _with_following_days(
    norm: str, taken: list[tuple[int, int, int, Window]]
) -> list[tuple[int, int, int, Window]]:
    if not taken or "day" not in norm:
        return taken
    added: list[tuple[int, int, int, Window]] = []
    anchor: Window | None = None
    k = 0  # taken[:k] end before the current match (taken is sorted and never overlaps)
    for m in _FOLLOWING_DAY_RE.finditer(norm):
        while k < len(taken) and taken[k][1] <= m.start():
            anchor = taken[k][3]
            k += 1
        if k < len(taken) and taken[k][0] < m.end():
            continue  # inside a phrase already found
        if added and added[-1][1] > (taken[k - 1][1] if k else -1):
            anchor = added[-1][3]  # "... the following day, and the day after"
        if anchor is None or anchor.precision != DAY or anchor.due_date is None:
            continue
        if anchor.earliest_date != anchor.due_date:
            continue  # "by Friday ... the next day" has no single day to count from
        day = anchor.due_date + _ONE_DAY
        window = _window(
            day, day, DAY, f"{_fmt_day(day)} (the day after {_fmt_day(anchor.due_date)})"
        )
        added.append((m.start(), m.end(), len(_RULES), window))
    return sorted(taken + added) if added else taken


def find_time_phrases(text: str, reference: date, *, backwards: bool = False) -> list[FoundPhrase]:
    """Every time expression in `text`, in order, without overlaps. Never raises.

    The same rules as resolve_time_phrase, run over the whole text: each match, widened
    over the words in front that belong to it ("by the end of" next month), is a
    candidate; the longest candidates win, ties going to the earlier (more specific) rule.
    With backwards=True a day that has no direction of its own ("on Thursday", "Oct. 14",
    "the 14th") is the most recent one on or before the reference, and a month or season
    the most recent that has begun: the day a statement was made, in a report published
    after it. `past` tells a look back ("last week") from a window still to come.
    """
    if isinstance(reference, datetime):
        reference = reference.date()
    if not isinstance(text, str) or not text.strip():
        return []
    norm, offsets = _normalise_mapped(text)
    # With no capital letter at all (or all capitals) case tells nothing about names.
    check_case = any(c.isupper() for c in text) and any(c.islower() for c in text)
    tokens = set(_TOKEN_RE.findall(norm))
    has_digit = _DIGIT_RE.search(norm) is not None
    candidates: list[tuple[int, int, int, Window, int]] = []
    for priority, rule in enumerate(_RULES):
        if rule.needs_digit and not has_digit:
            continue
        if rule.words is not None and rule.words.isdisjoint(tokens):
            continue
        for m in rule.pattern.finditer(norm):
            if check_case and not _names_capitalised(m, text, offsets):
                continue
            try:
                window = rule.handler(m, norm, reference, backwards)
            except (ValueError, OverflowError):
                continue  # beyond datetime.date's range
            if window is None or not window.recognised:
                continue
            start, end = m.start(), m.end()
            if norm[end - 1] == "." and not norm[start : end - 1].endswith(_ABBREVIATIONS):
                end -= 1  # a sentence's full stop after "October"; "Oct." keeps its dot
            if rule.prefixes and not (
                rule.prefixes is _PERIOD_SPAN and norm.startswith("'s ", end)
            ):
                pre = _preceding(norm, start, rule.prefixes)
                if pre is not None:
                    start -= len(pre) + 1
            candidates.append((start, end, priority, window, m.end() - m.start()))
    # The longest match wins: the rules decide what the expression is, the words in front
    # only widen it ("through Nov. 2" is the day, not "through Nov." the month). Then the
    # widest span, then the more specific rule.
    candidates.sort(key=lambda c: (-c[4], c[0] - c[1], c[2], c[0]))
    # The spans taken never overlap, so sorted by start they are sorted by
    # end too, and one bisection finds the only neighbours a candidate could overlap.
    taken: list[tuple[int, int, int, Window]] = []
    starts: list[int] = []
    for cand in candidates:
        i = bisect.bisect_right(starts, cand[0])
        if i and taken[i - 1][1] > cand[0]:
            continue
        if i < len(taken) and taken[i][0] < cand[1]:
            continue
        taken.insert(i, cand[:4])
        starts.insert(i, cand[0])
    taken = _with_following_days(norm, taken)
    found = []
    for start, end, _, window in taken:
        a, b = offsets[start], offsets[end - 1] + 1
        span_tokens = _TOKEN_RE.findall(norm[start:end])
        found.append(FoundPhrase(a, b, text[a:b], window, _is_past(window, reference, span_tokens)))
    return found
