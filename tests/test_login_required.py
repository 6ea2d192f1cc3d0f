"""Private by default: LoginRequiredMiddleware sends an anonymous request for any URL to
the login page, except the few views marked @login_not_required. A new view is covered
here without being listed."""

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Public on purpose: the probes (monitors have no session), logging in and out, and the
# unread count, which answers an ended session with "stop polling" instead of a login page;
# the feeds, which a calendar or feed reader opens by the secret in their address alone.
# The public pages answer 404 with PUBLIC_PAGES off and to unpublished claims
# (tests/claims/test_public.py), never a staff page.
EXEMPT = {
    "healthz",
    "livez",
    "login",
    "logout",
    "notifications:count",
    "public:claims",
    "public:claim",
    "public:article",
    "public:scorecards",
    "public:claimant_card",
    "public:outlet_card",
    "public:scorecard_claims",
    "public:outlet_scorecards",
    "public:feed_atom",
    "claims:feed_ical",
    "claims:feed_atom",
    # The API's schema and its documentation page describe the API, not the newsroom's
    # data: a program reads the schema before it has anything to log in with.
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",
}


def routes(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(view name, example path) for every URL pattern, arguments filled with 1."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if route.startswith("admin/"):
                continue  # the admin keeps its own login page: see the test below
            yield f"{namespace}{pattern.name}", "/" + re.sub(r"<(\w+:)?\w+>", "1", route)


ROUTES = sorted(routes(get_resolver().url_patterns))


def test_every_route_is_listed() -> None:
    names = {name for name, _path in ROUTES}
    assert {"claims:dashboard", "articles:list", "notifications:list"} <= names
    assert names >= EXEMPT


# The JSON API authenticates each request itself (api.auth): a program gets 401, not the
# login page.
API_ROUTES = [r for r in ROUTES if r[0].startswith("api:") and r[0] not in EXEMPT]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "path"), [r for r in ROUTES if r[0] not in EXEMPT and r not in API_ROUTES]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_requests_are_sent_to_the_login_page(name: str, path: str, method: str) -> None:
    response = getattr(Client(), method)(path)
    assert response.status_code == 302, name
    assert response["Location"].startswith(f"/accounts/login/?next={path}"), name


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), API_ROUTES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_api_requests_are_answered_401(name: str, path: str, method: str) -> None:
    response = getattr(Client(), method)(path)
    # 405: a method the operation does not take is refused before anyone is asked.
    assert response.status_code in (401, 405), name
    if response.status_code == 401:
        assert response["Content-Type"] == "application/problem+json", name


def test_the_api_has_routes_to_check() -> None:
    assert ("api:list_outlets", "/api/v1/outlets/") in API_ROUTES


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), [r for r in ROUTES if r[0] in EXEMPT])
def test_the_exempt_views_answer_anonymous_requests_themselves(name: str, path: str) -> None:
    response = Client().get(path)
    assert not (response.status_code == 302 and "/login/?next=" in response["Location"]), name


@pytest.mark.django_db
def test_the_admin_sends_anonymous_users_to_its_own_login_page() -> None:
    response = Client().get("/admin/auth/user/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/auth/user/")
