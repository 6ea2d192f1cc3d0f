"""Time phrases resolve to the window a fact-checker would use. Pure Python: no database.

Most phrases are read against REF, Friday 17 October 2025, the published date of the
seed article ("the meeting would likely take place sometime during the next two weeks").
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date, datetime

import pytest

import claims.timephrases as timephrases
from claims.timephrases import Window, find_time_phrases, resolve_time_phrase

REF = date(2025, 10, 17)  # a Friday
PRECISIONS = {None, "day", "week", "month", "quarter", "year"}


def as_date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


# phrase, due_date, earliest_date, precision, vague  (reference: Fri 17 Oct 2025)
CASES: list[tuple[str, str | None, str | None, str | None, bool]] = [
    # --- today, tomorrow, yesterday
    ("today", "2025-10-17", "2025-10-17", "day", False),
    ("tomorrow", "2025-10-18", "2025-10-18", "day", False),
    ("yesterday", "2025-10-16", "2025-10-16", "day", False),
    ("the day after tomorrow", "2025-10-19", "2025-10-19", "day", False),
    ("tonight", "2025-10-17", "2025-10-17", "day", False),
    ("by tomorrow", "2025-10-18", None, "day", False),
    (
        "President Zelenskyy and I will be meeting tomorrow",
        "2025-10-18",
        "2025-10-18",
        "day",
        False,
    ),
    # --- weekdays: bare = on or after the reference, next = in next week's Mon-Sun
    ("Friday", "2025-10-17", "2025-10-17", "day", False),
    ("on Friday", "2025-10-17", "2025-10-17", "day", False),
    ("this Friday", "2025-10-17", "2025-10-17", "day", False),
    ("Monday", "2025-10-20", "2025-10-20", "day", False),
    ("Saturday", "2025-10-18", "2025-10-18", "day", False),
    ("next Tuesday", "2025-10-21", "2025-10-21", "day", False),
    ("next Friday", "2025-10-24", "2025-10-24", "day", False),
    ("Friday next week", "2025-10-24", "2025-10-24", "day", False),
    ("the Monday after next", "2025-10-27", "2025-10-27", "day", False),
    ("last Friday", "2025-10-10", "2025-10-10", "day", False),
    ("last Monday", "2025-10-13", "2025-10-13", "day", False),
    ("by Friday", "2025-10-17", None, "day", False),
    ("no later than Wednesday", "2025-10-22", None, "day", False),
    ("before Friday", "2025-10-23", None, "day", False),
    ("after Friday", None, "2025-10-18", "day", True),
    # --- weeks
    ("this week", "2025-10-19", "2025-10-17", "week", False),
    ("next week", "2025-10-26", "2025-10-20", "week", False),
    ("sometime next week", "2025-10-26", "2025-10-20", "week", False),
    ("as soon as next week", "2025-10-26", "2025-10-20", "week", False),
    (
        "there will be a meeting of our High Level Advisors, next week.",
        "2025-10-26",
        "2025-10-20",
        "week",
        False,
    ),
    ("last week", "2025-10-12", "2025-10-06", "week", False),
    ("the week after next", "2025-11-02", "2025-10-27", "week", False),
    ("this week or next", "2025-10-26", "2025-10-17", "week", False),
    ("early next week", "2025-10-22", "2025-10-20", "week", False),
    ("late next week", "2025-10-26", "2025-10-23", "week", False),
    ("later this week", "2025-10-19", "2025-10-17", "week", False),
    ("within the week", "2025-10-19", "2025-10-17", "week", False),
    ("by the end of the week", "2025-10-19", None, "week", False),
    ("by the end of next week", "2025-10-26", None, "week", False),
    ("by the weekend", "2025-10-19", None, "week", False),
    ("this weekend", "2025-10-19", "2025-10-18", "week", False),
    ("over the weekend", "2025-10-19", "2025-10-18", "week", False),
    ("next weekend", "2025-10-26", "2025-10-25", "week", False),
    # --- months, years
    ("this month", "2025-10-31", "2025-10-17", "month", False),
    ("next month", "2025-11-30", "2025-11-01", "month", False),
    ("later this month", "2025-10-31", "2025-10-17", "month", False),
    ("by the end of the month", "2025-10-31", None, "month", False),
    ("by the end of next month", "2025-11-30", None, "month", False),
    ("by month-end", "2025-10-31", None, "month", False),
    ("this year", "2025-12-31", "2025-10-17", "year", False),
    ("next year", "2026-12-31", "2026-01-01", "year", False),
    ("later this year", "2025-12-31", "2025-10-17", "year", False),
    ("the rest of the year", "2025-12-31", "2025-10-17", "year", False),
    ("by the end of the year", "2025-12-31", None, "year", False),
    ("by year-end", "2025-12-31", None, "year", False),
    ("by the end of next year", "2026-12-31", None, "year", False),
    ("early next year", "2026-04-30", "2026-01-01", "month", False),
    # --- within N units: from the reference to the last day allowed
    ("within the next two weeks", "2025-10-31", "2025-10-17", "week", False),
    ("within two weeks", "2025-10-31", "2025-10-17", "week", False),
    ("within 2 weeks", "2025-10-31", "2025-10-17", "week", False),
    ("in the next two weeks", "2025-10-31", "2025-10-17", "week", False),
    ("during the next two weeks", "2025-10-31", "2025-10-17", "week", False),
    ("over the next two weeks", "2025-10-31", "2025-10-17", "week", False),
    ("sometime during the next two weeks", "2025-10-31", "2025-10-17", "week", False),
    (
        "the meeting would likely take place sometime during the next two weeks",
        "2025-10-31",
        "2025-10-17",
        "week",
        False,
    ),
    (
        "The president said the meeting would likely take place sometime during the next two weeks.",
        "2025-10-31",
        "2025-10-17",
        "week",
        False,
    ),
    ("  Within   the NEXT two weeks!! ", "2025-10-31", "2025-10-17", "week", False),
    ("within a couple of weeks", "2025-10-31", "2025-10-17", "week", False),
    ("within a week or two", "2025-10-31", "2025-10-17", "week", False),
    ("within a fortnight", "2025-10-31", "2025-10-17", "week", False),
    ("within 10 business days", "2025-10-31", "2025-10-17", "day", False),
    ("within the next two to three weeks", "2025-11-07", "2025-10-17", "week", False),
    ("within a few weeks", "2025-11-07", "2025-10-17", "week", True),
    ("within a week", "2025-10-24", "2025-10-17", "week", False),
    ("in the next week", "2025-10-24", "2025-10-17", "week", False),
    ("within 10 days", "2025-10-27", "2025-10-17", "day", False),
    ("over the next 30 days", "2025-11-16", "2025-10-17", "day", False),
    ("within thirty days", "2025-11-16", "2025-10-17", "day", False),
    ("within twenty-one days", "2025-11-07", "2025-10-17", "day", False),
    ("within ninety days", "2026-01-15", "2025-10-17", "day", False),
    ("within 48 hours", "2025-10-19", "2025-10-17", "day", False),
    ("within 24 hours", "2025-10-18", "2025-10-17", "day", False),
    ("within a month", "2025-11-17", "2025-10-17", "month", False),
    ("within six months", "2026-04-17", "2025-10-17", "month", False),
    ("within a year", "2026-10-17", "2025-10-17", "year", False),
    ("over the next year", "2026-10-17", "2025-10-17", "year", False),
    ("within two years", "2027-10-17", "2025-10-17", "year", False),
    ("the past two weeks", "2025-10-17", "2025-10-03", "week", False),
    # --- in N units / N units from now: a point in time
    ("in two weeks", "2025-10-31", None, "week", False),
    ("in two weeks' time", "2025-10-31", None, "week", False),
    ("in two weeks’ time", "2025-10-31", None, "week", False),
    ("two weeks’ time", "2025-10-31", None, "week", False),
    ("two weeks from now", "2025-10-31", None, "week", False),
    ("a week from today", "2025-10-24", None, "week", False),
    ("in 3 days", "2025-10-20", "2025-10-20", "day", False),
    ("in three days’ time", "2025-10-20", "2025-10-20", "day", False),
    ("in a few days", "2025-10-20", "2025-10-20", "day", True),
    ("in a month", "2025-11-17", None, "month", False),
    ("in six months", "2026-04-17", None, "month", False),
    ("a year from now", "2026-10-17", None, "year", False),
    ("in half a year", "2026-04-17", None, "year", False),
    ("in a year and a half", "2027-04-17", None, "year", False),
    ("this time next year", "2026-10-17", "2026-10-17", "day", False),
    ("3 weeks ago", "2025-09-26", None, "week", False),
    # --- vague windows: coming days +7, weeks +28, months +90
    ("in the coming days", "2025-10-24", "2025-10-17", "week", True),
    ("within days", "2025-10-24", "2025-10-17", "week", True),
    ("in the coming weeks", "2025-11-14", "2025-10-17", "month", True),
    ("in the weeks ahead", "2025-11-14", "2025-10-17", "month", True),
    ("in the coming months", "2026-01-15", "2025-10-17", "quarter", True),
    ("in the weeks and months ahead", "2026-01-15", "2025-10-17", "quarter", True),
    # --- named months: the next one not yet over; "by" = its last day
    ("by May", "2026-05-31", None, "month", False),
    ("by March", "2026-03-31", None, "month", False),
    ("by October", "2025-10-31", None, "month", False),
    ("by the end of May", "2026-05-31", None, "month", False),
    ("“by the end of May”", "2026-05-31", None, "month", False),
    ("by May 2026", "2026-05-31", None, "month", False),
    ("by May of 2026", "2026-05-31", None, "month", False),
    ("before May", "2026-04-30", None, "month", False),
    ("in May", "2026-05-31", "2026-05-01", "month", False),
    ("next May", "2026-05-31", "2026-05-01", "month", False),
    ("in May 2027", "2027-05-31", "2027-05-01", "month", False),
    ("in October", "2025-10-31", "2025-10-17", "month", False),
    ("early May", "2026-05-10", "2026-05-01", "month", False),
    ("mid-May", "2026-05-20", "2026-05-11", "month", False),
    ("late May", "2026-05-31", "2026-05-21", "month", False),
    ("by mid-May", "2026-05-20", None, "month", False),
    ("end-October", "2025-10-31", None, "month", False),
    # --- holidays
    ("before Christmas", "2025-12-24", None, "day", False),
    ("by Christmas", "2025-12-25", None, "day", False),
    ("on Christmas Day", "2025-12-25", "2025-12-25", "day", False),
    ("between now and Christmas", "2025-12-25", None, "day", False),
    ("after Christmas", None, "2025-12-26", "day", True),
    ("by New Year", "2025-12-31", None, "day", False),
    ("by the new year", "2025-12-31", None, "day", False),
    ("by New Year's Day", "2026-01-01", None, "day", False),
    ("by New Year’s Day", "2026-01-01", None, "day", False),
    ("on New Year's Eve", "2025-12-31", "2025-12-31", "day", False),
    ("in the new year", "2026-01-31", "2026-01-01", "month", True),
    ("by Thanksgiving", "2025-11-27", None, "day", False),
    ("by Easter", "2026-04-05", None, "day", False),
    # --- seasons (meteorological, northern hemisphere)
    ("this summer", "2026-08-31", "2026-06-01", "month", False),
    ("next summer", "2026-08-31", "2026-06-01", "month", False),
    ("summer 2026", "2026-08-31", "2026-06-01", "month", False),
    ("last summer", "2025-08-31", "2025-06-01", "month", False),
    ("by summer", "2026-06-30", None, "month", False),
    ("by the end of summer", "2026-08-31", None, "month", False),
    ("before summer", "2026-05-31", None, "month", False),
    ("next spring", "2026-05-31", "2026-03-01", "month", False),
    ("in the spring", "2026-05-31", "2026-03-01", "month", False),
    ("this winter", "2026-02-28", "2025-12-01", "month", False),
    ("this fall", "2025-11-30", "2025-10-17", "month", False),
    ("in the autumn", "2025-11-30", "2025-10-17", "month", False),
    # --- quarters and halves
    ("by Q3", "2026-09-30", None, "quarter", False),
    ("in Q3 2026", "2026-09-30", "2026-07-01", "quarter", False),
    ("in the third quarter", "2026-09-30", "2026-07-01", "quarter", False),
    ("in the third quarter of 2026", "2026-09-30", "2026-07-01", "quarter", False),
    ("in the fourth quarter", "2025-12-31", "2025-10-17", "quarter", False),
    ("by the end of the quarter", "2025-12-31", None, "quarter", False),
    ("next quarter", "2026-03-31", "2026-01-01", "quarter", False),
    ("in the first half of 2026", "2026-06-30", "2026-01-01", "quarter", False),
    ("H1 2026", "2026-06-30", "2026-01-01", "quarter", False),
    ("in the second half of next year", "2026-12-31", "2026-07-01", "quarter", False),
    # --- explicit dates: a month-day without a year is the next one on or after REF
    ("October 31", "2025-10-31", "2025-10-31", "day", False),
    ("Oct. 31", "2025-10-31", "2025-10-31", "day", False),
    ("Oct 31", "2025-10-31", "2025-10-31", "day", False),
    ("October 31st", "2025-10-31", "2025-10-31", "day", False),
    ("31 October", "2025-10-31", "2025-10-31", "day", False),
    ("the 31st of October", "2025-10-31", "2025-10-31", "day", False),
    ("31 Oct 2025", "2025-10-31", "2025-10-31", "day", False),
    ("October 31, 2025", "2025-10-31", "2025-10-31", "day", False),
    ("on the 31st", "2025-10-31", "2025-10-31", "day", False),
    ("on the 5th", "2025-11-05", "2025-11-05", "day", False),
    ("by the 20th", "2025-10-20", None, "day", False),
    ("2025-10-31", "2025-10-31", "2025-10-31", "day", False),
    ("10/31/2025", "2025-10-31", "2025-10-31", "day", False),
    ("31/10/2025", "2025-10-31", "2025-10-31", "day", False),
    ("by October 31", "2025-10-31", None, "day", False),
    ("before October 31", "2025-10-30", None, "day", False),
    ("on Friday, Oct. 24", "2025-10-24", "2025-10-24", "day", False),
    ("by Friday, October 24", "2025-10-24", None, "day", False),
    ("March 3", "2026-03-03", "2026-03-03", "day", False),
    ("October 1", "2026-10-01", "2026-10-01", "day", False),
    ("Dec. 25, 2026", "2026-12-25", "2026-12-25", "day", False),
    ("February 29", "2028-02-29", "2028-02-29", "day", False),
    # --- years: "by 2026" is the end of 2026; "before 2026" is the end of 2025
    ("in 2026", "2026-12-31", "2026-01-01", "year", False),
    ("2026", "2026-12-31", "2026-01-01", "year", False),
    ("by 2026", "2026-12-31", None, "year", False),
    ("by the end of 2026", "2026-12-31", None, "year", False),
    ("before 2026", "2025-12-31", None, "year", False),
    ("early 2026", "2026-04-30", "2026-01-01", "month", False),
    ("mid-2026", "2026-08-31", "2026-05-01", "month", False),
    ("late 2026", "2026-12-31", "2026-09-01", "month", False),
    ("by the end of the decade", "2029-12-31", None, "year", False),
    ("in the 2030s", "2039-12-31", "2030-01-01", "year", False),
]

# reference, phrase, due_date, earliest_date, precision, vague
OTHER_REFERENCE_CASES: list[tuple[str, str, str | None, str | None, str | None, bool]] = [
    # a Sunday: "this week" is today, "next Monday" is tomorrow
    ("2025-10-19", "this week", "2025-10-19", "2025-10-19", "week", False),
    ("2025-10-19", "next week", "2025-10-26", "2025-10-20", "week", False),
    ("2025-10-19", "Monday", "2025-10-20", "2025-10-20", "day", False),
    ("2025-10-19", "next Monday", "2025-10-20", "2025-10-20", "day", False),
    ("2025-10-19", "Sunday", "2025-10-19", "2025-10-19", "day", False),
    ("2025-10-19", "last Sunday", "2025-10-12", "2025-10-12", "day", False),
    ("2025-10-19", "this weekend", "2025-10-19", "2025-10-19", "week", False),
    ("2025-10-19", "by the weekend", "2025-10-19", None, "week", False),
    # the last day of the year
    ("2025-12-31", "tomorrow", "2026-01-01", "2026-01-01", "day", False),
    ("2025-12-31", "this year", "2025-12-31", "2025-12-31", "year", False),
    ("2025-12-31", "next year", "2026-12-31", "2026-01-01", "year", False),
    ("2025-12-31", "next month", "2026-01-31", "2026-01-01", "month", False),
    ("2025-12-31", "within a month", "2026-01-31", "2025-12-31", "month", False),
    ("2025-12-31", "by Christmas", "2026-12-25", None, "day", False),
    ("2025-12-31", "by the new year", "2025-12-31", None, "day", False),
    ("2025-12-31", "next quarter", "2026-03-31", "2026-01-01", "quarter", False),
    # February of a leap year
    ("2024-02-10", "by the end of the month", "2024-02-29", None, "month", False),
    ("2024-02-10", "this month", "2024-02-29", "2024-02-10", "month", False),
    ("2024-02-10", "February 29", "2024-02-29", "2024-02-29", "day", False),
    # month ends: calendar months clamp to the last day
    ("2024-01-31", "within a month", "2024-02-29", "2024-01-31", "month", False),
    ("2024-01-31", "in a month", "2024-02-29", None, "month", False),
    ("2025-01-31", "within a month", "2025-02-28", "2025-01-31", "month", False),
    # in the middle of summer and of winter
    ("2025-07-15", "this summer", "2025-08-31", "2025-07-15", "month", False),
    ("2025-07-15", "next summer", "2026-08-31", "2026-06-01", "month", False),
    ("2025-07-15", "by summer", "2026-06-30", None, "month", False),
    ("2025-12-15", "this winter", "2026-02-28", "2025-12-15", "month", False),
    ("2025-12-15", "next winter", "2027-02-28", "2026-12-01", "month", False),
]

VAGUE_WITHOUT_DATE = [
    "soon",
    "very soon",
    "shortly",
    "in the near future",
    "in the not-too-distant future",
    "eventually",
    "at some point",
    "someday",
    "in due course",
    "before long",
    "any day now",
    "sooner or later",
    "Mr. Trump says that he and Mr. Putin agreed to meet at Budapest sometime in the near future",
]

NOT_RECOGNISED = [
    "",
    "   ",
    "xyzzy",
    "<script>alert(1)</script>",
    "February 30",
    "June 31",
    "13/13/2025",
    "2025-02-29",
    "the 21st century",
    "the 2026 midterms",
    "prices fall",
    "This may take weeks",
    "by the fall of Kabul",
    "\x00\u200b\ufeff",
    "🙂🙂🙂 ÄÖÜ ß İ",
    "x" * 10_000,
    "lorem ipsum " * 1_000,
]


@pytest.mark.parametrize(
    ("phrase", "due", "earliest", "precision", "vague"), CASES, ids=[c[0][:60] for c in CASES]
)
def test_phrase_resolves_to_its_window(
    phrase: str, due: str | None, earliest: str | None, precision: str | None, vague: bool
) -> None:
    window = resolve_time_phrase(phrase, REF)

    assert window.recognised
    assert (window.due_date, window.earliest_date, window.precision, window.vague) == (
        as_date(due),
        as_date(earliest),
        precision,
        vague,
    )


@pytest.mark.parametrize(
    ("reference", "phrase", "due", "earliest", "precision", "vague"),
    OTHER_REFERENCE_CASES,
    ids=[f"{c[0]} {c[1]}" for c in OTHER_REFERENCE_CASES],
)
def test_phrase_resolves_against_other_reference_dates(
    reference: str,
    phrase: str,
    due: str | None,
    earliest: str | None,
    precision: str | None,
    vague: bool,
) -> None:
    window = resolve_time_phrase(phrase, date.fromisoformat(reference))

    assert window.recognised
    assert (window.due_date, window.earliest_date, window.precision, window.vague) == (
        as_date(due),
        as_date(earliest),
        precision,
        vague,
    )


@pytest.mark.parametrize("phrase", VAGUE_WITHOUT_DATE, ids=[p[:40] for p in VAGUE_WITHOUT_DATE])
def test_vague_phrase_is_recognised_without_a_date(phrase: str) -> None:
    window = resolve_time_phrase(phrase, REF)

    assert window.recognised
    assert window.vague
    assert (window.due_date, window.earliest_date, window.precision) == (None, None, None)
    assert window.description.startswith("No date: “")
    assert window.description.endswith("” is vague")


@pytest.mark.parametrize("phrase", NOT_RECOGNISED, ids=[repr(p[:30]) for p in NOT_RECOGNISED])
def test_unreadable_phrase_is_not_recognised_and_does_not_raise(phrase: str) -> None:
    window = resolve_time_phrase(phrase, REF)

    assert not window.recognised
    assert not window.vague
    assert (window.due_date, window.earliest_date, window.precision) == (None, None, None)
    assert window.description.startswith("No date found")


@pytest.mark.parametrize(
    ("phrase", "description"),
    [
        ("within the next two weeks", "by Fri 31 Oct 2025 (within two weeks of 17 Oct)"),
        ("next week", "week of Mon 20 Oct 2025 (20–26 Oct)"),
        ("Friday", "Fri 17 Oct 2025"),
        ("next Tuesday", "Tue 21 Oct 2025 (Tuesday of next week)"),
        ("by October 31", "by Fri 31 Oct 2025"),
        ("in May", "May 2026 (1–31 May)"),
        ("by the end of the year", "by Wed 31 Dec 2025 (end of 2025)"),
        ("before Christmas", "by Wed 24 Dec 2025 (before Christmas)"),
        ("in two weeks", "Fri 31 Oct 2025 (two weeks after 17 Oct)"),
        (
            "in the coming days",
            "by about Fri 24 Oct 2025 (“the coming days” is vague)",
        ),
        (
            "by summer",
            "by Tue 30 Jun 2026 (by summer 2026, read as the end of its first month)",
        ),
        ("this winter", "winter 2025–26 (1 Dec 2025–28 Feb 2026)"),
        ("soon", "No date: “soon” is vague"),
        ("xyzzy", "No date found in “xyzzy”"),
        ("", "No date found: empty phrase"),
    ],
)
def test_description_states_the_window_in_words(phrase: str, description: str) -> None:
    assert resolve_time_phrase(phrase, REF).description == description


def test_description_of_the_seed_article_phrase_names_the_due_day() -> None:
    window = resolve_time_phrase(
        "the meeting would likely take place sometime during the next two weeks", REF
    )

    assert "Fri 31 Oct 2025" in window.description


def test_unrecognised_phrase_gives_an_empty_window() -> None:
    window = resolve_time_phrase("xyzzy", REF)

    assert window == Window(None, None, None, False, False, "No date found in “xyzzy”")


def test_a_datetime_reference_counts_as_its_date() -> None:
    window = resolve_time_phrase("tomorrow", datetime(2025, 10, 17, 23, 59))

    assert window.due_date == date(2025, 10, 18)


@pytest.mark.parametrize("reference", [date.min, date.max])
@pytest.mark.parametrize(
    "phrase", ["yesterday", "tomorrow", "next year", "last week", "in May", "within 3 days"]
)
def test_dates_beyond_the_calendar_are_not_recognised_rather_than_raising(
    phrase: str, reference: date
) -> None:
    window = resolve_time_phrase(phrase, reference)

    assert window.due_date is None or date.min <= window.due_date <= date.max


def test_huge_amounts_are_not_recognised_rather_than_raising() -> None:
    window = resolve_time_phrase("in 99999 years", REF)

    assert not window.recognised


FUZZ_WORDS = (
    "by before after within in on the next last this coming end of early mid late "
    "week weeks month months year years quarter q3 h1 summer winter fall may march "
    "friday monday today tomorrow christmas new year's 2026 2025 31st 31 30 a few two "
    "twenty-one 99999 - / , . ’ “ ” soon eventually ago from now time half and or"
)


def _fuzz_phrases(count: int) -> list[str]:
    rng = random.Random(20251017)
    vocabulary = FUZZ_WORDS.split()
    phrases = []
    for _ in range(count):
        phrases.append(" ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 8))))
        phrases.append("".join(chr(rng.randint(0, 0x2FFF)) for _ in range(rng.randint(0, 20))))
    return phrases


def test_random_phrases_never_raise_and_keep_windows_consistent() -> None:
    for phrase in _fuzz_phrases(2_000):
        window = resolve_time_phrase(phrase, REF)

        assert window.precision in PRECISIONS
        if window.due_date and window.earliest_date:
            assert window.earliest_date <= window.due_date, phrase
        if not window.recognised:
            assert window.due_date is None and window.earliest_date is None
        if window.recognised and not window.vague:
            assert window.due_date is not None, phrase


def test_the_word_prefilter_never_changes_an_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each rule is skipped unless one of its trigger words is in the phrase. A rule whose
    # trigger list misses a word it can match would silently lose phrases: compare.
    phrases = [c[0] for c in CASES] + VAGUE_WITHOUT_DATE + _fuzz_phrases(1_000)
    filtered = [resolve_time_phrase(p, REF) for p in phrases]
    unfiltered_rules = tuple(
        dataclasses.replace(rule, words=None, needs_digit=False) for rule in timephrases._RULES
    )
    monkeypatch.setattr(timephrases, "_RULES", unfiltered_rules)

    assert [resolve_time_phrase(p, REF) for p in phrases] == filtered


# --------------------------------------------------------------------------------------
# The finder: time expressions in running text
# --------------------------------------------------------------------------------------


def found(text: str, reference: date = REF, **kwargs: bool) -> list[str]:
    return [f.text for f in find_time_phrases(text, reference, **kwargs)]


def test_finder_spans_are_exact_slices_of_the_text() -> None:
    text = "The ministers will meet by the end of next month, or no later than Friday morning."
    phrases = find_time_phrases(text, REF)
    assert [p.text for p in phrases] == ["by the end of next month", "no later than Friday morning"]
    for p in phrases:
        assert text[p.start : p.end] == p.text


def test_finder_takes_the_leading_words_of_the_seed_article_phrase() -> None:
    text = "Trump said the meeting would likely take place sometime during the next two weeks."
    (phrase,) = find_time_phrases(text, REF)
    assert phrase.text == "sometime during the next two weeks"
    assert phrase.window.due_date == date(2025, 10, 31)
    assert phrase.window.earliest_date == REF
    assert not phrase.past


def test_finder_finds_several_phrases_in_order_without_overlap() -> None:
    text = "Talks start on Monday, pause by the weekend and end within a fortnight."
    phrases = find_time_phrases(text, REF)
    assert [p.text for p in phrases] == ["on Monday", "by the weekend", "within a fortnight"]
    assert [p.start for p in phrases] == sorted(p.start for p in phrases)
    for a, b in zip(phrases, phrases[1:], strict=False):
        assert a.end <= b.start


def test_finder_returns_an_empty_list_when_there_is_no_time_phrase() -> None:
    assert find_time_phrases("The minister declined to comment on the report.", REF) == []
    assert find_time_phrases("", REF) == []


def test_finder_marks_expressions_that_point_before_the_reference_as_past() -> None:
    text = "She said yesterday that the plant, shut last Thursday, reopens next week."
    phrases = {p.text: p.past for p in find_time_phrases(text, REF)}
    assert phrases == {"yesterday": True, "last Thursday": True, "next week": False}
    (earlier,) = find_time_phrases("Officials said earlier this week that it was over.", REF)
    assert earlier.text == "earlier this week"
    assert earlier.past


def test_backwards_reading_takes_the_most_recent_day_on_or_before_the_reference() -> None:
    text = "Trump said on Thursday that the two leaders would meet."
    (forward,) = find_time_phrases(text, REF)
    (backward,) = find_time_phrases(text, REF, backwards=True)
    assert forward.window.due_date == date(2025, 10, 23)
    assert backward.window.due_date == date(2025, 10, 16)
    assert backward.past
    (month_day,) = find_time_phrases("The talks began on Oct. 14, aides said.", REF, backwards=True)
    assert month_day.window.due_date == date(2025, 10, 14)
    (ordinal,) = find_time_phrases("The deal was signed on the 14th.", REF, backwards=True)
    assert ordinal.window.due_date == date(2025, 10, 14)
    (friday,) = find_time_phrases("He said on Friday it would happen.", REF, backwards=True)
    assert friday.window.due_date == REF  # on or before: the reference day itself


def test_backwards_reading_leaves_directed_phrases_alone() -> None:
    text = "She said the vote would come next Tuesday or by Friday."
    phrases = find_time_phrases(text, REF, backwards=True)
    assert [(p.text, p.window.due_date) for p in phrases] == [
        ("next Tuesday", date(2025, 10, 21)),
        ("by Friday", date(2025, 10, 17)),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The council voted to restore Sunday opening at the library.",
        "Campaigners want Sunday trading rules relaxed.",
        "The Sunday Times reported the leak.",
        "Saturday service on the line will be cut.",
        "Residents may object to the plan.",
        "Thousands will march through the capital.",
        "Second, the budget must balance.",
        "The plan, Vision 2030, sets out goals.",
        "About 3/4 of voters backed the measure.",
        "The home side won 2-1.",
        "He sat in the front row while the sun set.",
        "The shop opens every Sunday.",
        "It was the 24th amendment to the plan.",
    ],
)
def test_finder_does_not_mistake_words_for_dates(text: str) -> None:
    assert found(text) == []


def test_a_quote_with_sunday_as_an_adjective_yields_no_time_phrase() -> None:
    quote = "We will restore Sunday opening at the library and keep the reading room open"
    assert found(quote) == []
    assert found("We will restore Sunday opening at the library by March.") == ["by March"]


# Forms added with the finder, as phrases on their own (reference: Fri 17 Oct 2025).
# phrase, due_date, earliest_date, precision, vague
MORE_CASES: list[tuple[str, str | None, str | None, str | None, bool]] = [
    # --- abbreviated weekdays
    ("Thu", "2025-10-23", "2025-10-23", "day", False),
    ("Thurs.", "2025-10-23", "2025-10-23", "day", False),
    ("Thur", "2025-10-23", "2025-10-23", "day", False),
    ("Tues", "2025-10-21", "2025-10-21", "day", False),
    ("Tue.", "2025-10-21", "2025-10-21", "day", False),
    ("Wed.", "2025-10-22", "2025-10-22", "day", False),
    ("on Wed", "2025-10-22", "2025-10-22", "day", False),
    ("Fri", "2025-10-17", "2025-10-17", "day", False),
    ("by Fri", "2025-10-17", None, "day", False),
    ("Sat", "2025-10-18", "2025-10-18", "day", False),
    ("on Sat.", "2025-10-18", "2025-10-18", "day", False),
    ("Sun.", "2025-10-19", "2025-10-19", "day", False),
    ("Mon", "2025-10-20", "2025-10-20", "day", False),
    ("next Thu", "2025-10-23", "2025-10-23", "day", False),
    ("last Wed", "2025-10-15", "2025-10-15", "day", False),
    # --- parts of a day and times of day
    ("Friday morning", "2025-10-17", "2025-10-17", "day", False),
    ("on Monday night", "2025-10-20", "2025-10-20", "day", False),
    ("Sunday evening", "2025-10-19", "2025-10-19", "day", False),
    ("tomorrow morning", "2025-10-18", "2025-10-18", "day", False),
    ("tomorrow night", "2025-10-18", "2025-10-18", "day", False),
    ("by 5 p.m. Friday", "2025-10-17", None, "day", False),
    ("by 5pm on Friday", "2025-10-17", None, "day", False),
    ("at noon tomorrow", "2025-10-18", "2025-10-18", "day", False),
    ("by five o'clock today", "2025-10-17", None, "day", False),
    ("Friday at 9 a.m.", "2025-10-17", "2025-10-17", "day", False),
    ("by midnight on Sunday", "2025-10-19", None, "day", False),
    ("9:30 a.m. Monday", "2025-10-20", "2025-10-20", "day", False),
    ("at 8 p.m. on Thursday", "2025-10-23", "2025-10-23", "day", False),
    # --- weekdays of a named week, after next, N from now, possessive
    ("Wednesday of next week", "2025-10-22", "2025-10-22", "day", False),
    ("on Thursday of this week", "2025-10-16", "2025-10-16", "day", False),
    ("Monday of last week", "2025-10-06", "2025-10-06", "day", False),
    ("Friday after next", "2025-10-31", "2025-10-31", "day", False),
    ("Tuesday after next", "2025-10-28", "2025-10-28", "day", False),
    ("three Fridays from now", "2025-11-07", "2025-11-07", "day", False),
    ("two Mondays from now", "2025-10-27", "2025-10-27", "day", False),
    ("a Friday from now", "2025-10-24", "2025-10-24", "day", False),
    ("next Saturday's", "2025-10-25", "2025-10-25", "day", False),
    ("Tuesday's", "2025-10-21", "2025-10-21", "day", False),
    ("by Friday's", "2025-10-17", None, "day", False),
    # --- abbreviated months
    ("Sept. 14", "2026-09-14", "2026-09-14", "day", False),
    ("Sept 30", "2026-09-30", "2026-09-30", "day", False),
    ("Oct. 31", "2025-10-31", "2025-10-31", "day", False),
    ("Nov. 4", "2025-11-04", "2025-11-04", "day", False),
    ("Dec 1st", "2025-12-01", "2025-12-01", "day", False),
    ("Jan. 5, 2026", "2026-01-05", "2026-01-05", "day", False),
    ("Feb. 2", "2026-02-02", "2026-02-02", "day", False),
    ("Thu., Oct. 23", "2025-10-23", "2025-10-23", "day", False),
    ("Sat., Nov. 1", "2025-11-01", "2025-11-01", "day", False),
    ("by Dec. 1", "2025-12-01", None, "day", False),
    ("in Sept.", "2026-09-30", "2026-09-01", "month", False),
    ("by Nov.", "2025-11-30", None, "month", False),
    # --- numeric dates
    ("2/15", "2026-02-15", "2026-02-15", "day", False),
    ("on 2/15", "2026-02-15", "2026-02-15", "day", False),
    ("by 12/1", "2025-12-01", None, "day", False),
    ("before 11/1", "2025-10-31", None, "day", False),
    ("31.10.2025", "2025-10-31", "2025-10-31", "day", False),
    ("1.11.2025", "2025-11-01", "2025-11-01", "day", False),
    ("by 15.12.2025", "2025-12-15", None, "day", False),
    ("2025-11-03", "2025-11-03", "2025-11-03", "day", False),
    ("until 2025-12-31", "2025-12-31", None, "day", False),
    ("10/31/25", "2025-10-31", "2025-10-31", "day", False),
    # --- ordinal days
    ("the 24th", "2025-10-24", "2025-10-24", "day", False),
    ("the 17th", "2025-10-17", "2025-10-17", "day", False),
    ("on the 1st", "2025-11-01", "2025-11-01", "day", False),
    ("by the 20th", "2025-10-20", None, "day", False),
    ("before the 1st", "2025-10-31", None, "day", False),
    ("first of March", "2026-03-01", "2026-03-01", "day", False),
    ("the first of March", "2026-03-01", "2026-03-01", "day", False),
    ("the fifteenth of November", "2025-11-15", "2025-11-15", "day", False),
    ("twenty-first of October", "2025-10-21", "2025-10-21", "day", False),
    ("the thirty-first of December", "2025-12-31", "2025-12-31", "day", False),
    ("by the first of December", "2025-12-01", None, "day", False),
    ("March 1st", "2026-03-01", "2026-03-01", "day", False),
    ("the 1st of March", "2026-03-01", "2026-03-01", "day", False),
    ("on the 3rd of November", "2025-11-03", "2025-11-03", "day", False),
    # --- days read backwards by "since"
    ("since Monday", "2025-10-13", "2025-10-13", "day", False),
    ("since the 3rd", "2025-10-03", "2025-10-03", "day", False),
    ("since Oct. 1", "2025-10-01", "2025-10-01", "day", False),
    # --- periods, past and future
    ("mid-November", "2025-11-20", "2025-11-11", "month", False),
    ("end of next month", "2025-11-30", None, "month", False),
    ("by the end of next month", "2025-11-30", None, "month", False),
    ("earlier this week", "2025-10-17", "2025-10-13", "week", False),
    ("earlier this month", "2025-10-17", "2025-10-01", "month", False),
    ("earlier this year", "2025-10-17", "2025-01-01", "year", False),
    ("later this month", "2025-10-31", "2025-10-17", "month", False),
    ("later this year", "2025-12-31", "2025-10-17", "year", False),
    ("within a fortnight", "2025-10-31", "2025-10-17", "week", False),
    ("in a fortnight", "2025-10-31", None, "week", False),
    ("over the next few days", "2025-10-20", "2025-10-17", "day", True),
    ("over the weekend", "2025-10-19", "2025-10-18", "week", False),
    ("next weekend", "2025-10-26", "2025-10-25", "week", False),
    ("last weekend", "2025-10-12", "2025-10-11", "week", False),
    ("for a month", "2025-11-17", "2025-10-17", "month", False),
    ("for two weeks", "2025-10-31", "2025-10-17", "week", False),
    ("for three days", "2025-10-20", "2025-10-17", "day", False),
    # --- the following day / event-tied phrases without a date
    ("before the next election", None, None, None, True),
    ("by the summer recess", None, None, None, True),
    ("after the referendum", None, None, None, True),
    ("ahead of the vote", None, None, None, True),
    ("before the general election", None, None, None, True),
]


@pytest.mark.parametrize(
    ("phrase", "due", "earliest", "precision", "vague"),
    MORE_CASES,
    ids=[c[0][:60] for c in MORE_CASES],
)
def test_news_forms_resolve_to_their_window(
    phrase: str, due: str | None, earliest: str | None, precision: str | None, vague: bool
) -> None:
    window = resolve_time_phrase(phrase, REF)

    assert window.recognised
    assert (window.due_date, window.earliest_date, window.precision, window.vague) == (
        as_date(due),
        as_date(earliest),
        precision,
        vague,
    )


# Sentences as news copy phrases them (written for these tests), each with the one time
# expression the finder must return: its exact text and its window from REF (Fri 17 Oct).
# sentence, phrase, due_date, earliest_date, precision, vague, past
IN_SENTENCES: list[tuple[str, str, str | None, str | None, str | None, bool, bool]] = [
    # --- days
    (
        "The minister will announce the plan today, aides said.",
        "today",
        "2025-10-17",
        "2025-10-17",
        "day",
        False,
        False,
    ),
    (
        "The report will be published tomorrow morning.",
        "tomorrow morning",
        "2025-10-18",
        "2025-10-18",
        "day",
        False,
        False,
    ),
    (
        "Results are due later today, the commission said.",
        "later today",
        "2025-10-17",
        "2025-10-17",
        "day",
        False,
        False,
    ),
    (
        "The vote was held yesterday in the capital.",
        "yesterday",
        "2025-10-16",
        "2025-10-16",
        "day",
        False,
        True,
    ),
    (
        "He said the talks had ended the day before yesterday.",
        "the day before yesterday",
        "2025-10-15",
        "2025-10-15",
        "day",
        False,
        True,
    ),
    (
        "A decision is expected by tonight, a spokesman said.",
        "by tonight",
        "2025-10-17",
        None,
        "day",
        False,
        False,
    ),
    (
        "Officials said earlier today that the bridge would reopen.",
        "earlier today",
        "2025-10-17",
        "2025-10-17",
        "day",
        False,
        True,
    ),
    (
        "The strike will end at midnight tonight.",
        "at midnight tonight",
        "2025-10-17",
        "2025-10-17",
        "day",
        False,
        False,
    ),
    (
        "Staff must file the forms by 5 p.m. Friday.",
        "by 5 p.m. Friday",
        "2025-10-17",
        None,
        "day",
        False,
        False,
    ),
    (
        "The polls close at 8 p.m. on Thursday in most states.",
        "at 8 p.m. on Thursday",
        "2025-10-23",
        "2025-10-23",
        "day",
        False,
        False,
    ),
    (
        "The court will rule on Monday at 10 a.m., a clerk said.",
        "on Monday at 10 a.m.",
        "2025-10-20",
        "2025-10-20",
        "day",
        False,
        False,
    ),
    (
        "The ceasefire begins at noon on Sunday, both sides said.",
        "at noon on Sunday",
        "2025-10-19",
        "2025-10-19",
        "day",
        False,
        False,
    ),
    (
        "Voting will take place on Sunday, the electoral board said.",
        "on Sunday",
        "2025-10-19",
        "2025-10-19",
        "day",
        False,
        False,
    ),
    (
        "The bill goes to committee on Wednesday.",
        "on Wednesday",
        "2025-10-22",
        "2025-10-22",
        "day",
        False,
        False,
    ),
    (
        "The regulator will publish its findings this Thursday.",
        "this Thursday",
        "2025-10-23",
        "2025-10-23",
        "day",
        False,
        False,
    ),
    (
        "Talks resume next Monday in Geneva.",
        "next Monday",
        "2025-10-20",
        "2025-10-20",
        "day",
        False,
        False,
    ),
    (
        "The ship is due to dock on Saturday morning.",
        "on Saturday morning",
        "2025-10-18",
        "2025-10-18",
        "day",
        False,
        False,
    ),
    (
        "The party will choose its leader on Sunday afternoon.",
        "on Sunday afternoon",
        "2025-10-19",
        "2025-10-19",
        "day",
        False,
        False,
    ),
    (
        "The verdict is expected Thursday night.",
        "Thursday night",
        "2025-10-23",
        "2025-10-23",
        "day",
        False,
        False,
    ),
    (
        "Ballots must arrive no later than Tuesday.",
        "no later than Tuesday",
        "2025-10-21",
        None,
        "day",
        False,
        False,
    ),
    (
        "Both sides will hold a second round on Wednesday of next week.",
        "on Wednesday of next week",
        "2025-10-22",
        "2025-10-22",
        "day",
        False,
        False,
    ),
    (
        "The committee meets again on Friday next week.",
        "on Friday next week",
        "2025-10-24",
        "2025-10-24",
        "day",
        False,
        False,
    ),
    (
        "The launch was moved to Friday after next.",
        "Friday after next",
        "2025-10-31",
        "2025-10-31",
        "day",
        False,
        False,
    ),
    (
        "The trial opens on the Monday after next.",
        "on the Monday after next",
        "2025-10-27",
        "2025-10-27",
        "day",
        False,
        False,
    ),
    (
        "He said the shipment left last Tuesday.",
        "last Tuesday",
        "2025-10-14",
        "2025-10-14",
        "day",
        False,
        True,
    ),
    (
        "The firm said it would cut 200 jobs on Thu. and more later.",
        "on Thu.",
        "2025-10-23",
        "2025-10-23",
        "day",
        False,
        False,
    ),
    (
        "The hearing is set for Tue., Oct. 21, at the high court.",
        "Tue., Oct. 21",
        "2025-10-21",
        "2025-10-21",
        "day",
        False,
        False,
    ),
    (
        "Sales open on Sat., Nov. 1, organisers said.",
        "on Sat., Nov. 1",
        "2025-11-01",
        "2025-11-01",
        "day",
        False,
        False,
    ),
    (
        "Tuesday's vote will decide the budget.",
        "Tuesday's",
        "2025-10-21",
        "2025-10-21",
        "day",
        False,
        False,
    ),
    (
        "Voters go to the polls in next Saturday's election.",
        "next Saturday's",
        "2025-10-25",
        "2025-10-25",
        "day",
        False,
        False,
    ),
    (
        "Friday's deadline will not be extended, the ministry said.",
        "Friday's",
        "2025-10-17",
        "2025-10-17",
        "day",
        False,
        False,
    ),
    (
        "Three Fridays from now the books will close.",
        "Three Fridays from now",
        "2025-11-07",
        "2025-11-07",
        "day",
        False,
        False,
    ),
    (
        "The rules change on the first of March, the agency said.",
        "on the first of March",
        "2026-03-01",
        "2026-03-01",
        "day",
        False,
        False,
    ),
    (
        "Applications close on March 1st.",
        "on March 1st",
        "2026-03-01",
        "2026-03-01",
        "day",
        False,
        False,
    ),
    (
        "The vote is set for Nov. 4 in all districts.",
        "Nov. 4",
        "2025-11-04",
        "2025-11-04",
        "day",
        False,
        False,
    ),
    (
        "The summit opens Sept. 14 in Rome.",
        "Sept. 14",
        "2026-09-14",
        "2026-09-14",
        "day",
        False,
        False,
    ),
    (
        "The sale will close on October 31, 2025, the buyer said.",
        "on October 31, 2025",
        "2025-10-31",
        "2025-10-31",
        "day",
        False,
        False,
    ),
    (
        "Parliament reconvenes on 3 November.",
        "on 3 November",
        "2025-11-03",
        "2025-11-03",
        "day",
        False,
        False,
    ),
    (
        "The deadline is the 24th, the clerk said.",
        "the 24th",
        "2025-10-24",
        "2025-10-24",
        "day",
        False,
        False,
    ),
    ("Payments resume on the 1st.", "on the 1st", "2025-11-01", "2025-11-01", "day", False, False),
    ("The offer stands until the 31st.", "until the 31st", "2025-10-31", None, "day", False, False),
    ("Bids are due by Dec. 1 at the latest.", "by Dec. 1", "2025-12-01", None, "day", False, False),
    (
        "The contract runs until 2025-12-31 under the deal.",
        "until 2025-12-31",
        "2025-12-31",
        None,
        "day",
        False,
        False,
    ),
    (
        "The filing deadline is 31.10.2025, the tax office said.",
        "31.10.2025",
        "2025-10-31",
        "2025-10-31",
        "day",
        False,
        False,
    ),
    (
        "Shareholders vote on 11/20/2025 on the merger.",
        "on 11/20/2025",
        "2025-11-20",
        "2025-11-20",
        "day",
        False,
        False,
    ),
    (
        "The first payment is due on 2/15, the lender said.",
        "on 2/15",
        "2026-02-15",
        "2026-02-15",
        "day",
        False,
        False,
    ),
    ("Bids must be in by 12/1.", "by 12/1", "2025-12-01", None, "day", False, False),
    (
        "The last day to register is 10/31/25.",
        "10/31/25",
        "2025-10-31",
        "2025-10-31",
        "day",
        False,
        False,
    ),
    (
        "The shops will reopen before Christmas.",
        "before Christmas",
        "2025-12-24",
        None,
        "day",
        False,
        False,
    ),
    (
        "Officials hope to agree by Thanksgiving.",
        "by Thanksgiving",
        "2025-11-27",
        None,
        "day",
        False,
        False,
    ),
    (
        "Work on the line will stop over Christmas.",
        "over Christmas",
        "2025-12-25",
        "2025-12-25",
        "day",
        False,
        False,
    ),
    (
        "The festival returns on New Year's Eve.",
        "on New Year's Eve",
        "2025-12-31",
        "2025-12-31",
        "day",
        False,
        False,
    ),
    # --- weeks
    (
        "The bank will publish the figures this week.",
        "this week",
        "2025-10-19",
        "2025-10-17",
        "week",
        False,
        False,
    ),
    (
        "Parliament will debate the bill next week.",
        "next week",
        "2025-10-26",
        "2025-10-20",
        "week",
        False,
        False,
    ),
    (
        "A decision is due early next week.",
        "early next week",
        "2025-10-22",
        "2025-10-20",
        "week",
        False,
        False,
    ),
    (
        "He will sign the order later this week.",
        "later this week",
        "2025-10-19",
        "2025-10-17",
        "week",
        False,
        False,
    ),
    (
        "The strike was called off earlier this week.",
        "earlier this week",
        "2025-10-17",
        "2025-10-13",
        "week",
        False,
        True,
    ),
    (
        "The report is due by the end of next week.",
        "by the end of next week",
        "2025-10-26",
        None,
        "week",
        False,
        False,
    ),
    (
        "The fund will be wound up by the weekend.",
        "by the weekend",
        "2025-10-19",
        None,
        "week",
        False,
        False,
    ),
    (
        "Repairs will continue over the weekend.",
        "over the weekend",
        "2025-10-19",
        "2025-10-18",
        "week",
        False,
        False,
    ),
    (
        "The plan will be unveiled the week after next.",
        "the week after next",
        "2025-11-02",
        "2025-10-27",
        "week",
        False,
        False,
    ),
    (
        "Talks could resume this week or next, diplomats said.",
        "this week or next",
        "2025-10-26",
        "2025-10-17",
        "week",
        False,
        False,
    ),
    (
        "Negotiators met last week in Oslo.",
        "last week",
        "2025-10-12",
        "2025-10-06",
        "week",
        False,
        True,
    ),
    (
        "Results are due within the week.",
        "within the week",
        "2025-10-19",
        "2025-10-17",
        "week",
        False,
        False,
    ),
    (
        "Police expect the road to reopen next weekend.",
        "next weekend",
        "2025-10-26",
        "2025-10-25",
        "week",
        False,
        False,
    ),
    (
        "The festival was held last weekend.",
        "last weekend",
        "2025-10-12",
        "2025-10-11",
        "week",
        False,
        True,
    ),
    # --- amounts of time
    (
        "The agency will decide within a fortnight.",
        "within a fortnight",
        "2025-10-31",
        "2025-10-17",
        "week",
        False,
        False,
    ),
    (
        "A ruling is expected within the next 10 days.",
        "within the next 10 days",
        "2025-10-27",
        "2025-10-17",
        "day",
        False,
        False,
    ),
    (
        "Repairs should take place over the next few days.",
        "over the next few days",
        "2025-10-20",
        "2025-10-17",
        "day",
        True,
        False,
    ),
    (
        "The company will respond within 48 hours.",
        "within 48 hours",
        "2025-10-19",
        "2025-10-17",
        "day",
        False,
        False,
    ),
    ("The deal will close in two weeks.", "in two weeks", "2025-10-31", None, "week", False, False),
    (
        "Officials will meet again in three days.",
        "in three days",
        "2025-10-20",
        "2025-10-20",
        "day",
        False,
        False,
    ),
    (
        "The move takes effect two weeks from now.",
        "two weeks from now",
        "2025-10-31",
        None,
        "week",
        False,
        False,
    ),
    (
        "The new rules apply a week from Monday.",
        "a week from Monday",
        "2025-10-27",
        None,
        "week",
        False,
        False,
    ),
    (
        "Voters will decide in a month's time.",
        "in a month's time",
        "2025-11-17",
        None,
        "month",
        False,
        False,
    ),
    (
        "The shipment arrived three days ago.",
        "three days ago",
        "2025-10-14",
        "2025-10-14",
        "day",
        False,
        True,
    ),
    (
        "The mayor took office two weeks ago.",
        "two weeks ago",
        "2025-10-03",
        None,
        "week",
        False,
        True,
    ),
    (
        "Construction will continue over the next two years.",
        "over the next two years",
        "2027-10-17",
        "2025-10-17",
        "year",
        False,
        False,
    ),
    (
        "Prices have risen over the past three months.",
        "over the past three months",
        "2025-10-17",
        "2025-07-17",
        "month",
        False,
        True,
    ),
    (
        "The plant will be closed for six weeks.",
        "for six weeks",
        "2025-11-28",
        "2025-10-17",
        "week",
        False,
        False,
    ),
    (
        "The board will report within 30 days.",
        "within 30 days",
        "2025-11-16",
        "2025-10-17",
        "day",
        False,
        False,
    ),
    (
        "The review will take up to six months.",
        "up to six months",
        "2026-04-17",
        "2025-10-17",
        "month",
        False,
        False,
    ),
    (
        "Work should finish in less than a year.",
        "in less than a year",
        "2026-10-17",
        "2025-10-17",
        "year",
        False,
        False,
    ),
    (
        "The money will be paid within 10 business days.",
        "within 10 business days",
        "2025-10-31",
        "2025-10-17",
        "day",
        False,
        False,
    ),
    (
        "The money will arrive in the coming days.",
        "in the coming days",
        "2025-10-24",
        "2025-10-17",
        "week",
        True,
        False,
    ),
    (
        "More layoffs are expected in the coming weeks.",
        "in the coming weeks",
        "2025-11-14",
        "2025-10-17",
        "month",
        True,
        False,
    ),
    (
        "The court will rule in the coming months.",
        "in the coming months",
        "2026-01-15",
        "2025-10-17",
        "quarter",
        True,
        False,
    ),
    (
        "Talks are expected to continue in the weeks ahead.",
        "in the weeks ahead",
        "2025-11-14",
        "2025-10-17",
        "month",
        True,
        False,
    ),
    (
        "The government will act within days, a minister said.",
        "within days",
        "2025-10-24",
        "2025-10-17",
        "week",
        True,
        False,
    ),
    (
        "The vote will take place in a couple of weeks.",
        "in a couple of weeks",
        "2025-10-31",
        None,
        "week",
        False,
        False,
    ),
    (
        "A ruling is due in six to eight weeks.",
        "in six to eight weeks",
        "2025-12-12",
        None,
        "week",
        False,
        False,
    ),
    (
        "Ministers will meet again a year from now.",
        "a year from now",
        "2026-10-17",
        None,
        "year",
        False,
        False,
    ),
    (
        "The strike will last for three days.",
        "for three days",
        "2025-10-20",
        "2025-10-17",
        "day",
        False,
        False,
    ),
    (
        "The talks would take place sometime during the next two weeks.",
        "sometime during the next two weeks",
        "2025-10-31",
        "2025-10-17",
        "week",
        False,
        False,
    ),
    (
        "Gift cards will be honoured for a month.",
        "for a month",
        "2025-11-17",
        "2025-10-17",
        "month",
        False,
        False,
    ),
    # --- months
    (
        "The council will vote in November.",
        "in November",
        "2025-11-30",
        "2025-11-01",
        "month",
        False,
        False,
    ),
    (
        "The agreement expires at the end of November.",
        "at the end of November",
        "2025-11-30",
        None,
        "month",
        False,
        False,
    ),
    (
        "The rebate will be paid by the end of next month.",
        "by the end of next month",
        "2025-11-30",
        None,
        "month",
        False,
        False,
    ),
    (
        "The plant will restart in mid-November.",
        "in mid-November",
        "2025-11-20",
        "2025-11-11",
        "month",
        False,
        False,
    ),
    (
        "The law takes effect in early December.",
        "in early December",
        "2025-12-10",
        "2025-12-01",
        "month",
        False,
        False,
    ),
    (
        "Elections are planned for late January.",
        "late January",
        "2026-01-31",
        "2026-01-21",
        "month",
        False,
        False,
    ),
    (
        "The firm expects to file later this month.",
        "later this month",
        "2025-10-31",
        "2025-10-17",
        "month",
        False,
        False,
    ),
    (
        "The tender will be launched next month.",
        "next month",
        "2025-11-30",
        "2025-11-01",
        "month",
        False,
        False,
    ),
    (
        "A decision is due by March, officials said.",
        "by March",
        "2026-03-31",
        None,
        "month",
        False,
        False,
    ),
    (
        "The cuts will begin in March 2026.",
        "in March 2026",
        "2026-03-31",
        "2026-03-01",
        "month",
        False,
        False,
    ),
    (
        "The audit will be finished by the end of the month.",
        "by the end of the month",
        "2025-10-31",
        None,
        "month",
        False,
        False,
    ),
    (
        "Work will start at the beginning of next month.",
        "at the beginning of next month",
        "2025-11-10",
        "2025-11-01",
        "month",
        False,
        False,
    ),
    (
        "Officials expect a decision by mid-December.",
        "by mid-December",
        "2025-12-20",
        None,
        "month",
        False,
        False,
    ),
    (
        "Prices rose sharply earlier this month.",
        "earlier this month",
        "2025-10-17",
        "2025-10-01",
        "month",
        False,
        True,
    ),
    (
        "The board will meet again in Sept. to review the plan.",
        "in Sept.",
        "2026-09-30",
        "2026-09-01",
        "month",
        False,
        False,
    ),
    # --- quarters, halves, years, seasons, decades
    (
        "Profits should recover in the third quarter of 2026.",
        "in the third quarter of 2026",
        "2026-09-30",
        "2026-07-01",
        "quarter",
        False,
        False,
    ),
    (
        "The merger should close by Q1 2026.",
        "by Q1 2026",
        "2026-03-31",
        None,
        "quarter",
        False,
        False,
    ),
    (
        "The product launches in H2 2026.",
        "in H2 2026",
        "2026-12-31",
        "2026-07-01",
        "quarter",
        False,
        False,
    ),
    (
        "The firm will list its shares in the first half of next year.",
        "in the first half of next year",
        "2026-06-30",
        "2026-01-01",
        "quarter",
        False,
        False,
    ),
    (
        "The line will open in 2027, the operator said.",
        "in 2027",
        "2027-12-31",
        "2027-01-01",
        "year",
        False,
        False,
    ),
    ("Emissions will be halved by 2030.", "by 2030", "2030-12-31", None, "year", False, False),
    (
        "The runway will be finished by the end of 2026.",
        "by the end of 2026",
        "2026-12-31",
        None,
        "year",
        False,
        False,
    ),
    (
        "The stadium will be ready by mid-2027.",
        "by mid-2027",
        "2027-08-31",
        None,
        "month",
        False,
        False,
    ),
    (
        "Growth is forecast to pick up early next year.",
        "early next year",
        "2026-04-30",
        "2026-01-01",
        "month",
        False,
        False,
    ),
    (
        "The plan will be reviewed later this year.",
        "later this year",
        "2025-12-31",
        "2025-10-17",
        "year",
        False,
        False,
    ),
    (
        "The treaty will be signed this summer.",
        "this summer",
        "2026-08-31",
        "2026-06-01",
        "month",
        False,
        False,
    ),
    ("The bridge will reopen by summer.", "by summer", "2026-06-30", None, "month", False, False),
    (
        "The new line will open next spring.",
        "next spring",
        "2026-05-31",
        "2026-03-01",
        "month",
        False,
        False,
    ),
    (
        "Heating costs will rise this winter.",
        "this winter",
        "2026-02-28",
        "2025-12-01",
        "month",
        False,
        False,
    ),
    (
        "The project will be completed by the end of the decade.",
        "by the end of the decade",
        "2029-12-31",
        None,
        "year",
        False,
        False,
    ),
    (
        "The vaccine could be available by year-end.",
        "by year-end",
        "2025-12-31",
        None,
        "year",
        False,
        False,
    ),
    ("Sales fell sharply last year.", "last year", "2024-12-31", "2024-01-01", "year", False, True),
    (
        "The board will meet before the end of the year.",
        "before the end of the year",
        "2025-12-31",
        None,
        "year",
        False,
        False,
    ),
    (
        "The tax will be introduced in the new year.",
        "in the new year",
        "2026-01-31",
        "2026-01-01",
        "month",
        True,
        False,
    ),
    # --- vague, and tied to an event of unknown date
    ("The minister said the decision would come soon.", "soon", None, None, None, True, False),
    ("The bill will eventually pass, aides said.", "eventually", None, None, None, True, False),
    ("A deal could come in the near future.", "in the near future", None, None, None, True, False),
    ("The ruling will come in due course.", "in due course", None, None, None, True, False),
    (
        "No new tax will be introduced before the next election.",
        "before the next election",
        None,
        None,
        None,
        True,
        False,
    ),
    (
        "The bill will pass before the summer recess, he said.",
        "before the summer recess",
        None,
        None,
        None,
        True,
        False,
    ),
    (
        "The party will pick a leader ahead of the vote.",
        "ahead of the vote",
        None,
        None,
        None,
        True,
        False,
    ),
]


@pytest.mark.parametrize(
    ("sentence", "phrase", "due", "earliest", "precision", "vague", "past"),
    IN_SENTENCES,
    ids=[c[1] for c in IN_SENTENCES],
)
def test_finder_finds_the_expression_in_a_news_sentence(
    sentence: str,
    phrase: str,
    due: str | None,
    earliest: str | None,
    precision: str | None,
    vague: bool,
    past: bool,
) -> None:
    (found_phrase,) = find_time_phrases(sentence, REF)

    assert found_phrase.text == phrase
    assert sentence[found_phrase.start : found_phrase.end] == phrase
    window = found_phrase.window
    assert (window.due_date, window.earliest_date, window.precision, window.vague) == (
        as_date(due),
        as_date(earliest),
        precision,
        vague,
    )
    assert found_phrase.past is past


# Speech time: read backwards, a day with no direction of its own is the most recent one
# on or before the reference (Fri 17 Oct); phrases with a direction keep it.
# sentence, phrase, due_date
READ_BACKWARDS: list[tuple[str, str, str]] = [
    ("The minister said on Thursday that taxes would rise.", "on Thursday", "2025-10-16"),
    ("Trump said on Tuesday that he would visit the plant.", "on Tuesday", "2025-10-14"),
    ("The company said Monday it would cut 300 jobs.", "Monday", "2025-10-13"),
    ("In a statement on Friday, the club said the coach would stay.", "on Friday", "2025-10-17"),
    ("The union said Thu. it would strike.", "Thu.", "2025-10-16"),
    ("He promised on Sunday to cut fares.", "on Sunday", "2025-10-12"),
    ("On Wednesday, the mayor said the pool would reopen.", "On Wednesday", "2025-10-15"),
    ("Officials said Thursday night that the road would reopen.", "Thursday night", "2025-10-16"),
    ("The ministry said on Oct. 14 that the plant would close.", "on Oct. 14", "2025-10-14"),
    (
        "The minister told parliament on 9 October that the law would pass.",
        "on 9 October",
        "2025-10-09",
    ),
    ("The firm announced on the 3rd that it would list its shares.", "on the 3rd", "2025-10-03"),
    ("The report, published on 10/2, said rates would rise.", "on 10/2", "2025-10-02"),
    ("Speaking on Oct. 20, the envoy said talks would resume.", "on Oct. 20", "2024-10-20"),
    ("She said on the 17th that the bill would pass.", "on the 17th", "2025-10-17"),
    ("The board said next Tuesday's vote would be close.", "next Tuesday's", "2025-10-21"),
    ("He said last Friday that he would resign.", "last Friday", "2025-10-10"),
    ("The envoy said yesterday that the talks would resume.", "yesterday", "2025-10-16"),
    ("The minister will speak tomorrow, aides said.", "tomorrow", "2025-10-18"),
    ("Staff were told to leave by Friday.", "by Friday", "2025-10-17"),
    ("The vote will come before Thursday.", "before Thursday", "2025-10-22"),
]


@pytest.mark.parametrize(
    ("sentence", "phrase", "due"), READ_BACKWARDS, ids=[c[1] for c in READ_BACKWARDS]
)
def test_backwards_reading_of_a_news_sentence(sentence: str, phrase: str, due: str) -> None:
    (found_phrase,) = find_time_phrases(sentence, REF, backwards=True)

    assert found_phrase.text == phrase
    assert found_phrase.window.due_date == as_date(due)
    assert found_phrase.past is (as_date(due) < REF)


# Sentences with several expressions: the finder returns them all, in order.
SEVERAL: list[tuple[str, list[str]]] = [
    ("The talks start on Monday and must end by Friday.", ["on Monday", "by Friday"]),
    (
        "Trump said on Thursday that the meeting would likely take place sometime during the next two weeks.",
        ["on Thursday", "sometime during the next two weeks"],
    ),
    (
        "The plant closed last week and will reopen in March, or by the end of the year at the latest.",
        ["last week", "in March", "by the end of the year"],
    ),
    (
        "Shares fell 3% on Tuesday; the firm expects a recovery in the second half of 2026.",
        ["on Tuesday", "in the second half of 2026"],
    ),
    (
        "Ballots went out on Oct. 6 and must be returned by Nov. 4, three weeks from now.",
        ["on Oct. 6", "by Nov. 4", "three weeks from now"],
    ),
    (
        "The board met yesterday, meets again next Tuesday and will decide within a month.",
        ["yesterday", "next Tuesday", "within a month"],
    ),
    (
        "Prices rose over the past year and will keep rising in the coming months.",
        ["over the past year", "in the coming months"],
    ),
]


@pytest.mark.parametrize(("sentence", "phrases"), SEVERAL, ids=[s[:40] for s, _ in SEVERAL])
def test_finder_returns_every_expression_of_a_sentence_in_order(
    sentence: str, phrases: list[str]
) -> None:
    result = find_time_phrases(sentence, REF)

    assert [p.text for p in result] == phrases
    assert all(sentence[p.start : p.end] == p.text for p in result)
    assert all(a.end <= b.start for a, b in zip(result, result[1:], strict=False))


NOT_DATES_IN_SENTENCES = [
    "Super Tuesday primaries will decide the race.",
    "The Good Friday Agreement ended the conflict.",
    "Black Friday sales lifted the retailer.",
    "The Sunday Times reported the leak.",
    "The library will restore Sunday opening.",
    "Ministers may approve the plan.",
    "Protesters plan to march on the ministry.",
    "The teams drew 1-1 and the score was 2-1 at half time.",
    "Polls show 3/4 of voters back the bill.",
    "Second, the council must approve the budget.",
    "The Vision 2030 plan sets goals.",
    "She was the 24th president of the society.",
    "He sat in the front row.",
    "The trains run every Friday.",
]


def test_the_table_tests_hold_at_least_500_phrases() -> None:
    count = (
        len(CASES)
        + len(OTHER_REFERENCE_CASES)
        + len(VAGUE_WITHOUT_DATE)
        + len(NOT_RECOGNISED)
        + len(MORE_CASES)
        + len(IN_SENTENCES)
        + len(READ_BACKWARDS)
        + sum(len(phrases) for _, phrases in SEVERAL)
        + len(NOT_DATES_IN_SENTENCES)
    )
    assert count >= 500


@pytest.mark.parametrize("sentence", NOT_DATES_IN_SENTENCES)
def test_finder_finds_no_date_in_names_verbs_scores_and_fractions(sentence: str) -> None:
    assert find_time_phrases(sentence, REF) == []


def test_finder_spans_survive_line_breaks_double_spaces_and_curly_quotes() -> None:
    text = "The  talks\nwill end by the end\nof next month — or “within a fortnight”, she said."
    phrases = find_time_phrases(text, REF)

    assert [p.text for p in phrases] == ["by the end\nof next month", "within a fortnight"]
    assert [p.window.due_date for p in phrases] == [date(2025, 11, 30), date(2025, 10, 31)]
    assert all(text[p.start : p.end] == p.text for p in phrases)


def test_finder_reads_names_in_lower_case_text_but_not_verbs_in_edited_copy() -> None:
    # Edited copy capitalises months and weekdays, so "march" and "may" there are verbs;
    # text with no capitals at all gives no such clue and is read as written.
    assert found("They will march on Friday.") == ["on Friday"]
    assert found("they will meet in march") == ["in march"]


def test_finder_never_raises_and_keeps_spans_inside_the_text() -> None:
    rng = random.Random(11)
    words = [*FUZZ_WORDS, "Thu.", "Sept.", "2/15", "31.10.2025", "the 24th", "“", "—", "\n", "  "]
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 14)))
        for backwards in (False, True):
            phrases = find_time_phrases(text, REF, backwards=backwards)
            for p in phrases:
                assert 0 <= p.start < p.end <= len(text)
                assert text[p.start : p.end] == p.text
            assert all(a.end <= b.start for a, b in zip(phrases, phrases[1:], strict=False))


def test_backwards_reading_takes_the_month_or_season_that_has_begun() -> None:
    text = "The leaders met in Alaska in August and again over the summer."
    phrases = find_time_phrases(text, REF, backwards=True)

    assert [(p.text, p.window.due_date, p.window.earliest_date, p.past) for p in phrases] == [
        ("in August", date(2025, 8, 31), date(2025, 8, 1), True),
        ("over the summer", date(2025, 8, 31), date(2025, 6, 1), True),
    ]
    forward = find_time_phrases(text, REF)
    assert [p.window.due_date for p in forward] == [date(2026, 8, 31), date(2026, 8, 31)]
    # A deadline word gives a direction: "by March" stays ahead.
    (by_march,) = find_time_phrases("He said it would be done by March.", REF, backwards=True)
    assert by_march.window.due_date == date(2026, 3, 31)


def test_the_following_day_counts_from_the_day_named_before_it() -> None:
    text = "The bill goes to committee on Wednesday of next week and to a vote the following day."
    phrases = find_time_phrases(text, REF)

    assert [(p.text, p.window.due_date) for p in phrases] == [
        ("on Wednesday of next week", date(2025, 10, 22)),
        ("the following day", date(2025, 10, 23)),
    ]
    assert found("The vote will be held the following day.") == []


def test_a_duration_in_the_past_is_not_a_window() -> None:
    assert found("We have been patient for eight months, the union said.") == []
    assert found("The cards will be honoured for a month.") == ["for a month"]


def test_a_period_owned_by_a_noun_is_not_a_deadline() -> None:
    (phrase,) = find_time_phrases("Households hit by last week's floods will get aid.", REF)
    assert phrase.text == "last week"
    assert phrase.past
    assert phrase.window.due_date == date(2025, 10, 12)


@pytest.mark.parametrize(
    "sentence",
    [
        "Futures rose to their highest level in two months.",
        "It was the first rate cut in three years.",
        "The verdict came after three days of hearings.",
    ],
)
def test_look_backs_and_durations_of_something_are_not_dates(sentence: str) -> None:
    assert found(sentence) == []


def test_a_word_ending_in_est_is_not_a_superlative() -> None:
    assert found("The union will hold the protest in two weeks.") == ["in two weeks"]
    assert found("The first trains will run in two weeks.") == ["in two weeks"]


def test_the_next_day_can_follow_a_following_day() -> None:
    text = "The bill is debated on Monday, voted the following day and signed the next day."
    assert [(p.text, p.window.due_date) for p in find_time_phrases(text, REF)] == [
        ("on Monday", date(2025, 10, 20)),
        ("the following day", date(2025, 10, 21)),
        ("the next day", date(2025, 10, 22)),
    ]


def test_a_huge_body_with_many_phrases_is_read_whole() -> None:
    # Selecting non-overlapping spans and counting "the following day" stay near-linear:
    # an earlier pairwise version took minutes on this text.
    text = "Talks on Friday and again the following day. " * 5_000
    phrases = find_time_phrases(text, REF)
    assert len(phrases) == 10_000
    assert phrases[-1].window.due_date == date(2025, 10, 18)


def test_a_phrase_found_resolves_alone_to_the_same_window() -> None:
    # The claim form pre-fills the phrase the finder found and proposes dates from it:
    # both must agree (except phrases that need their context, like "the following day").
    sentences = [c[0] for c in IN_SENTENCES] + [s for s, _ in SEVERAL]
    for sentence in sentences:
        for p in find_time_phrases(sentence, REF):
            alone = resolve_time_phrase(p.text, REF)
            assert (alone.due_date, alone.earliest_date, alone.precision, alone.vague) == (
                p.window.due_date,
                p.window.earliest_date,
                p.window.precision,
                p.window.vague,
            ), p.text


def test_a_year_before_a_noun_is_a_name_not_a_date() -> None:
    assert found("Officials met in the 2030 plan review.") == []
    assert found("Turnout will rise by the 2026 midterms.") == []
    assert found("The line will open in 2026, she said.") == ["in 2026"]


def test_a_weekday_with_an_ordinal_day_is_the_next_such_day() -> None:
    (phrase,) = find_time_phrases("Shares will trade on Friday the 13th.", REF)
    assert phrase.text == "on Friday the 13th"
    assert phrase.window.due_date == date(2026, 2, 13)  # the next 13th that is a Friday
    (phrase,) = find_time_phrases("The vote is on Wednesday the 22nd.", REF)
    assert phrase.window.due_date == date(2025, 10, 22)


def test_a_time_of_day_before_a_date_is_part_of_its_span() -> None:
    (phrase,) = find_time_phrases("The deal expires at 11:59 p.m. on Dec. 31.", REF)
    assert phrase.text == "at 11:59 p.m. on Dec. 31"
    assert phrase.window.due_date == date(2025, 12, 31)
    (phrase,) = find_time_phrases("Bids close by 5 p.m. on Nov. 3.", REF)
    assert (phrase.text, phrase.window.earliest_date) == ("by 5 p.m. on Nov. 3", None)


def test_the_longest_match_wins_over_a_wider_span_of_a_shorter_one() -> None:
    # "through Nov." (a month widened by its preposition) must not beat "Nov. 2" (a day).
    text = "The strike begins Oct. 27 and runs through Nov. 2."
    assert [
        (p.text, p.window.due_date, p.window.earliest_date) for p in find_time_phrases(text, REF)
    ] == [
        ("Oct. 27", date(2025, 10, 27), date(2025, 10, 27)),
        ("through Nov. 2", date(2025, 11, 2), None),
    ]
