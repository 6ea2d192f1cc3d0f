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
    monkeypatch.setattr(views, "celery_app", Celery(broker="redis://127.0.0.1:1/0"))
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
