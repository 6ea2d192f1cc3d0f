"""Webhooks for 10,000 events delivered to a local receiver, through a real Celery worker.

Issue 13: every event exactly once when the receiver answers; none lost (and none twice)
when it is down for a minute and comes back. See bench/README.md, "Webhooks".

Two runs, each on an emptied outbox: (1) the receiver up the whole time; (2) the receiver
down (connection refused) --down-after seconds into the stream of events, for
--down-seconds, then back, while events go on being queued. The events are queued by `claims.webhooks.queue_event`, one transaction each, as a
change in claims.services queues them; a `celery worker` started here delivers them over
Redis. The receiver (http.server in a thread) checks each signature and counts event ids.

    .venv/bin/python bench/bench_webhooks.py        # --events N --down-seconds S --concurrency C
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
from harness import VENV_BIN, loadavg, log  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/claimtrack_bench_hooks"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"


class Receiver:
    """Counts the event ids it is sent, checks every signature; can go down and come back
    on the same port."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.counts: collections.Counter[str] = collections.Counter()
        self.bad_signatures = 0
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.port = 0

    def start(self) -> None:
        from claims import webhooks

        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                good = webhooks.verify_signature(
                    body=body,
                    header=self.headers.get("Claimtrack-Signature", ""),
                    secret=receiver.secret,
                    now=time.time(),
                )
                with receiver.lock:
                    receiver.counts[self.headers["Claimtrack-Event-Id"]] += 1
                    receiver.bad_signatures += not good
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        ThreadingHTTPServer.request_queue_size = 128
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def prepare_database(url: str) -> None:
    """Create the benchmark database if needed, and migrate it."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "migrate", "-v", "0"],
        cwd=REPO_ROOT,
        check=True,
    )


def start_worker(concurrency: int, logfile: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            str(VENV_BIN / "celery"),
            "-A",
            "config",
            "worker",
            "--concurrency",
            str(concurrency),
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
            "--logfile",
            str(logfile),
        ],
        cwd=REPO_ROOT,
        start_new_session=True,
    )


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def fresh_world(receiver: Receiver, claims: int) -> tuple[object, list[object]]:
    from django.contrib.auth import get_user_model

    from articles.models import Article
    from claims.models import Claim, WebhookDelivery, WebhookEndpoint

    WebhookDelivery.objects.all().delete()
    WebhookEndpoint.objects.all().delete()
    user, _ = get_user_model().objects.get_or_create(username="bench-webhooks")
    article, _ = Article.objects.get_or_create(
        title="Webhook bench",
        defaults={"body": "The bridge will open next week.", "published_date": dt.date(2026, 1, 5)},
    )
    have = list(Claim.objects.filter(article=article).select_related("article")[:claims])
    new = [
        Claim(article=article, statement=f"Bench claim {i}", due_date=dt.date(2026, 2, 1))
        for i in range(len(have), claims)
    ]
    have += Claim.objects.bulk_create(new)
    endpoint = WebhookEndpoint.objects.create(
        owner=user,
        url=f"http://127.0.0.1:{receiver.port}/hook",
        events=["claim.created", "claim.resolved", "claim.deadline_moved", "claim.overdue"],
        secret=receiver.secret,
    )
    return endpoint, have


def queue_events(count: int, claims: list[object]) -> float:
    from django.db import transaction

    from claims import webhooks

    kinds = ["claim.created", "claim.resolved", "claim.deadline_moved", "claim.overdue"]
    started = time.monotonic()
    for i in range(count):
        with transaction.atomic():
            webhooks.queue_event(kinds[i % 4], claims[i % len(claims)])
    return time.monotonic() - started


def wait_settled(count: int, receiver: Receiver, timeout: float) -> tuple[float, dict[str, int]]:
    """Until every delivery is delivered or failed (and the receiver saw them all)."""
    from django.db.models import Count

    from claims.models import WebhookDelivery

    started = time.monotonic()
    last = ""
    while True:
        statuses = dict(
            WebhookDelivery.objects.values_list("status").annotate(n=Count("id")).order_by()
        )
        line = f"  {statuses} received {sum(receiver.counts.values())}"
        if line != last and int(time.monotonic() - started) % 10 == 0:
            log(f"{time.monotonic() - started:6.0f} s {line}")
            last = line
        if statuses.get("pending", 0) == 0 and sum(statuses.values()) == count:
            return time.monotonic() - started, statuses
        if time.monotonic() - started > timeout:
            return time.monotonic() - started, statuses
        time.sleep(1)


def report(name: str, count: int, receiver: Receiver, statuses: dict[str, int]) -> bool:
    from django.db.models import Max, Sum

    from claims.models import WebhookDelivery

    ids = {str(i) for i in WebhookDelivery.objects.values_list("event_id", flat=True)}
    received = receiver.counts
    once = sum(1 for i in ids if received[i] == 1)
    twice = sum(1 for i in ids if received[i] > 1)
    lost = sum(1 for i in ids if received[i] == 0)
    stray = sum(1 for i in received if i not in ids)
    attempts = WebhookDelivery.objects.aggregate(total=Sum("attempts"), most=Max("attempts"))
    log(
        f"{name}: {count} events, {len(ids)} distinct ids; received exactly once {once}, "
        f"more than once {twice}, never {lost}, unknown {stray}; bad signatures "
        f"{receiver.bad_signatures}; outbox {statuses}; attempts {attempts['total']} "
        f"(at most {attempts['most']} for one)"
    )
    return once == count == len(ids) and not (twice or lost or stray or receiver.bad_signatures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--claims", type=int, default=1_000)
    parser.add_argument("--down-seconds", type=int, default=60)
    parser.add_argument("--down-after", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--timeout", type=int, default=1800)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--only", choices=["up", "down"])
    args = parser.parse_args()

    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        WEBHOOK_ALLOW_PRIVATE="true",
        # Retries every 5 s at first, at most a minute apart, never given up in the bench,
        # and no pausing: the outage is shorter than a real pause would need.
        WEBHOOK_RETRY_BASE_SECONDS="5",
        WEBHOOK_RETRY_MAX_SECONDS="60",
        WEBHOOK_MAX_ATTEMPTS="50",
        WEBHOOK_PAUSE_AFTER_FAILURES="1000000",
        WEBHOOK_TIMEOUT_SECONDS="5",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    prepare_database(args.database_url)
    import django

    django.setup()
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()  # this benchmark's own Redis db only

    receiver = Receiver(secret=secrets.token_hex(32))
    receiver.start()
    logfile = Path("/tmp") / f"bench-webhooks-worker-{os.getpid()}.log"
    worker = start_worker(args.concurrency, logfile)
    log(f"worker pid {worker.pid}, log {logfile}; load {loadavg()}")
    ok = True
    try:
        if args.only in (None, "up"):
            receiver.counts.clear()
            _endpoint, claims = fresh_world(receiver, args.claims)
            queue_seconds = queue_events(args.events, claims)
            log(f"up: queued {args.events} events in {queue_seconds:.1f} s")
            took, statuses = wait_settled(args.events, receiver, args.timeout)
            time.sleep(3)  # anything sent twice would arrive by now
            log(f"up: all settled {took:.1f} s after queueing ended; load {loadavg()}")
            ok &= report("up", args.events, receiver, statuses)
        if args.only in (None, "down"):
            receiver.counts.clear()
            _endpoint, claims = fresh_world(receiver, args.claims)
            # The receiver goes down --down-after seconds into the stream of events, for
            # --down-seconds, while events go on being queued: events sent before, during
            # and after the outage.
            outage: dict[str, float] = {}

            def outage_window() -> None:
                time.sleep(args.down_after)
                receiver.stop()
                outage["down"] = time.monotonic()
                outage["received_before"] = sum(receiver.counts.values())
                time.sleep(args.down_seconds)
                receiver.start()
                outage["up"] = time.monotonic()

            window = threading.Thread(target=outage_window)
            started = time.monotonic()
            window.start()
            queue_seconds = queue_events(args.events, claims)
            log(f"down: queued {args.events} events in {queue_seconds:.1f} s")
            window.join()
            from claims.models import WebhookDelivery

            failed_once = WebhookDelivery.objects.filter(attempts__gt=1).count() + (
                WebhookDelivery.objects.filter(attempts=1, status="pending").count()
            )
            log(
                f"down: receiver down from {outage['down'] - started:.0f} s to "
                f"{outage['up'] - started:.0f} s ({outage['up'] - outage['down']:.0f} s); "
                f"{failed_once} deliveries failed at least once"
            )
            took, statuses = wait_settled(args.events, receiver, args.timeout)
            time.sleep(3)
            log(
                f"down: all settled {took:.1f} s after queueing and the outage ended; load {loadavg()}"
            )
            ok &= report("down", args.events, receiver, statuses)
    finally:
        stop_worker(worker)
        receiver.stop()
    log("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
