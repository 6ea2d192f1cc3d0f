"""Outlets, the pattern every resource follows: list in pages, detail, role checked."""

import pytest
from django.test import Client

from tests.factories import OutletFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["reader", "reviewer", "editor", "admin_user"])
def test_every_role_reads_outlets(client: Client, role: str, request) -> None:
    outlet = OutletFactory(name="Daily Bugle", domain="bugle.example")
    client.force_login(request.getfixturevalue(role))
    listed = client.get("/api/v1/outlets/")
    one = client.get(f"/api/v1/outlets/{outlet.pk}/")
    assert listed.status_code == one.status_code == 200
    expected = {"id": outlet.pk, "name": "Daily Bugle", "domain": "bugle.example"}
    assert listed.json() == {"items": [expected], "next": None}
    assert one.json() == expected


def test_a_user_without_a_role_is_refused(client: Client) -> None:
    outlet = OutletFactory()
    client.force_login(UserFactory(username="no-role"))
    for url in ["/api/v1/outlets/", f"/api/v1/outlets/{outlet.pk}/"]:
        response = client.get(url)
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"


def test_anonymous_requests_are_refused(client: Client) -> None:
    outlet = OutletFactory()
    for url in ["/api/v1/outlets/", f"/api/v1/outlets/{outlet.pk}/"]:
        assert client.get(url).status_code == 401


def test_an_outlet_that_does_not_exist_is_a_404_problem(as_reader: Client) -> None:
    response = as_reader.get("/api/v1/outlets/424242/")
    assert response.status_code == 404
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "There is nothing here.",
        "instance": "/api/v1/outlets/424242/",
    }


@pytest.mark.parametrize("value", ["abc", "0", "-1", "99999999999999999999"])
def test_an_id_that_cannot_be_a_row_is_a_422_problem(as_reader: Client, value: str) -> None:
    response = as_reader.get(f"/api/v1/outlets/{value}/")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "outlet_id"
