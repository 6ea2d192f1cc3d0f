from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.celery import app as celery_app


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return False, exc.__class__.__name__
    return True, "ok"


def _broker_ok() -> tuple[bool, str]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # kombu raises many kinds of errors for an unreachable broker
        return False, exc.__class__.__name__
    return True, "ok"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and dependencies: 200 when the database and broker answer, else 503."""
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    healthy = db_ok and broker_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": db_detail,
            "broker": broker_detail,
        },
        status=200 if healthy else 503,
    )


@never_cache
@require_safe
def livez(request: HttpRequest) -> HttpResponse:
    """The liveness probe: "ok" while this process answers, without touching the database or
    the broker (readiness, with them, is /healthz). Public, GET or HEAD, never cached.

    Also the baseline of bench/bench_dashboard.py: the cheapest view served through the whole
    middleware stack, so the dashboard's throughput is compared with it in the same run.
    """
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its valid security token, most often from a page left open
    across a log-out or a new login: the site's own 403 page, saying what to do."""
    return render(request, "403.html", {"csrf_failure": True}, status=403)
