"""Every URL and method, for every role: anonymous users are sent to log in, a role
without the permission gets 403, and the roles PRODUCT.md names get through."""

import re

import pytest
from django.test import Client

from claims import services
from claims.models import ClaimEvent, WebhookEndpoint
from tests.factories import ArticleFactory, ClaimFactory, UserFactory

ROLES = ["anonymous", "reader", "reviewer", "editor", "admin"]
READ = {"reader", "reviewer", "editor", "admin"}
REVIEW = {"reviewer", "editor", "admin"}
EDIT = {"editor", "admin"}


def routes(article_pk: int, claim_pk: int, webhook_pk: int = 0) -> list[tuple[str, str, set[str]]]:
    """`webhook_pk` 0 (no such endpoint) serves callers that only post without a token."""
    a, c, w = article_pk, claim_pk, webhook_pk
    return [
        ("GET", "/", READ),
        ("GET", "/articles/", READ),
        ("GET", f"/articles/{a}/", READ),
        ("GET", "/articles/new/", EDIT),
        ("POST", "/articles/new/", EDIT),
        ("POST", "/articles/upload/", EDIT),
        ("GET", f"/articles/{a}/edit/", EDIT),
        ("POST", f"/articles/{a}/edit/", EDIT),
        ("GET", f"/articles/{a}/claims/new/", EDIT),
        ("POST", f"/articles/{a}/claims/new/", EDIT),
        ("GET", f"/claims/window/?article={a}&time_phrase=next+week", EDIT),
        ("GET", f"/claims/{c}/", READ),
        ("GET", f"/claims/{c}/edit/", EDIT),
        ("POST", f"/claims/{c}/edit/", EDIT),
        ("GET", f"/claims/{c}/row-form/?form=resolve&version=1", REVIEW),
        ("POST", f"/claims/{c}/resolve/", REVIEW),
        ("POST", f"/claims/{c}/reopen/", REVIEW),
        ("POST", f"/claims/{c}/evidence/", REVIEW),
        ("POST", f"/claims/{c}/deadline/", REVIEW),
        ("POST", f"/claims/{c}/snooze/", REVIEW),
        ("POST", f"/claims/{c}/take/", REVIEW),
        ("POST", f"/claims/{c}/assign/", EDIT),
        ("GET", "/settings/webhooks/", EDIT),
        ("GET", "/settings/webhooks/new/", EDIT),
        ("POST", "/settings/webhooks/new/", EDIT),
        ("GET", f"/settings/webhooks/{w}/", EDIT),
        ("GET", f"/settings/webhooks/{w}/edit/", EDIT),
        ("POST", f"/settings/webhooks/{w}/edit/", EDIT),
        ("POST", f"/settings/webhooks/{w}/rotate/", EDIT),
        ("POST", f"/settings/webhooks/{w}/pause/", EDIT),
        ("POST", f"/settings/webhooks/{w}/resume/", EDIT),
        ("POST", f"/settings/webhooks/{w}/test/", EDIT),
        # Without `confirm=yes` a POST only asks again, so the walk deletes nothing.
        ("GET", f"/settings/webhooks/{w}/delete/", EDIT),
        ("POST", f"/settings/webhooks/{w}/delete/", EDIT),
        # Anyone logged in makes API tokens for themselves (with their own role).
        ("POST", "/settings/api-tokens/", READ),
        ("POST", "/settings/api-tokens/1/revoke/", READ),
        ("GET", "/admin/", {"admin"}),
    ]


# POST-only views answer GET with 405 to those allowed to reach them.
POST_ONLY = [
    *["resolve", "reopen", "evidence", "deadline", "snooze", "take", "assign", "upload"],
    *["rotate", "pause", "resume", "test"],  # a webhook's buttons
]


def a_webhook() -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        owner=UserFactory(), url="https://hooks.example/claimtrack", events=["claim.created"]
    )


@pytest.fixture
def clients(reader, reviewer, editor, admin_user) -> dict[str, Client]:
    result = {"anonymous": Client()}
    for name, user in [
        ("reader", reader),
        ("reviewer", reviewer),
        ("editor", editor),
        ("admin", admin_user),
    ]:
        client = Client()
        client.force_login(user)
        result[name] = client
    return result


@pytest.mark.django_db
def test_every_route_checks_the_role(clients: dict[str, Client]) -> None:
    article = ArticleFactory()
    claim = ClaimFactory(article=article)
    webhook = a_webhook()
    failures = []
    for method, url, allowed in routes(article.pk, claim.pk, webhook.pk):
        for role in ROLES:
            client = clients[role]
            response = client.get(url) if method == "GET" else client.post(url, {})
            if url == "/admin/" and role != "admin":
                # Django's admin sends everyone but staff to its own login page.
                ok = response.status_code == 302 and "/admin/login/" in response["Location"]
            elif role == "anonymous":
                ok = response.status_code == 302 and "/login/" in response["Location"]
            elif role in allowed:
                ok = response.status_code not in (403, 404, 405, 500)
            else:
                ok = response.status_code == 403
            if not ok:
                failures.append(f"{role} {method} {url} -> {response.status_code}")
    assert failures == []


