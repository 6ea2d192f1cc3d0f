"""What the benchmarks share: the Django set-up against a benchmark database, logged-in
sessions without a login request, capturing and timing the ORM's statements, and a gunicorn
server on 127.0.0.1 driven by wrk, stopped on the way out.

Each benchmark script in this folder imports from here (the folder is on sys.path when a
script runs); what belongs to one benchmark stays in its script.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REPO_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = REPO_ROOT / ".venv" / "bin"
LUA_SCRIPT = Path(__file__).resolve().with_name("wrk_report.lua")
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/claimtrack_bench1m"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"


def log(message: str = "") -> None:
    print(message, flush=True)


def loadavg() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def span(values: list[float], fmt: str = "{:.1f}") -> str:
    """ "median (min–max)" of several measurements."""
    if not values:
        return "-"
    if len(values) == 1:
        return fmt.format(values[0])
    return f"{fmt.format(median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def bench_env(args: argparse.Namespace, static_root: Path) -> dict[str, str]:
    """The environment of gunicorn, collectstatic and this process (one SECRET_KEY for all:
    the session's auth hash is signed with it)."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        STATIC_ROOT=str(static_root),
        # --cold: every row rendered and every counter counted on every request.
        LOCAL_CACHE="false" if args.cold else "true",
    )
    return env


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(REPO_ROOT))
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit(
            f"Refusing to run on {connection.vendor}: this benchmark is for PostgreSQL."
        )
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan)
        raise SystemExit(
            f"The database lacks migrations the code needs ({names}): every page would fail. "
            "Run: DATABASE_URL=... .venv/bin/python manage.py migrate"
        )


def pg_setting(name: str = "max_parallel_workers_per_gather") -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


def create_session(user: User) -> str:
    """A logged-in session for `user`, as Client.force_login makes it (no login request)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(6 * 3600)
    session.create()
    return session.session_key


def delete_session(key: str) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    SessionStore(session_key=key).delete()


def capture(run: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The statements (SQL and parameters) that `run` sends through the ORM, in order."""
    from django.db import connection

    seen: list[tuple[str, Any]] = []

    def wrapper(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        run()
    return seen


@contextmanager
def timed_queries() -> Iterator[list[tuple[str, float]]]:
    """(SQL, milliseconds) of every statement sent inside the block, seen from here."""
    from django.db import connection

    spent: list[tuple[str, float]] = []

    def timer(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append((sql, (time.perf_counter() - started) * 1000))

    with connection.execute_wrapper(timer):
        yield spent


@dataclass
class Endpoint:
    key: str
    label: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    check: Callable[[bytes], str] | None = None  # "" when the body is right, else the problem
    baseline: bool = False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def collectstatic(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=REPO_ROOT,
        env=env,
        check=True,
    )


@contextmanager
def gunicorn(env: dict[str, str], workers: int, error_log: Path) -> Iterator[int]:
    """A gunicorn master with `workers` sync workers, on a free port; stopped on the way out."""
    port = free_port()
    executable = VENV_BIN / "gunicorn"
    command = [
        str(executable if executable.exists() else shutil.which("gunicorn") or "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        # No --access-logfile: gunicorn writes no access log unless given one ("none" would
        # be a file called "none"). Errors go to a file, shown if the server fails to start.
        "--error-logfile",
        str(error_log),
        # gunicorn >= 25 opens a control socket in ~/.gunicorn by default, one path for every
        # gunicorn of this user: not ours to take.
        "--no-control-socket",
    ]
    log(f"$ {' '.join(command)}")
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {process.returncode}:\n{error_log.read_text()[-3000:]}"
                )
            try:
                status, body = fetch(port, "/livez", {})
                if status == 200 and body == b"ok":
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"/livez did not answer in 60 s:\n{error_log.read_text()[-3000:]}"
                )
            time.sleep(0.2)
        log(f"gunicorn (pid {process.pid}) is up on port {port} with {workers} workers")
        yield port
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # its own session: only what we started
                process.wait()
        log(f"gunicorn stopped (exit status {process.returncode})")


def wrk(port: int, endpoint: Endpoint, cookie: str, args: argparse.Namespace, seconds: int) -> dict:
    command = [
        args.wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA_SCRIPT),
        "-H",
        f"Cookie: {cookie}",
    ]
    for name, value in endpoint.headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{endpoint.path}")
    load_before = loadavg()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next((x for x in output.splitlines() if x.startswith("WRK_RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    result = json.loads(line.removeprefix("WRK_RESULT "))
    result["load_before"] = load_before
    if result["non_200"] or result["socket_errors"]:
        log(
            f"  WARNING {endpoint.key}: {result['non_200']} responses other than 200, "
            f"{result['socket_errors']} socket errors"
        )
    if result["requests"] < 10 * args.connections and seconds == args.duration:
        log(
            f"  WARNING {endpoint.key}: only {result['requests']} requests in {seconds} s, "
            "too few for a p95: raise --duration"
        )
    wait_idle(port)
    return result


def wait_idle(port: int, timeout: float = 120) -> None:
    """Until the workers have finished what wrk left queued when it stopped: a sync worker
    still serves a request whose client has gone, and the next run would wait behind it."""
    deadline = time.monotonic() + timeout
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        started = time.perf_counter()
        fetch(port, "/livez", {})
        quick = quick + 1 if time.perf_counter() - started < 0.05 else 0
        time.sleep(0.05)
