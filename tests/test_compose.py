"""docker-compose.yml cannot run here (no Docker engine), so check it by reading it."""

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["web", "worker", "beat"]
# What the settings need to run on the full stack with DEBUG off.
REQUIRED_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "TIME_ZONE",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "SITE_URL",
}


def command_words(service: str) -> list[str]:
    command = SERVICES[service]["command"]
    return command if isinstance(command, list) else shlex.split(command)


def test_it_has_the_whole_stack() -> None:
    assert {"db", "redis", "mail", "web", "worker", "beat"} <= set(SERVICES)
    assert SERVICES["db"]["image"].startswith("postgres")
    assert SERVICES["redis"]["image"].startswith("redis")


def test_the_app_services_get_every_variable_the_settings_need() -> None:
    for name in APP_SERVICES:
        assert set(SERVICES[name]["environment"]) >= REQUIRED_VARIABLES, name
        assert SERVICES[name]["environment"]["DEBUG"] == "false"


def test_the_urls_point_at_the_compose_services() -> None:
    env = SERVICES["web"]["environment"]
    assert "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379")
    assert env["EMAIL_HOST"] == "mail"


def test_web_migrates_then_serves_the_wsgi_app_with_gunicorn() -> None:
    script = " ".join(command_words("web"))
    assert script.index("manage.py migrate") < script.index("gunicorn")
    assert "config.wsgi:application" in script
    assert (ROOT / "config" / "wsgi.py").exists()
    from config.wsgi import application

    assert callable(application)


def test_worker_and_beat_run_the_projects_celery_app() -> None:
    assert command_words("worker")[:4] == ["celery", "-A", "config", "worker"]
    assert command_words("beat")[:4] == ["celery", "-A", "config", "beat"]
    from config import celery_app

    assert "sweep-overdue" in celery_app.conf.beat_schedule


def test_the_image_builds_from_the_pinned_requirements() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements.txt" in dockerfile
    assert SERVICES["web"]["build"] == "."


@pytest.mark.slow
def test_the_settings_load_with_the_compose_environment(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED_VARIABLES}
    env.update({k: str(v) for k, v in SERVICES["web"]["environment"].items()})
    env["CLAIMTRACK_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
