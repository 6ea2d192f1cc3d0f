"""People (claimants) and their aliases: the list searched by a part of a name or alias,
one person, and a new alias (editors, who may change people), added through
claims.services.add_alias with its limits, as the demo loader adds them."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from api.paging import Page, PageQuery, keyset_page
from api.permissions import require
from api.schemas import ObjectId, ShortText, Text
from claims import services
from claims.models import Person, PersonAlias
from config.paging import Keyset

router = Router(tags=["people"])

# Oldest first, by id: stable whatever is renamed meanwhile.
PERSON_ORDER = Keyset()


class PersonOut(Schema):
    id: int
    name: str
    description: str
    aliases: list[str]
    created_at: dt.datetime

    @staticmethod
    def resolve_aliases(person: Person) -> list[str]:
        return [alias.alias for alias in person.aliases.all()]


class PersonPage(Page[PersonOut]):
    pass


class PeopleQuery(Schema):
    q: ShortText = ""


class AliasIn(Schema):
    alias: Text


def _people() -> Any:
    return Person.objects.prefetch_related(
        Prefetch("aliases", queryset=PersonAlias.objects.order_by("alias"))
    )


@router.get("/", response=PersonPage, summary="List people")
def list_people(
    request: HttpRequest, query: Query[PeopleQuery], paging: Query[PageQuery]
) -> dict[str, Any]:
    """`q` finds a person by a part of their name or of one of their aliases, any case."""
    require(request, "claims.view_person")
    people = _people()
    q = " ".join(query.q.split())
    if q:
        aliased = PersonAlias.objects.filter(person=OuterRef("pk"), alias__icontains=q)
        people = people.filter(Q(name__icontains=q) | Exists(aliased))
    return keyset_page(request, people, PERSON_ORDER, paging)


def _person(person_id: int) -> Person:
    return get_object_or_404(_people(), pk=person_id)


@router.get("/{person_id}/", response=PersonOut, summary="One person, with their aliases")
def get_person(request: HttpRequest, person_id: ObjectId) -> Person:
    require(request, "claims.view_person")
    return _person(person_id)


@router.post("/{person_id}/aliases/", response=PersonOut, summary="Add an alias")
def add_alias(request: HttpRequest, person_id: ObjectId, data: AliasIn) -> Person:
    """Another name the person goes by, for matching claimants. An alias the person has
    already, their own name, or another person's alias changes nothing (the person is
    answered as they are)."""
    require(request, "claims.change_person")
    person = get_object_or_404(Person, pk=person_id)
    if not data.alias.strip():
        raise ValidationError({"alias": ["Give the other name."]})
    services.add_alias(person=person, alias=data.alias)
    return _person(person.pk)
