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


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), [r for r in ROUTES if r[0] not in EXEMPT])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_requests_are_sent_to_the_login_page(name: str, path: str, method: str) -> None:
    response = getattr(Client(), method)(path)
    assert response.status_code == 302, name
    assert response["Location"].startswith(f"/accounts/login/?next={path}"), name


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
