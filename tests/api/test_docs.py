"""The OpenAPI schema at a stable address and the documentation page, served from our own
static files within the CSP."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def test_the_schema_is_openapi_3_at_a_stable_address(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Claimtrack API"
    assert "/api/v1/outlets/" in schema["paths"]


def test_the_schema_names_its_components_as_openapi_allows(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    names = schema["components"]["schemas"]
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+", name) for name in names), sorted(names)


def test_every_operation_declares_its_problems(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "Problem" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"401", "403", "422", "429"} | ({"404"} if "{" in path else set())
            assert expected <= set(responses), (method, path)
            for status, response in responses.items():
                if status[0] in "45":
                    assert list(response["content"]) == [PROBLEM], (method, path, status)
            assert {"TokenAuth", "SessionAuth"} <= {
                name for scheme in operation["security"] for name in scheme
            }


def test_the_docs_page_uses_only_our_own_static_files(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(url.startswith("/static/") for url in sources), sources
    for url in sources:
        assert finders.find(url.removeprefix("/static/")), url
    # No inline script: the only <script> without src is the JSON settings block, which a
    # browser does not run.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' type="application/json" id="swagger-settings"']
    assert "script-src 'self'" in response["Content-Security-Policy"]
