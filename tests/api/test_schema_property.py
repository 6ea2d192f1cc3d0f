"""The property-based run of the whole API schema (issue 13): schemathesis draws requests
for every operation of /api/v1/openapi.json, valid and invalid, and sends them to a live
server as each role, with that role's token. Whatever it sends: no 500, and every answer
(status, content type, body) is one the schema declares.

Bounded: MAX_EXAMPLES requests per operation, mode and role, so the run takes a few
minutes on PostgreSQL. Path ids are drawn half the time from rows that exist, so the
endpoints are exercised beyond their 404."""

import os
from collections import Counter
from collections.abc import Iterator

import pytest
import requests
import schemathesis
from django.db import connection
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.tokens import create_api_token
from articles.models import Article, Outlet
from claims.models import Person, Reminder, Suggestion
from tests.api.resources import make_suggestion, remind
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    OutletFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# A longer hunt by hand: API_SCHEMA_RUN_SCALE=5 sends five times as many.
SCALE = int(os.environ.get("API_SCHEMA_RUN_SCALE", "1"))
MAX_EXAMPLES = {GenerationMode.POSITIVE: 10 * SCALE, GenerationMode.NEGATIVE: 5 * SCALE}
ROLES = {
    "reader": ["Readers"],
    "reviewer": ["Reviewers"],
    "editor": ["Editors"],
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def tokens(db) -> dict[str, dict[str, str]]:
    """Headers per role: anonymous, each role's read-write token, a reader's read-only one."""
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    users = {
        name: UserFactory(username=f"st-{name}", groups=groups) for name, groups in ROLES.items()
    }
    users["admin"] = UserFactory(username="st-admin", is_staff=True, is_superuser=True)
    for name, user in users.items():
        secret = create_api_token(user=user, name="schemathesis", read_write=True)[1]
        headers[name] = {"Authorization": f"Bearer {secret}"}
    secret = create_api_token(user=users["reader"], name="read-only", read_write=False)[1]
    headers["read-only token"] = {"Authorization": f"Bearer {secret}"}
    for user in users.values():
        for _ in range(2):
            remind(ClaimFactory(), user)
    return headers


@pytest.fixture
def rows(tokens) -> dict[str, list[int]]:
    """Rows for the path ids to name, by the path parameter's name."""
    for _ in range(3):
        claim = ClaimFactory(article=ArticleFactory(outlet=OutletFactory()))
        make_suggestion(claim.article)
        make_suggestion(ArticleFactory())
    PersonFactory()
    return {
        "outlet_id": list(Outlet.objects.values_list("pk", flat=True)),
        "article_id": list(Article.objects.values_list("pk", flat=True)),
        "person_id": list(Person.objects.values_list("pk", flat=True)),
        "notification_id": list(Reminder.objects.values_list("pk", flat=True)),
        "suggestion_id": list(Suggestion.objects.values_list("pk", flat=True)),
        # The claims endpoints (another module) name claims the same way.
        "claim_id": [c.pk for c in [ClaimFactory() for _ in range(2)]],
    }


@pytest.fixture
def unlimited(settings) -> Iterator[None]:
    # The rate limit would answer most of the run 429 (declared, so conforming): let every
    # request reach its endpoint instead.
    settings.API_RATE_LIMIT_PER_MINUTE = 10**9
    yield


@pytest.fixture
def server_connections_closed() -> Iterator[None]:
    """The live server's request threads keep their database connections (CONN_MAX_AGE)
    after the test; on PostgreSQL they would keep the test database from being dropped."""
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


def operations(live_server) -> list:
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) >= 19
    return found


def run_operation(
    who: str,
    operation,
    mode,
    headers,
    rows,
    base_url: str,
    failures: list[str],
    answered: Counter,
) -> None:
    names = [p.name for p in operation.path_parameters]
    free = operation.as_strategy(generation_mode=mode)
    strategies = [free]
    if names and all(rows.get(name) for name in names) and mode == GenerationMode.POSITIVE:
        real = st.fixed_dictionaries({name: st.sampled_from(rows[name]) for name in names})
        strategies.append(
            real.flatmap(
                lambda ids: operation.as_strategy(generation_mode=mode, path_parameters=ids)
            )
        )
    session = requests.Session()
    seen: set[str] = set()

    @settings(
        max_examples=MAX_EXAMPLES[mode],
        deadline=None,
        database=None,
        derandomize=SCALE == 1,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(strategies))
    def send(case) -> None:
        response = case.call(base_url=base_url, session=session, headers=headers, timeout=30)
        answered[who, response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, BaseExceptionGroup) as failure:  # noted; the run goes on
            lines = [line for line in str(failure).strip().splitlines() if line.strip()]
            key = f"{who}: {operation.label} [{mode.value}]: {lines[0][:300]}"
            if key not in seen:
                seen.add(key)
                # What was wrong (schemathesis's lines after its headline), then the request.
                said = "\n    ".join(line[:300] for line in lines[1:12])
                failures.append(
                    f"{key}\n    {said}\n    {case.as_curl_command(headers=headers)[:600]}"
                )

    send()


def test_every_operation_as_every_role_answers_as_the_schema_says(
    server_connections_closed, live_server, tokens, rows, unlimited
) -> None:
    failures: list[str] = []
    answered: Counter = Counter()
    found = operations(live_server)
    for who, headers in tokens.items():
        for operation in found:
            for mode in MAX_EXAMPLES:
                run_operation(
                    who, operation, mode, headers, rows, live_server.url, failures, answered
                )
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
    # The run got past the door: every role read and changed things, and was refused some.
    assert {status for (who, status) in answered if who == "anonymous"} == {401}
    for who in ["reader", "editor", "admin"]:
        assert answered[who, 200] > 0 and answered[who, 422] > 0, (who, answered)
    assert answered["editor", 201] > 0 and answered["reader", 403] > 0, answered
    assert answered["read-only token", 403] > 0, answered
