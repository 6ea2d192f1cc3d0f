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
