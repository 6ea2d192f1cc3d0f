"""The suite runs on a fixed clock, so no test depends on the day it runs."""

from django.utils import timezone

from tests.conftest import FIXED_NOW


def test_a_test_starts_on_the_fixed_clock() -> None:
    assert timezone.localdate() == FIXED_NOW.date()