@pytest.mark.django_db
def test_post_only_routes_refuse_get(clients: dict[str, Client]) -> None:
    article = ArticleFactory()
    claim = ClaimFactory(article=article)
    for method, url, _ in routes(article.pk, claim.pk, a_webhook().pk):
        if method == "POST" and any(f"/{name}/" in url for name in POST_ONLY):
            assert clients["admin"].get(url).status_code == 405, url


@pytest.mark.django_db
def test_a_user_without_any_role_sees_nothing(client, django_user_model) -> None:
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert client.get("/").status_code == 403
    assert client.get("/articles/").status_code == 403


@pytest.mark.django_db
def test_health_is_public(client) -> None:
    assert client.get("/healthz").status_code == 200


HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def claim_of_someone_else(db):
    """A claim an editor assigned to another reviewer."""
    editor = UserFactory(username="desk-editor", groups=["Editors"])
    other = UserFactory(username="other", groups=["Reviewers"])
    claim = ClaimFactory()
    return services.assign_claim(claim=claim, by=editor, version=1, assignee=other)


def assert_still_theirs(claim) -> None:
    events = ClaimEvent.objects.filter(claim=claim).count()
    claim.refresh_from_db()
    assert claim.assignee.username == "other" and claim.version == 2
    assert events == 1  # the editor's assignment, nothing since


@pytest.mark.django_db
def test_a_reviewer_cannot_take_a_claim_assigned_to_someone_else(reviewer, claim_of_someone_else):
    claim = claim_of_someone_else
    with pytest.raises(services.AssignedToSomeoneElse, match="assigned to other"):
        services.take_claim(claim=claim, by=reviewer, version=claim.version)
    assert_still_theirs(claim)


@pytest.mark.django_db
def test_taking_ones_own_claim_again_changes_nothing(reviewer) -> None:
    claim = services.take_claim(claim=ClaimFactory(), by=reviewer, version=1)
    again = services.take_claim(claim=claim, by=reviewer, version=claim.version)
    assert again.assignee == reviewer and again.version == 2
    assert ClaimEvent.objects.filter(claim=claim).count() == 1


@pytest.mark.django_db
def test_taking_someone_elses_claim_on_its_page_is_refused_with_the_reason(
    as_reviewer, claim_of_someone_else
) -> None:
    claim = claim_of_someone_else
    for headers in [HTMX, {}]:
        response = as_reviewer.post(f"/claims/{claim.pk}/take/", {"version": 2}, **headers)
        assert response.status_code == 409
        assert "assigned to other. Only an editor can reassign it." in response.content.decode()
    assert_still_theirs(claim)


@pytest.mark.django_db
def test_taking_someone_elses_claim_from_the_dashboard_is_refused_in_the_row(
    as_reviewer, claim_of_someone_else
) -> None:
    claim = claim_of_someone_else
    response = as_reviewer.post(
        f"/claims/{claim.pk}/take/",
        {"version": 2, "from": "dashboard", "view": "overdue", "who": "all"},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert f'id="claim-row-{claim.pk}"' in html and "Only an editor can reassign it" in html
    assert_still_theirs(claim)


@pytest.mark.django_db
def test_take_is_offered_only_on_unassigned_claims(as_reviewer, claim_of_someone_else) -> None:
    free = ClaimFactory()
    dashboard = as_reviewer.get("/", {"who": "all"}).content.decode()
    rows = dict(re.findall(r'<li id="claim-row-(\d+)"(.*?)</li>', dashboard, flags=re.S))
    assert ">Take<" in rows[str(free.pk)]
    assert ">Take<" not in rows[str(claim_of_someone_else.pk)]
    assert "Take this claim" in as_reviewer.get(f"/claims/{free.pk}/").content.decode()
    page = as_reviewer.get(f"/claims/{claim_of_someone_else.pk}/").content.decode()
    assert "Take this claim" not in page


@pytest.mark.django_db
def test_an_editor_still_reassigns_a_claim(as_editor, reviewer, claim_of_someone_else) -> None:
    claim = claim_of_someone_else
    response = as_editor.post(
        f"/claims/{claim.pk}/assign/", {"version": 2, "assignee": reviewer.pk}, **HTMX
    )
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.assignee == reviewer
