"""Personal API tokens on the settings page: named, read-only or read-write, shown once,
listed with their last use, revocable."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from api.models import ApiToken
from api.tokens import create_api_token
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def make_token(client: Client, name: str, access: str) -> str:
    response = client.post(reverse("api_tokens:create"), {"name": name, "access": access})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    match = re.search(r'value="(ct_[^"]+)"', response.content.decode())
    assert match
    return match.group(1)


def test_a_new_token_is_shown_once_and_works_as_its_person(as_reviewer: Client, reviewer) -> None:
    secret = make_token(as_reviewer, "CMS sync", "write")
    token = ApiToken.objects.get(user=reviewer)
    assert (token.name, token.read_write) == ("CMS sync", True)
    page = as_reviewer.get(reverse("claims:settings")).content.decode()
    assert secret not in page
    assert "CMS sync" in page and f"{token.prefix}…" in page and "not used yet" in page
    assert Client().get("/api/v1/claims/", **bearer(secret)).status_code == 200


def test_a_read_only_token_is_the_default_choice(as_reader: Client, reader) -> None:
    page = as_reader.get(reverse("claims:settings")).content.decode()
    assert re.search(r'value="read"[^>]*checked', page)
    make_token(as_reader, "Reporting", "read")
    assert ApiToken.objects.get(user=reader).read_write is False


def test_the_last_use_is_listed(as_reader: Client, reader) -> None:
    _token, secret = create_api_token(user=reader, name="Reporting", read_write=False)
    Client().get("/api/v1/outlets/", **bearer(secret))
    page = as_reader.get(reverse("claims:settings")).content.decode()
    assert "last used 11 March 2026" in page


def test_the_new_token_page_says_to_copy_it_now_and_leads_back_to_settings(
    as_reader: Client,
) -> None:
    response = as_reader.post(reverse("api_tokens:create"), {"name": "Chat bot", "access": "read"})
    page = response.content.decode()
    assert "Copy it now" in page and "“Chat bot”" in page
    assert f'href="{reverse("claims:settings")}#api-tokens"' in page


def test_the_settings_page_lists_the_tokens_through_the_api_tag(as_reader: Client, reader) -> None:
    create_api_token(user=reader, name="Reporting", read_write=False)
    page = as_reader.get(reverse("claims:settings")).content.decode()
    assert 'id="api-tokens"' in page and "Reporting" in page
    assert f'action="{reverse("api_tokens:create")}#new-token"' in page


def test_a_token_without_a_name_is_refused(as_reader: Client) -> None:
    response = as_reader.post(reverse("api_tokens:create"), {"name": "", "access": "read"})
    assert response.status_code == 422
    assert not ApiToken.objects.exists()
    # Back on the settings page, the error by its field, the feeds still there.
    page = response.content.decode()
    assert "Your settings" in page and 'id="feed-ical"' in page
    assert re.search(r'id="id_name_error"><p class="error">This field is required', page)
    response = as_reader.post(reverse("api_tokens:create"), {"name": "x", "access": "all"})
    assert response.status_code == 422


def test_revoking_stops_the_token_and_keeps_it_listed(as_reader: Client, reader) -> None:
    token, secret = create_api_token(user=reader, name="Old script", read_write=False)
    response = as_reader.post(reverse("api_tokens:revoke", args=[token.pk]), follow=True)
    assert "Token revoked" in response.content.decode()
    assert "Revoked " in response.content.decode() and "Old script" in response.content.decode()
    assert Client().get("/api/v1/outlets/", **bearer(secret)).status_code == 401


def test_nobody_revokes_another_persons_token(as_reader: Client, editor) -> None:
    token, secret = create_api_token(user=editor, name="Editor's", read_write=True)
    as_reader.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert Client().get("/api/v1/outlets/", **bearer(secret)).status_code == 200
    assert "Editor's" not in as_reader.get(reverse("claims:settings")).content.decode()
