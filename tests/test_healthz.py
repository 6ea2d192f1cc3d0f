import threading

import pytest
from celery import Celery
from django.db import OperationalError

from config import views
from config.celery import app as celery_app


@pytest.mark.django_db
def test_it_reports_database_and_broker_up(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_it_needs_no_login(client) -> None:
    assert client.get("/healthz").status_code == 200


class BrokenConnection:
    def cursor(self) -> None:
        raise OperationalError("connection refused")


@pytest.mark.django_db
def test_it_answers_503_when_the_database_is_down(client, monkeypatch) -> None:
    monkeypatch.setattr(views, "connection", BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "OperationalError"
    assert response.json()["status"] == "unavailable"


@pytest.mark.django_db
def test_it_answers_503_when_the_broker_is_unreachable(client, monkeypatch) -> None:
    # Nothing listens on port 1: a broker that is down.
    monkeypatch.setattr(
        views, "celery_app", Celery(broker="redis://127.0.0.1:1/0", set_as_current=False)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] != "ok"


@pytest.mark.services
@pytest.mark.django_db
def test_it_reaches_the_real_redis_broker(client, settings) -> None:
    assert celery_app.conf.broker_url.startswith("redis://")
    assert client.get("/healthz").json()["broker"] == "ok"


# No django_db mark: pytest-django makes any database query in this test an error.
def test_livez_answers_ok_without_login_or_database(client) -> None:
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]
    assert client.post("/livez").status_code == 405


@pytest.fixture
def hanging_broker(hanging_server, monkeypatch, settings):
    """A broker that accepts connections and never answers (Redis frozen by SIGSTOP)."""
    settings.BROKER_TIMEOUT_SECONDS = 1
    settings.WEB_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    monkeypatch.setattr(views, "celery_app", Celery(broker=hanging_server, set_as_current=False))


def get_healthz(client):
    """GET /healthz from a thread; fails if it never answers (a bound, not a timing check)."""
    responses = []
    thread = threading.Thread(target=lambda: responses.append(client.get("/healthz")), daemon=True)
    thread.start()
    thread.join(60)
    assert responses, "/healthz did not answer"
    return responses[0]


@pytest.mark.django_db
def test_it_answers_503_naming_the_broker_when_the_broker_hangs(client, hanging_broker) -> None:
    response = get_healthz(client)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert body["broker"] != "ok"


@pytest.mark.django_db
def test_it_answers_by_its_time_limit_and_runs_one_check_at_a_time(
    client, monkeypatch, settings
) -> None:
    # A check stuck beyond every socket timeout: /healthz still answers, and later requests
    # wait on the same check instead of tying up one more thread each.
    settings.HEALTHZ_TIMEOUT_SECONDS = 1
    release = threading.Event()
    calls = []

    def stuck_broker() -> tuple[bool, str]:
        calls.append(1)
        release.wait(60)
        return True, "ok"

    monkeypatch.setattr(views, "_broker_ok", stuck_broker)
    try:
        first = get_healthz(client)
        second = get_healthz(client)
    finally:
        release.set()

    for response in (first, second):
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "database": "ok", "broker": "timeout"}
    assert len(calls) == 1
