"""Outlets over the API beyond the pattern: found by name or domain, as the article search
finds an outlet."""

import pytest
from django.test import Client

from tests.factories import OutletFactory

pytestmark = pytest.mark.django_db


def test_outlets_are_found_by_part_of_their_name_or_domain(as_reader: Client) -> None:
    bugle = OutletFactory(name="Daily Bugle", domain="bugle.example")
    planet = OutletFactory(name="Daily Planet", domain="planet.example")
    OutletFactory(name="Other", domain="other.example")

    def found(q: str) -> list[int]:
        return [o["id"] for o in as_reader.get(f"/api/v1/outlets/?q={q}").json()["items"]]

    assert found("daily") == [bugle.pk, planet.pk]
    assert found("PLANET.ex") == [planet.pk]
