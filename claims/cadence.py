"""The reminder cadence: which step a claim has reached, and what each step is called.

Pure functions of dates and settings, no database: claims.models, claims.services, the
sweep (claims.sweep), the digests and the notifications page all use them.

The cadence counts days after the due date (`days` = today - due_date, in TIME_ZONE):

    step 0        days >= 1                                  first reminder
    step 1..n     days >= REMINDER_FOLLOW_UP_DAYS[i]         follow-ups (default 3 and 7)
    step n+1      days >= REMINDER_ESCALATE_AFTER_DAYS       escalation to the editors (14)

Missed steps collapse: a claim that is 10 days overdue when a sweep first sees it gets one
reminder, for the latest step it has reached (`step_reached`), and never the earlier ones.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings


def plural(count: int, one: str, many: str | None = None) -> str:
    """ "1 day", "3 days", "2 people"."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


@dataclass(frozen=True)
class Step:
    """A step of the cadence, reached `days` days after the due date."""

    number: int
    days: int
    escalation: bool = False

    @property
    def name(self) -> str:
        """What the step is to the person reminded: "first reminder", "third reminder"."""
        if self.escalation:
            return "escalation to the editors"
        return f"{_ordinal(self.number + 1)} reminder"

    def describe(self, days_overdue: int | None = None) -> str:
        """The step in plain words: "third reminder, 7 days overdue", "escalated to the
        editors, 14 days overdue", "first reminder, due date passed".

        `days_overdue` is how late the claim was when the reminder went out (a claim first
        seen after its step's day gets that step late); by default the step's own day.
        """
        days = self.days if days_overdue is None else days_overdue
        what = "escalated to the editors" if self.escalation else self.name
        if self.number == 0 and days <= self.days:
            return f"{what}, due date passed"
        return f"{what}, {plural(days, 'day')} overdue"


ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]


def _ordinal(number: int) -> str:
    if number <= len(ORDINALS):
        return ORDINALS[number - 1]
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def cadence() -> list[Step]:
    """The steps, in order, from the settings (validated in config/settings.py)."""
    follow_ups = settings.REMINDER_FOLLOW_UP_DAYS
    return [
        Step(0, 1),
        *(Step(number, days) for number, days in enumerate(follow_ups, start=1)),
        Step(len(follow_ups) + 1, settings.REMINDER_ESCALATE_AFTER_DAYS, escalation=True),
    ]


def step_of(number: int, escalation: bool) -> Step:
    """The step a reminder was recorded for, as the cadence now names it.

    A step the cadence no longer has (its settings changed since) keeps its number.
    """
    steps = {(step.number, step.escalation): step for step in cadence()}
    return steps.get((number, escalation)) or Step(number, 0, escalation)


def step_reached(steps: Sequence[Step], days: int) -> tuple[Step | None, Step | None]:
    """The latest step reached `days` days after the due date, and the step after it."""
    reached = None
    for step in steps:
        if step.days > days:
            return reached, step
        reached = step
    return reached, None


def first_reminder_on(*, due_date: dt.date | None, snoozed_until: dt.date | None) -> dt.date | None:
    """`Claim.next_reminder_on` for an open claim whose cadence starts (again) from the top.

    The day of the first step, or the end of the snooze if later; None without a due date.
    Used when a claim is logged, reopened, snoozed or given a new deadline: steps already
    reminded of for this due date are skipped by the sweep, which then moves the date on.
    """
    if due_date is None:
        return None
    first = due_date + dt.timedelta(days=cadence()[0].days)
    return max(first, snoozed_until) if snoozed_until else first
