"""Rate limits: API_RATE_LIMIT_PER_MINUTE per token and per person, then 429."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from api import limits
from api.tokens import create_api_token
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit_of_3(settings, reader):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    limits.reset(user_id=reader.pk)


def fresh_token(user, name: str = "bot") -> str:
    token, secret = create_api_token(user=user, name=name, read_write=False)
    limits.reset(user_id=user.pk, token_id=token.pk)
    return secret


def test_past_the_limit_a_token_gets_429_with_retry_after(client: Client, reader, limit_of_3):
    secret = fresh_token(reader)
    statuses = [client.get("/api/v1/outlets/", **bearer(secret)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/outlets/", **bearer(secret))
    assert refused["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["status"] == 429


def test_a_persons_tokens_and_session_share_the_persons_limit(
    client: Client, reader, limit_of_3
) -> None:
    first, second = fresh_token(reader, "one"), fresh_token(reader, "two")
    assert client.get("/api/v1/outlets/", **bearer(first)).status_code == 200
    assert client.get("/api/v1/outlets/", **bearer(second)).status_code == 200
    client.force_login(reader)
    assert client.get("/api/v1/outlets/").status_code == 200
    assert client.get("/api/v1/outlets/").status_code == 429


def test_one_persons_requests_do_not_limit_another(client: Client, reader, editor, limit_of_3):
    limits.reset(user_id=editor.pk)
    busy = fresh_token(reader)
    for _ in range(4):
        client.get("/api/v1/outlets/", **bearer(busy))
    assert client.get("/api/v1/outlets/", **bearer(fresh_token(editor))).status_code == 200


def test_the_count_starts_again_the_next_minute(client: Client, reader, limit_of_3) -> None:
    secret = fresh_token(reader)
    for _ in range(3):
        client.get("/api/v1/outlets/", **bearer(secret))
    assert client.get("/api/v1/outlets/", **bearer(secret)).status_code == 429
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        assert client.get("/api/v1/outlets/", **bearer(secret)).status_code == 200


def test_a_limit_of_0_means_no_limit(client: Client, reader, settings) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 0
    secret = fresh_token(reader)
    assert {client.get("/api/v1/outlets/", **bearer(secret)).status_code for _ in range(5)} == {200}


def test_without_the_shared_cache_the_api_goes_on_unlimited(
    client: Client, reader, settings, hanging_server
) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": hanging_server,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    # Made before the cache is asked: fresh_token() would reset the count there.
    secret = create_api_token(user=reader, name="bot", read_write=False)[1]
    assert [client.get("/api/v1/outlets/", **bearer(secret)).status_code for _ in range(2)] == [
        200,
        200,
    ]
