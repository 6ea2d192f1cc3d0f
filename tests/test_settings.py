"""Settings come from the environment, and production refuses unsafe ones."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

# Each test starts manage.py in a child process.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_refuses_to_start_without_debug_on_the_development_secret_key(tmp_path: Path) -> None:
    result = run_manage("check", env={"DEBUG": "false", "CLAIMTRACK_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY is the development key" in result.stderr


def test_it_refuses_a_boolean_it_cannot_read(tmp_path: Path) -> None:
    result = run_manage("check", env={"DEBUG": "perhaps", "CLAIMTRACK_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_check_deploy_passes_with_production_like_variables(tmp_path: Path) -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SECURE_HSTS_PRELOAD": "true",
            "ALLOWED_HOSTS": "claims.example.org",
            "CLAIMTRACK_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_time_zone_comes_from_the_environment(tmp_path: Path) -> None:
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.TIME_ZONE)",
        env={"TIME_ZONE": "America/New_York", "CLAIMTRACK_VAR_DIR": str(tmp_path)},
    )
    assert result.stdout.strip().splitlines()[-1] == "America/New_York"


def test_it_refuses_trusted_proxies_it_cannot_read(tmp_path: Path) -> None:
    result = run_manage(
        "check",
        env={"TRUSTED_PROXIES": "10.0.0.2,proxy.internal", "CLAIMTRACK_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXIES must be addresses or networks" in result.stderr


def test_trusted_proxies_and_the_idle_timeout_come_from_the_environment(tmp_path: Path) -> None:
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.TRUSTED_PROXIES, s.SESSION_IDLE_MINUTES)",
        env={
            "TRUSTED_PROXIES": "10.0.0.2, 172.16.0.0/12",
            "SESSION_IDLE_MINUTES": "30",
            "CLAIMTRACK_VAR_DIR": str(tmp_path),
        },
    )
    expected = "[IPv4Network('10.0.0.2/32'), IPv4Network('172.16.0.0/12')] 30"
    assert result.stdout.strip().splitlines()[-1] == expected
