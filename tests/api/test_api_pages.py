"""Ninja's own pages (the API's root, its schema, its documentation) only read: another
method is a 405 problem, as everywhere else in the API."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/", "/api/v1/openapi.json", "/api/v1/docs"])
def test_a_post_to_a_page_that_only_reads_is_a_405_problem(client: Client, url: str) -> None:
    response = client.post(url)
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert response["Allow"] == "GET, HEAD"


def test_a_body_that_is_not_json_is_a_400_problem_the_schema_declares(as_editor: Client) -> None:
    # Found by the schemathesis run: ninja answers 400, which the schema did not declare.
    response = as_editor.post("/api/v1/articles/", b"\xff\xfe{", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    schema = as_editor.get("/api/v1/openapi.json").json()
    declared = schema["paths"]["/api/v1/articles/"]["post"]["responses"]["400"]
    assert list(declared["content"]) == ["application/problem+json"]
    assert "400" not in schema["paths"]["/api/v1/articles/"]["get"]["responses"]
