"""People and their aliases over the API: found by name or alias, one person, an alias
added by an editor through claims.services."""

import pytest
from django.test import Client

from claims.models import PersonAlias
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def test_people_are_listed_with_their_aliases(as_reader: Client) -> None:
    trump = PersonFactory(name="Donald Trump")
    PersonAlias.objects.create(person=trump, alias="Trump")
    PersonAlias.objects.create(person=trump, alias="Mr. Trump")
    PersonFactory(name="Marco Rubio")
    body = as_reader.get("/api/v1/people/").json()
    assert [(p["name"], p["aliases"]) for p in body["items"]] == [
        ("Donald Trump", ["Mr. Trump", "Trump"]),
        ("Marco Rubio", []),
    ]


def test_q_finds_a_person_by_part_of_a_name_or_an_alias(as_reader: Client) -> None:
    trump = PersonFactory(name="Donald Trump")
    PersonAlias.objects.create(person=trump, alias="The President")
    PersonAlias.objects.create(person=trump, alias="President Trump")
    PersonFactory(name="Marco Rubio")
    assert names(as_reader.get("/api/v1/people/?q=president")) == ["Donald Trump"]
    assert names(as_reader.get("/api/v1/people/?q=RUBIO")) == ["Marco Rubio"]
    assert names(as_reader.get("/api/v1/people/?q=nobody")) == []


def test_one_person(as_reader: Client) -> None:
    person = PersonFactory(name="Marco Rubio", description="Secretary of State")
    body = as_reader.get(f"/api/v1/people/{person.pk}/").json()
    assert body["name"] == "Marco Rubio" and body["description"] == "Secretary of State"
    assert as_reader.get("/api/v1/people/424242/").status_code == 404


def test_an_editor_adds_an_alias(as_editor: Client) -> None:
    person = PersonFactory(name="Donald Trump")
    response = as_editor.post(
        f"/api/v1/people/{person.pk}/aliases/", {"alias": "  Mr.   Trump "}, "application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["aliases"] == ["Mr. Trump"]
    assert list(person.aliases.values_list("alias", flat=True)) == ["Mr. Trump"]


def test_an_alias_taken_by_another_person_changes_nothing(as_editor: Client) -> None:
    trump = PersonFactory(name="Donald Trump")
    PersonAlias.objects.create(person=trump, alias="The President")
    other = PersonFactory(name="Someone Else")
    response = as_editor.post(
        f"/api/v1/people/{other.pk}/aliases/", {"alias": "the president"}, "application/json"
    )
    assert response.status_code == 200
    assert response.json()["aliases"] == []


@pytest.mark.parametrize(
    ("alias", "field"), [("", "alias"), ("x" * 201, "alias"), ("a\x00", "alias")]
)
def test_an_alias_that_cannot_be_kept_is_a_422(as_editor: Client, alias: str, field: str) -> None:
    person = PersonFactory()
    response = as_editor.post(
        f"/api/v1/people/{person.pk}/aliases/", {"alias": alias}, "application/json"
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not PersonAlias.objects.exists()
