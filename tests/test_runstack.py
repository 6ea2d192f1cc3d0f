"""`make run`'s last step: web, worker and beat start together and Ctrl-C stops them all."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited; it only waits to be reaped.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


pytestmark = pytest.mark.slow


@pytest.fixture
def embedded_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["CLAIMTRACK_VAR_DIR"] = str(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    return env


def test_it_serves_the_app_with_a_worker_and_beat_and_stops_them_all_on_ctrl_c(
    embedded_env: dict[str, str],
) -> None:
    port = free_port()
    stack = subprocess.Popen(
        [sys.executable, "manage.py", "runstack", "--port", str(port)],
        cwd=ROOT,
        env=embedded_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        health = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and health is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    health = json.load(r)
            except OSError:
                time.sleep(0.5)
        assert health == {"status": "ok", "database": "ok", "broker": "ok"}
        started = children(stack.pid)
        assert len(started) == 3
        assert all(alive(pid) for pid in started)

        stack.send_signal(signal.SIGINT)
        output, _ = stack.communicate(timeout=30)
        assert stack.returncode == 0, output
        assert "Stopping web, worker and beat" in output
        assert not any(alive(pid) for pid in started)
    finally:
        if stack.poll() is None:
            stack.kill()
            stack.communicate()
