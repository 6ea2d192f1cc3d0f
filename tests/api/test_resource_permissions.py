"""The permission matrix of the API's resources beyond claims: every operation, as every
role (anonymous, reader, reviewer, editor, admin) and with every way in (the session, a
read-only token, a read-write token). The roles are the pages' (tests/test_permissions.py);
a read-only token never changes anything, whoever holds it."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from api.tokens import create_api_token
from tests.api.resources import make_suggestion, remind
from tests.factories import ArticleFactory, ClaimFactory, OutletFactory, PersonFactory

pytestmark = pytest.mark.django_db

READ = {"reader", "reviewer", "editor", "admin"}
EDIT = {"editor", "admin"}
# Notifications are everyone's own: being logged in is enough, as on the page.
ANYONE = set(READ)


@dataclass
class Operation:
    name: str
    method: str
    # Makes what the request names, for each request afresh; answers (path, data).
    request: Callable[[dict], tuple[str, object]]
    allowed: set[str]
    ok: int = 200

    @property
    def writes(self) -> bool:
        return self.method != "GET"


def _article_json(users: dict) -> tuple[str, object]:
    n = ArticleFactory.build().title  # a fresh number for a fresh text
    return "/api/v1/articles/", {
        "title": n,
        "body": f"{n}: the minister said the bridge will open within two weeks.",
        "published_date": "2025-10-17",
    }


def _upload(users: dict) -> tuple[str, object]:
    n = ArticleFactory.build().title
    seed = f"date 2025-10-17 A dek\n\n{n}: the road will reopen next week.\n".encode()
    return "/api/v1/articles/upload/", {"file": SimpleUploadedFile("a.txt", seed)}


def _own_notification(users: dict) -> tuple[str, object]:
    reminder = remind(ClaimFactory(), users["me"])
    return f"/api/v1/notifications/{reminder.pk}/read/", None


OPERATIONS = [
    Operation("list outlets", "GET", lambda u: ("/api/v1/outlets/", None), READ),
    Operation(
        "one outlet", "GET", lambda u: (f"/api/v1/outlets/{OutletFactory().pk}/", None), READ
    ),
    Operation("list articles", "GET", lambda u: ("/api/v1/articles/?q=bridge", None), READ),
    Operation(
        "one article", "GET", lambda u: (f"/api/v1/articles/{ArticleFactory().pk}/", None), READ
    ),
    Operation("create article", "POST", _article_json, EDIT, ok=201),
    Operation("upload article", "POST", _upload, EDIT, ok=201),
    Operation(
        "edit article",
        "PUT",
        lambda u: (f"/api/v1/articles/{ArticleFactory().pk}/", _article_json(u)[1]),
        EDIT,
    ),
    Operation("list people", "GET", lambda u: ("/api/v1/people/?q=a", None), READ),
    Operation("one person", "GET", lambda u: (f"/api/v1/people/{PersonFactory().pk}/", None), READ),
    Operation(
        "add alias",
        "POST",
        lambda u: (f"/api/v1/people/{PersonFactory().pk}/aliases/", {"alias": "Another"}),
        EDIT,
    ),
    Operation("list notifications", "GET", lambda u: ("/api/v1/notifications/", None), ANYONE),
    Operation("mark one read", "POST", _own_notification, ANYONE),
    Operation("mark all read", "POST", lambda u: ("/api/v1/notifications/read-all/", None), ANYONE),
    Operation(
        "list suggestions",
        "GET",
        lambda u: (f"/api/v1/articles/{make_suggestion().article_id}/suggestions/", None),
        READ,
    ),
    Operation(
        "log suggestion",
        "POST",
        lambda u: (f"/api/v1/suggestions/{make_suggestion().pk}/log/", None),
        EDIT,
        ok=201,
    ),
    Operation(
        "dismiss suggestion",
        "POST",
        lambda u: (f"/api/v1/suggestions/{make_suggestion().pk}/dismiss/", None),
        EDIT,
    ),
    Operation(
        "add as source",
        "POST",
        lambda u: (
            f"/api/v1/suggestions/{make_suggestion().pk}/source/",
            {"claim_id": ClaimFactory().pk},
        ),
        EDIT,
    ),
    Operation("ranked claimants", "GET", lambda u: ("/api/v1/scorecards/claimants/", None), READ),
    Operation("ranked outlets", "GET", lambda u: ("/api/v1/scorecards/outlets/", None), READ),
    Operation(
        "claimant card",
        "GET",
        lambda u: (
            f"/api/v1/scorecards/claimants/{ClaimFactory().claimant_id}/?type=prediction",
            None,
        ),
        READ,
    ),
    Operation(
        "outlet card",
        "GET",
        lambda u: (f"/api/v1/scorecards/outlets/{OutletFactory().pk}/", None),
        READ,
    ),
]

WAYS_IN = [
    ("anonymous", "none"),
    *((role, way) for role in sorted(READ) for way in ("session", "read_token", "write_token")),
]


def send(client: Client, operation: Operation, path: str, data: object, headers: dict) -> int:
    if operation.method == "GET":
        return client.get(path, **headers).status_code
    if isinstance(data, dict) and any(isinstance(v, SimpleUploadedFile) for v in data.values()):
        return client.post(path, data, **headers).status_code
    send_json = client.put if operation.method == "PUT" else client.post
    return send_json(path, data or {}, content_type="application/json", **headers).status_code


def expected(operation: Operation, role: str, way: str) -> int:
    if role == "anonymous":
        return 401
    if role not in operation.allowed:
        return 403
    if operation.writes and way == "read_token":
        return 403
    return operation.ok


def test_every_operation_is_in_the_matrix(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    ours = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if not path.startswith("/api/v1/claims")
    }
    assert len(ours) == len(OPERATIONS)


@pytest.mark.parametrize(("role", "way"), WAYS_IN)
def test_each_operation_answers_each_role_and_way_in(
    role: str, way: str, reader, reviewer, editor, admin_user
) -> None:
    users = {"reader": reader, "reviewer": reviewer, "editor": editor, "admin": admin_user}
    client, headers = Client(), {}
    if role != "anonymous":
        me = users[role]
        if way == "session":
            client.force_login(me)
        else:
            secret = create_api_token(user=me, name=way, read_write=way == "write_token")[1]
            headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        users = {**users, "me": me}
    else:
        users = {**users, "me": reader}
    wrong = []
    for operation in OPERATIONS:
        path, data = operation.request(users)
        status = send(client, operation, path, data, headers)
        want = expected(operation, role, way)
        if status != want:
            wrong.append(f"{operation.name}: {operation.method} {path} -> {status}, not {want}")
    assert not wrong, "\n".join(wrong)


def test_a_person_without_a_role_reads_only_their_notifications(client: Client) -> None:
    from tests.factories import UserFactory

    nobody = UserFactory(username="no-role")
    client.force_login(nobody)
    users = {"me": nobody}
    for operation in OPERATIONS:
        path, data = operation.request(users)
        status = send(client, operation, path, data, {})
        assert status == (operation.ok if operation.allowed is ANYONE else 403), operation.name
