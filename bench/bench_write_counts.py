"""What keeping the scorecard counts costs a write: claims.services.resolve_claim and
create_claim with the counts kept (as shipped) and with the counting switched off in this
process (the write as it was before claims.scorecard_counts), on the biggest claimant's
open claims, where every change hits the same total row.

    DATABASE_URL=postgres://... python bench/bench_write_counts.py [--count 200] [--rounds 3]

Each write runs in a transaction that is rolled back, so the database is left as it was
(the commit itself is not timed). Prints the median time per call and the statements per
call of each variant, interleaved over --rounds rounds so that load drifts hit both.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from claims import scorecard_counts, services  # noqa: E402
from claims.models import Claim, ClaimStatus, Person  # noqa: E402


class Rollback(Exception):
    pass


@contextlib.contextmanager
def counting(on: bool) -> Iterator[None]:
    """The counting as shipped, or switched off (the write path as before it)."""
    if on:
        yield
        return
    names = [
        (services, "count_change"),
        (services, "lock_outlet"),
        (scorecard_counts, "count_change"),
        (scorecard_counts, "lock_outlet"),
    ]
    saved = [getattr(module, name) for module, name in names]
    for module, name in names:
        setattr(module, name, lambda *args, **kwargs: None)
    try:
        yield
    finally:
        for (module, name), value in zip(names, saved, strict=True):
            setattr(module, name, value)


def timed(write: Callable[[], object]) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        try:
            with transaction.atomic():
                write()
                raise Rollback
        except Rollback:
            pass
        elapsed = time.perf_counter() - started
    return elapsed * 1000, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark is for PostgreSQL.")
    editor = User.objects.get(username="editor1")
    person = Person.objects.annotate(n=Count("claims")).order_by("-n").first()
    assert person is not None
    pks = list(
        Claim.objects.filter(claimant=person, status=ClaimStatus.OPEN)
        .order_by("id")
        .values_list("pk", flat=True)[: args.count]
    )
    print(
        f"claimant {person.pk} ({person.n} claims), {len(pks)} open claims, load {os.getloadavg()}"
    )
    outcome = dt.date.today() - dt.timedelta(days=1)
    results: dict[str, list[tuple[float, int]]] = {}
    for _ in range(args.rounds):
        for on in (False, True):
            label = "kept" if on else "off"
            with counting(on):
                for pk in pks:
                    # As a request loads it (the rolled-back write left the instance moved on).
                    claim = Claim.objects.select_related("article").get(pk=pk)
                    results.setdefault(f"resolve_claim {label}", []).append(
                        timed(
                            lambda c=claim: services.resolve_claim(
                                claim=c,
                                by=editor,
                                version=c.version,
                                status="fulfilled",
                                outcome_date=outcome,
                            )
                        )
                    )
                    results.setdefault(f"create_claim {label}", []).append(
                        timed(
                            lambda c=claim: services.create_claim(
                                article=c.article,
                                by=editor,
                                statement="Bench claim",
                                claimant=person.name,
                                due_date=c.due_date,
                            )
                        )
                    )
    for key, values in sorted(results.items()):
        times = [t for t, _ in values]
        print(
            f"{key:22} median {statistics.median(times):6.2f} ms  "
            f"p95 {sorted(times)[int(len(times) * 0.95)]:6.2f} ms  "
            f"statements {statistics.median([q for _, q in values]):.0f}"
        )


if __name__ == "__main__":
    main()
