"""Recompute the kept scorecard counts from the claims (claims.scorecard_counts).

The services keep the counts as claims change; this is for claims written past them: a
bulk load, SQL by hand, a restore. Safe while the app runs (PostgreSQL holds claim
changes until it is done)."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from claims.models import ScorecardCount, ScorecardTotal
from claims.scorecard_counts import rebuild


class Command(BaseCommand):
    help = "Recompute the scorecard counts kept per claimant and outlet from the claims."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        rebuild()
        self.stdout.write(
            f"{ScorecardCount.objects.count():,} counts and {ScorecardTotal.objects.count():,} "
            f"totals in {time.monotonic() - started:.1f} s"
        )
