"""Who the API lets in: a personal token or the browser's session, nobody else."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from api.tokens import create_api_token, revoke_api_token, token_for_secret
from tests.api.conftest import bearer
from tests.factories import OutletFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_its_hash(reader) -> None:
    token, secret = create_api_token(user=reader, name="newsroom bot", read_write=True)
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {stored.token_hash, stored.prefix, stored.name}
    assert secret.startswith(stored.prefix)
    assert stored.read_write and stored.last_used_at is None and stored.revoked_at is None


def test_each_token_gets_a_different_secret(reader) -> None:
    secrets = {create_api_token(user=reader, name="x", read_write=False)[1] for _ in range(5)}
    assert len(secrets) == 5


def test_a_request_with_a_token_acts_as_its_person(client: Client, reader_token: str) -> None:
    OutletFactory(name="Daily Bugle")
    response = client.get("/api/v1/outlets/", **bearer(reader_token))
    assert response.status_code == 200
    assert [o["name"] for o in response.json()["items"]] == ["Daily Bugle"]


def test_the_last_use_is_noted_at_most_once_a_minute(reader) -> None:
    token, secret = create_api_token(user=reader, name="x", read_write=False)
    first = token_for_secret(secret)
    assert first is not None and first.last_used_at is not None
    noted = ApiToken.objects.get(pk=token.pk).last_used_at
    token_for_secret(secret)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == noted
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        token_for_secret(secret)
        assert ApiToken.objects.get(pk=token.pk).last_used_at > noted


@pytest.mark.parametrize(
    "header",
    ["Bearer ct_wrong", "Bearer ", "Basic cmVhZGVyOnB3", "Bearer " + "ct_" + "a" * 5000, "ct_x"],
)
def test_a_wrong_or_malformed_token_gets_401_as_a_problem(client: Client, header: str) -> None:
    response = client.get("/api/v1/outlets/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_stops_working(client: Client, reader) -> None:
    token, secret = create_api_token(user=reader, name="x", read_write=False)
    assert client.get("/api/v1/outlets/", **bearer(secret)).status_code == 200
    assert revoke_api_token(user=reader, token_id=token.pk)
    assert client.get("/api/v1/outlets/", **bearer(secret)).status_code == 401
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_nobody_revokes_someone_elses_token(reader, editor) -> None:
    token, secret = create_api_token(user=reader, name="x", read_write=False)
    assert not revoke_api_token(user=editor, token_id=token.pk)
    assert token_for_secret(secret) is not None


def test_the_token_of_a_deactivated_person_stops_working(client: Client, reader) -> None:
    _token, secret = create_api_token(user=reader, name="x", read_write=False)
    reader.is_active = False
    reader.save()
    assert client.get("/api/v1/outlets/", **bearer(secret)).status_code == 401


def test_a_token_carries_its_persons_role_not_more(client: Client) -> None:
    nobody = UserFactory(username="no-role")
    _token, secret = create_api_token(user=nobody, name="x", read_write=True)
    response = client.get("/api/v1/outlets/", **bearer(secret))
    assert response.status_code == 403
    assert response.json()["status"] == 403


def test_the_browser_session_works_too(as_reader: Client) -> None:
    assert as_reader.get("/api/v1/outlets/").status_code == 200


def test_no_session_and_no_token_gets_401_not_a_login_redirect(client: Client) -> None:
    response = client.get("/api/v1/outlets/")
    assert response.status_code == 401
    assert response.json()["title"] == "Unauthorized"
