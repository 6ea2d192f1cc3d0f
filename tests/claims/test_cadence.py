"""The reminder cadence (claims.cadence): its steps, their wording, and the settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from claims.cadence import cadence

ROOT = Path(__file__).resolve().parents[2]


# --- The cadence from the settings, in plain words -------------------------------------


def run_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, "CLAIMTRACK_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"REMINDER_FOLLOW_UP_DAYS": "3,soon"}, "REMINDER_FOLLOW_UP_DAYS must be whole numbers"),
        ({"REMINDER_FOLLOW_UP_DAYS": "7,3"}, "REMINDER_FOLLOW_UP_DAYS must rise"),
        ({"REMINDER_ESCALATE_AFTER_DAYS": "5"}, "must come after the last follow-up"),
    ],
)
def test_a_cadence_that_makes_no_sense_stops_the_app_from_starting(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = run_check(tmp_path, **env)

    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.slow
def test_the_cadence_comes_from_the_environment(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from claims.cadence import cadence; print([(s.number, s.days, s.escalation) for s in cadence()])",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "CLAIMTRACK_VAR_DIR": str(tmp_path),
            "REMINDER_FOLLOW_UP_DAYS": "2, 5, 10",
            "REMINDER_ESCALATE_AFTER_DAYS": "21",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.stdout.strip().splitlines()[-1] == (
        "[(0, 1, False), (1, 2, False), (2, 5, False), (3, 10, False), (4, 21, True)]"
    )


def test_each_step_of_the_cadence_says_what_it_is_in_plain_words(settings: Settings) -> None:
    settings.REMINDER_FOLLOW_UP_DAYS = [3, 7]
    settings.REMINDER_ESCALATE_AFTER_DAYS = 14
    assert [step.describe() for step in cadence()] == [
        "first reminder, due date passed",
        "second reminder, 3 days overdue",
        "third reminder, 7 days overdue",
        "escalated to the editors, 14 days overdue",
    ]
    settings.REMINDER_FOLLOW_UP_DAYS = [2, 4, 6, 8, 10, 12, 14, 16, 18, 20]
    settings.REMINDER_ESCALATE_AFTER_DAYS = 30
    steps = cadence()
    assert steps[1].describe() == "second reminder, 2 days overdue"
    assert steps[10].describe() == "11th reminder, 20 days overdue"
    # A step first reached late says how late.
    assert steps[0].describe(days_overdue=4) == "first reminder, 4 days overdue"
