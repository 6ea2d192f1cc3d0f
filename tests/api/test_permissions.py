"""Every API operation, for every role and every way of signing in: the same permissions
as the pages (tests/test_permissions.py), and a read-only token never changes anything."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import resolve

from api.tokens import create_api_token
from claims import services
from claims.models import Claim, ClaimStatus
from tests.api.conftest import bearer
from tests.factories import ArticleFactory, ClaimFactory, OutletFactory

ROLES = ["anonymous", "reader", "reviewer", "editor", "admin"]
READ = {"reader", "reviewer", "editor", "admin"}
REVIEW = {"reviewer", "editor", "admin"}
EDIT = {"editor", "admin"}
SCOPES = ["session", "read-only token", "read-write token"]


@dataclass
class World:
    claim: Claim
    resolved: Claim
    reviewer_pk: int
    outlet_pk: int
    article_pk: int


@dataclass(frozen=True)
class Operation:
    method: str
    path: Callable[[World], str]
    allowed: set[str]
    body: Callable[[World], dict] = lambda w: {}
    success: int = 200

    @property
    def writes(self) -> bool:
        return self.method != "GET"


def v(claim: Claim) -> dict:
    return {"version": claim.version}


SOON = (dt.date(2026, 3, 11) + dt.timedelta(days=20)).isoformat()

OPERATIONS = [
    Operation("GET", lambda w: "/api/v1/outlets/", READ),
    Operation("GET", lambda w: f"/api/v1/outlets/{w.outlet_pk}/", READ),
    Operation("GET", lambda w: "/api/v1/claims/?view=overdue&who=all", READ),
    Operation("GET", lambda w: "/api/v1/claims/?view=all", READ),
    Operation("GET", lambda w: f"/api/v1/claims/{w.claim.pk}/", READ),
    Operation("GET", lambda w: f"/api/v1/claims/{w.claim.pk}/timeline/", READ),
    Operation(
        "POST",
        lambda w: "/api/v1/claims/",
        EDIT,
        lambda w: {"article": w.article_pk, "statement": "It will open", "due_date": SOON},
        201,
    ),
    Operation(
        "PATCH",
        lambda w: f"/api/v1/claims/{w.claim.pk}/",
        EDIT,
        lambda w: {**v(w.claim), "statement": "It will open soon"},
    ),
    Operation(
        "POST",
        lambda w: f"/api/v1/claims/{w.claim.pk}/resolve/",
        REVIEW,
        lambda w: {**v(w.claim), "status": "fulfilled", "outcome_date": "2025-10-30"},
    ),
    Operation(
        "POST",
        lambda w: f"/api/v1/claims/{w.resolved.pk}/reopen/",
        REVIEW,
        lambda w: {**v(w.resolved), "note": "Too early."},
    ),
    Operation(
        "POST",
        lambda w: f"/api/v1/claims/{w.claim.pk}/evidence/",
        REVIEW,
        lambda w: {**v(w.claim), "url": "https://news.example/a"},
    ),
    Operation(
        "POST",
        lambda w: f"/api/v1/claims/{w.claim.pk}/deadline/",
        REVIEW,
        lambda w: {**v(w.claim), "due_date": SOON, "reason": "Postponed."},
    ),
    Operation(
        "POST",
        lambda w: f"/api/v1/claims/{w.claim.pk}/snooze/",
        REVIEW,
        lambda w: {**v(w.claim), "until": SOON},
    ),
    Operation("POST", lambda w: f"/api/v1/claims/{w.claim.pk}/take/", REVIEW, lambda w: v(w.claim)),
    Operation(
        "POST",
        lambda w: f"/api/v1/claims/{w.claim.pk}/assign/",
        EDIT,
        lambda w: {**v(w.claim), "assignee": w.reviewer_pk},
    ),
]


def make_world(users: dict) -> World:
    claim = ClaimFactory()
    resolved = ClaimFactory()
    resolved = services.resolve_claim(
        claim=resolved, by=users["editor"], version=1, status=ClaimStatus.FULFILLED
    )
    return World(
        claim=claim,
        resolved=resolved,
        reviewer_pk=users["reviewer"].pk,
        outlet_pk=OutletFactory().pk,
        article_pk=ArticleFactory().pk,
    )


def send(client: Client, operation: Operation, world: World, headers: dict) -> int:
    path, body = operation.path(world), operation.body(world)
    if operation.method == "GET":
        return client.get(path, **headers).status_code
    call = getattr(client, operation.method.lower())
    return call(path, body, content_type="application/json", **headers).status_code


def expected(operation: Operation, role: str, scope: str) -> int:
    if role == "anonymous":
        return 401
    if scope == "read-only token" and operation.writes:
        return 403
    if role not in operation.allowed:
        return 403
    return operation.success


@pytest.fixture
def users(reader, reviewer, editor, admin_user) -> dict:
    return {"reader": reader, "reviewer": reviewer, "editor": editor, "admin": admin_user}


@pytest.mark.django_db
@pytest.mark.parametrize("scope", SCOPES)
def test_every_operation_checks_the_role_and_the_token_scope(users: dict, scope: str) -> None:
    failures = []
    for role in ROLES:
        client = Client()
        headers: dict = {}
        if role != "anonymous":
            if scope == "session":
                client.force_login(users[role])
            else:
                secret = create_api_token(
                    user=users[role], name="matrix", read_write=scope == "read-write token"
                )[1]
                headers = bearer(secret)
        for operation in OPERATIONS:
            world = make_world(users)
            status = send(client, operation, world, headers)
            want = expected(operation, role, scope)
            if status != want:
                failures.append(
                    f"{scope} {role} {operation.method} {operation.path(world)}: {status}, not {want}"
                )
    assert failures == []


@pytest.mark.django_db
def test_the_matrix_covers_every_claims_and_outlets_operation(users: dict) -> None:
    world = make_world(users)
    schema = Client().get("/api/v1/openapi.json").json()
    in_schema = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if path.startswith(("/api/v1/claims/", "/api/v1/outlets/"))
    }
    covered = set()
    for operation in OPERATIONS:
        route = resolve(operation.path(world).split("?")[0]).route
        covered.add((operation.method, "/" + route.replace("<", "{").replace(">", "}")))
    assert covered == in_schema
