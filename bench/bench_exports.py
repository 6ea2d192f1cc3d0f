"""The CSV export of every claim: time and peak RSS of the worker (issue 12 target: 1M
claims under 60 s and under 150 MB peak RSS).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/claimtrack_bench1m \\
        python bench/bench_exports.py [--limit N] [--repeat 1]

Runs what the view `claims:export_csv?view=all&who=all` streams, in this process: the
response's rows through `claims.exports.csv_response` (database cursor, CHUNK_SIZE rows a
round trip), each chunk written to /dev/null as a WSGI server would send it. Peak RSS is the
process's high-water mark (getrusage), printed with the RSS before the export began.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, loadavg, log  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--limit", type=int, default=0, help="export the first N claims only")
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", args.database_url)
    os.environ.setdefault("REDIS_URL", args.redis_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.db import connection

    from claims.exports import CHUNK_SIZE, csv_response
    from claims.models import Claim

    claims = Claim.objects.order_by("id")
    if args.limit:
        claims = claims.filter(id__in=Claim.objects.order_by("id").values("id")[: args.limit])
    total = claims.count()
    log(f"{connection.vendor}, {total:,} claims, chunk {CHUNK_SIZE}, load {loadavg()}")
    before = rss_mb()
    start = time.perf_counter()
    response = csv_response(claims, filename="bench.csv")
    rows = size = 0
    with open(os.devnull, "w", encoding="utf-8") as sink:
        for chunk in response.streaming_content:
            sink.write(chunk.decode())
            size += len(chunk)
            rows += 1
    response.close()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    log(
        f"{rows - 1:,} rows, {size / 1e6:,.0f} MB of CSV in {seconds:.1f} s "
        f"({(rows - 1) / seconds:,.0f} rows/s); RSS before {before:.0f} MB, peak {peak:.0f} MB; "
        f"load {loadavg()}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
