"""Keyset pages: `next` until null, every item once, in a stable order."""

import pytest
from django.test import Client

from tests.factories import OutletFactory

pytestmark = pytest.mark.django_db


def walk(client: Client, url: str) -> list[list[int]]:
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        pages.append([item["id"] for item in body["items"]])
        url = body["next"]
    return pages


def test_following_next_lists_every_item_once_in_order(as_reader: Client) -> None:
    ids = [OutletFactory().pk for _ in range(7)]
    pages = walk(as_reader, "/api/v1/outlets/?limit=3")
    assert pages == [ids[0:3], ids[3:6], ids[6:7]]


def test_an_item_added_meanwhile_neither_repeats_nor_shifts_the_pages(as_reader: Client) -> None:
    ids = [OutletFactory().pk for _ in range(4)]
    first = as_reader.get("/api/v1/outlets/?limit=2").json()
    added = OutletFactory().pk
    rest = walk(as_reader, first["next"])
    assert [item["id"] for item in first["items"]] + sum(rest, []) == [*ids, added]


def test_next_keeps_the_other_query_parameters(as_reader: Client) -> None:
    for _ in range(3):
        OutletFactory()
    body = as_reader.get("/api/v1/outlets/?limit=2").json()
    assert body["next"].startswith("http://testserver/api/v1/outlets/?")
    assert "limit=2" in body["next"] and "cursor=" in body["next"]


def test_the_last_page_has_no_next(as_reader: Client) -> None:
    for _ in range(2):
        OutletFactory()
    assert as_reader.get("/api/v1/outlets/?limit=2").json()["next"] is None


@pytest.mark.parametrize(
    "cursor", ["abc", "-1", "2025-02-30_1", "99999999999999999999", "9" * 90, "%00"]
)
def test_a_cursor_that_cannot_be_read_starts_from_the_top(as_reader: Client, cursor: str) -> None:
    ids = [OutletFactory().pk for _ in range(2)]
    response = as_reader.get(f"/api/v1/outlets/?cursor={cursor}")
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == ids


@pytest.mark.parametrize("limit", ["0", "201", "x"])
def test_a_limit_out_of_range_is_a_422_naming_the_field(as_reader: Client, limit: str) -> None:
    response = as_reader.get(f"/api/v1/outlets/?limit={limit}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["limit"]
