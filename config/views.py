import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection, connections
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.celery import app as celery_app
from config.http import HtmxHttpRequest


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return False, exc.__class__.__name__
    finally:
        # A check thread's own connection: closed, so a restarted database is met afresh.
        connections.close_all()
    return True, "ok"


def _broker_ok() -> tuple[bool, str]:
    try:
        # Short socket timeouts: a broker that hangs (stopped, not gone) answers nothing
        # and refuses nothing.
        with celery_app.connection_for_write(
            transport_options=settings.WEB_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=settings.BROKER_TIMEOUT_SECONDS,
        ) as conn:
            conn.ensure_connection(max_retries=0)
            client = getattr(conn.default_channel, "client", None)
            if client is not None:  # Redis: a round trip, not only a TCP connection
                client.ping()
    except Exception as exc:  # kombu raises many kinds of errors for an unreachable broker
        return False, exc.__class__.__name__
    return True, "ok"


# The checks run in threads of their own, so /healthz answers by HEALTHZ_TIMEOUT_SECONDS
# whatever hangs. At most one check of each kind runs per process: while one hangs, later
# requests wait on it rather than start more, so a hung broker holds two threads, never
# the web workers.
_checks = ThreadPoolExecutor(max_workers=2, thread_name_prefix="healthz")
_running: dict[str, Future] = {}
_running_lock = threading.Lock()


def _start(name: str, check: Callable[[], tuple[bool, str]]) -> Future:
    with _running_lock:
        future = _running.get(name)
        if future is None or future.done():
            future = _running[name] = _checks.submit(check)
        return future


@login_not_required  # a probe has no session
@never_cache
@require_safe
def healthz(request: HtmxHttpRequest) -> JsonResponse:
    """Readiness: 200 when the database and broker answer, else 503 naming what is down
    ("timeout" for a part that did not answer within HEALTHZ_TIMEOUT_SECONDS)."""
    deadline = time.monotonic() + settings.HEALTHZ_TIMEOUT_SECONDS
    futures = {"database": _start("database", _database_ok), "broker": _start("broker", _broker_ok)}
    results: dict[str, tuple[bool, str]] = {}
    for name, future in futures.items():
        try:
            results[name] = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            results[name] = (False, "timeout")
    healthy = all(ok for ok, _detail in results.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            **{name: detail for name, (_ok, detail) in results.items()},
        },
        status=200 if healthy else 503,
    )


@login_not_required
@never_cache
@require_safe
def livez(request: HtmxHttpRequest) -> HttpResponse:
    """The liveness probe: "ok" while this process answers, without touching the database or
    the broker (readiness, with them, is /healthz). Public, GET or HEAD, never cached.

    Also the baseline of bench/bench_dashboard.py: the cheapest view served through the whole
    middleware stack, so the dashboard's throughput is compared with it in the same run.
    """
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def csrf_failure(request: HtmxHttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its valid security token, most often from a page left open
    across a log-out or a new login: the site's own 403 page, saying what to do."""
    return render(request, "403.html", {"csrf_failure": True}, status=403)
