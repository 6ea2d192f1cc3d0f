"""One error shape for everything (RFC 9457): what the services raise becomes a problem."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from ninja import NinjaAPI

from api import errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def answer():
    # The handlers api.errors installs, on an API of their own.
    api = NinjaAPI(urls_namespace="test-errors")
    errors.install(api)
    request = RequestFactory().post("/api/v1/claims/7/resolve/")
    return lambda exc: api.on_exception(request, exc)


def body_of(response) -> dict:
    assert response["Content-Type"] == "application/problem+json"
    return json.loads(response.content)


def test_a_conflict_is_a_409_with_the_current_state(answer) -> None:
    response = answer(errors.Conflict({"id": 7, "version": 3, "status": "fulfilled"}))
    assert response.status_code == 409
    body = body_of(response)
    assert body["current"] == {"id": 7, "version": 3, "status": "fulfilled"}
    assert body["title"] == "Conflict" and body["instance"] == "/api/v1/claims/7/resolve/"


def test_a_services_field_errors_are_a_422_naming_each_field(answer) -> None:
    exc = ValidationError({"outcome_date": ["Too early."], "note": ["Too long.", "Not text."]})
    response = answer(exc)
    assert response.status_code == 422
    assert body_of(response)["errors"] == [
        {"field": "outcome_date", "message": "Too early."},
        {"field": "note", "message": "Too long."},
        {"field": "note", "message": "Not text."},
    ]


def test_an_error_about_the_whole_object_names_all(answer) -> None:
    response = answer(ValidationError("It is already resolved."))
    assert body_of(response)["errors"] == [
        {"field": "__all__", "message": "It is already resolved."}
    ]


def test_too_many_requests_is_a_429_with_retry_after(answer) -> None:
    response = answer(errors.RateLimited(retry_after=17))
    assert response.status_code == 429
    assert response["Retry-After"] == "17"
    assert body_of(response)["status"] == 429


def test_a_read_only_token_writing_is_a_403(answer) -> None:
    response = answer(errors.ReadOnlyToken("This token is read-only."))
    assert response.status_code == 403
    assert body_of(response)["detail"] == "This token is read-only."


def test_a_method_the_address_does_not_take_is_a_405_problem(as_reader) -> None:
    response = as_reader.delete("/api/v1/outlets/")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert body_of(response)["detail"] == "This address takes GET."


def test_head_is_answered_like_get_without_a_body(as_reader) -> None:
    get, head = as_reader.get("/api/v1/outlets/"), as_reader.head("/api/v1/outlets/")
    assert head.status_code == get.status_code == 200
    assert head["Content-Type"] == get["Content-Type"] and head.content == b""
