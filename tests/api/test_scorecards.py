"""Scorecards over the API: the same numbers as the pages (claims.scorecards), the same
filters."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from claims.models import ClaimStatus
from tests.factories import ArticleFactory, ClaimFactory, OutletFactory, PersonFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    trump, rubio = PersonFactory(name="Donald Trump"), PersonFactory(name="Marco Rubio")
    bugle, other = OutletFactory(name="Daily Bugle"), OutletFactory(name="Other")
    in_bugle = ArticleFactory(outlet=bugle)
    ClaimFactory(
        claimant=trump,
        article=in_bugle,
        status=ClaimStatus.FULFILLED,
        resolved_at=timezone.now(),
        due_date=dt.date(2025, 10, 31),
        outcome_date=dt.date(2025, 11, 4),
    )
    ClaimFactory(
        claimant=trump,
        article=in_bugle,
        status=ClaimStatus.NOT_FULFILLED,
        reason_code="cancelled",
        resolved_at=timezone.now(),
    )
    roads = TagFactory(name="roads", slug="roads")
    ClaimFactory(claimant=trump, article=ArticleFactory(outlet=other)).tags.add(roads)
    ClaimFactory(
        claimant=trump, article=in_bugle, status=ClaimStatus.WITHDRAWN, resolved_at=timezone.now()
    )
    ClaimFactory(claimant=rubio, article=in_bugle)
    return {"trump": trump, "rubio": rubio, "bugle": bugle, "other": other}


def test_claimants_and_outlets_ranked_by_claims_tracked(as_reader: Client, record) -> None:
    claimants = as_reader.get("/api/v1/scorecards/claimants/").json()
    assert [(c["name"], c["tracked"]) for c in claimants] == [
        ("Donald Trump", 3),
        ("Marco Rubio", 1),
    ]
    outlets = as_reader.get("/api/v1/scorecards/outlets/").json()
    assert [(o["name"], o["tracked"]) for o in outlets] == [("Daily Bugle", 3), ("Other", 1)]


def test_a_claimants_card(as_reader: Client, record) -> None:
    body = as_reader.get(f"/api/v1/scorecards/claimants/{record['trump'].pk}/").json()
    card = body["card"]
    assert body["name"] == "Donald Trump"
    assert card["counts"]["all"] == 3 and card["counts"]["fulfilled"] == 1
    assert card["counts"]["late"] == 1 and card["counts"]["reason-cancelled"] == 1
    assert card["settled"] == 2 and card["came_true"] == 0.5 and card["median_days_late"] == 4
    assert len(body["still_open"]) == 1
    assert sum(sum(m["counts"].values()) for m in card["months"]) == 3


def test_a_cards_filters_are_the_pages(as_reader: Client, record) -> None:
    url = f"/api/v1/scorecards/claimants/{record['trump'].pk}/"
    assert as_reader.get(f"{url}?tag=roads").json()["card"]["counts"]["all"] == 1
    assert as_reader.get(f"{url}?outlet={record['bugle'].pk}").json()["card"]["counts"]["all"] == 2
    assert as_reader.get(f"{url}?due_from=2026-01-01").json()["card"]["counts"]["all"] == 0
    assert as_reader.get(f"{url}?type=promise").json()["card"]["counts"]["all"] == 0
    assert as_reader.get(f"{url}?due_from=someday").status_code == 422


def test_an_outlets_card(as_reader: Client, record) -> None:
    url = f"/api/v1/scorecards/outlets/{record['bugle'].pk}/"
    body = as_reader.get(url).json()
    assert body["name"] == "Daily Bugle" and body["card"]["counts"]["all"] == 3
    by_rubio = as_reader.get(f"{url}?claimant={record['rubio'].pk}").json()
    assert by_rubio["card"]["counts"]["all"] == 1 and by_rubio["card"]["came_true"] is None


def test_a_card_of_nobody_is_a_404(as_reader: Client) -> None:
    assert as_reader.get("/api/v1/scorecards/claimants/424242/").status_code == 404
    assert as_reader.get("/api/v1/scorecards/outlets/424242/").status_code == 404
