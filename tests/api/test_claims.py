"""Claims through the API: the dashboard's lists, a claim with its timeline, and every
change, through the same forms and services as the pages."""

import datetime as dt

import pytest
from django.test import Client

from api.claims import ClaimOut
from api.tokens import create_api_token
from claims import services
from claims.models import Claim, ClaimEvent, ClaimType, EventKind, Evidence
from tests.api.conftest import bearer
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    PersonFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 11)  # tests/conftest.py's clock


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def post(client: Client, url: str, body: dict, **headers: str):
    return client.post(url, body, content_type="application/json", **headers)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


# --- Lists -------------------------------------------------------------------------------


def test_the_overdue_list_puts_the_most_overdue_first(as_reader: Client, editor) -> None:
    recent = ClaimFactory(due_date=days_ago(2))
    oldest = ClaimFactory(due_date=days_ago(40))
    middle = ClaimFactory(due_date=days_ago(10))
    ClaimFactory(due_date=TODAY + dt.timedelta(days=3))  # not yet due
    services.resolve_claim(
        claim=ClaimFactory(due_date=days_ago(5)), by=editor, version=1, status="fulfilled"
    )
    response = as_reader.get("/api/v1/claims/?view=overdue")
    assert ids(response) == [oldest.pk, middle.pk, recent.pk]
    assert all(item["overdue"] for item in response.json()["items"])


def test_the_default_view_is_overdue(as_reader: Client) -> None:
    overdue = ClaimFactory(due_date=days_ago(2))
    ClaimFactory(due_date=None)
    assert ids(as_reader.get("/api/v1/claims/")) == [overdue.pk]


def test_each_dashboard_view_lists_what_the_dashboard_does(as_editor: Client, editor) -> None:
    soon = ClaimFactory(due_date=TODAY + dt.timedelta(days=3))
    undated = ClaimFactory(due_date=None)
    resolved = services.resolve_claim(
        claim=ClaimFactory(due_date=days_ago(3)), by=editor, version=1, status="fulfilled"
    )
    overdue = ClaimFactory(due_date=days_ago(1))
    assert ids(as_editor.get("/api/v1/claims/?view=soon")) == [soon.pk]
    assert ids(as_editor.get("/api/v1/claims/?view=undated")) == [undated.pk]
    assert ids(as_editor.get("/api/v1/claims/?view=resolved")) == [resolved.pk]
    assert ids(as_editor.get("/api/v1/claims/?view=all")) == sorted(
        [soon.pk, undated.pk, resolved.pk, overdue.pk]
    )


@pytest.mark.parametrize("view", ["overdue", "soon", "undated", "resolved", "all"])
def test_every_list_item_is_a_claim_as_the_schema_says(as_editor: Client, editor, view) -> None:
    person, outlet = PersonFactory(), OutletFactory()
    claims = [
        ClaimFactory(due_date=days_ago(3), claimant=person, article=ArticleFactory(outlet=outlet)),
        ClaimFactory(due_date=TODAY + dt.timedelta(days=2), claimant=None, assignee=editor),
        ClaimFactory(due_date=None, article=ArticleFactory(outlet=None)),
    ]
    claims[0].tags.add(TagFactory(name="roads", slug="roads"))
    services.resolve_claim(
        claim=ClaimFactory(due_date=days_ago(9)), by=editor, version=1, status="fulfilled"
    )
    items = as_editor.get(f"/api/v1/claims/?view={view}&who=all").json()["items"]
    assert items
    for item in items:
        assert set(item) == set(ClaimOut.model_fields)
        ClaimOut.model_validate(item)  # raises if the list and the schema disagree
        detail = as_editor.get(f"/api/v1/claims/{item['id']}/").json()
        assert {k: v for k, v in detail.items() if k in item} == item


def test_the_filters_are_the_dashboards(as_reviewer: Client, reviewer) -> None:
    outlet = OutletFactory(name="Daily Bugle")
    tag = TagFactory(name="roads", slug="roads")
    person = PersonFactory(name="Ada Minister")
    mine = ClaimFactory(due_date=days_ago(3), assignee=reviewer)
    by_outlet = ClaimFactory(due_date=days_ago(3), article=ArticleFactory(outlet=outlet))
    tagged = ClaimFactory(due_date=days_ago(3))
    tagged.tags.add(tag)
    said = ClaimFactory(due_date=days_ago(3), claimant=person)
    promise = ClaimFactory(due_date=days_ago(3), claim_type=ClaimType.PROMISE)
    worded = ClaimFactory(due_date=days_ago(3), statement="The tramway will reach the harbour")
    url = "/api/v1/claims/?view=overdue"
    # A reviewer's default is their own queue, as on the dashboard.
    assert ids(as_reviewer.get(url)) == [mine.pk]
    assert ids(as_reviewer.get(f"{url}&who=all&outlet={outlet.pk}")) == [by_outlet.pk]
    assert ids(as_reviewer.get(f"{url}&who=all&tag=roads")) == [tagged.pk]
    assert ids(as_reviewer.get(f"{url}&who=all&claimant=ada")) == [said.pk]
    assert ids(as_reviewer.get(f"{url}&who=all&type=promise")) == [promise.pk]
    assert ids(as_reviewer.get(f"{url}&who=all&q=tramway")) == [worded.pk]
    unassigned = ids(as_reviewer.get(f"{url}&who=unassigned"))
    assert mine.pk not in unassigned and by_outlet.pk in unassigned


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("outlet=424242", "outlet"),
        ("tag=no-such-tag", "tag"),
        ("view=everything", "view"),
        ("who=them", "who"),
        ("type=rumour", "type"),
        ("q=" + "a" * 201, "q"),
    ],
)
def test_a_filter_that_cannot_apply_is_a_422_not_a_silently_wider_list(
    as_reader: Client, query: str, field: str
) -> None:
    response = as_reader.get(f"/api/v1/claims/?{query}")
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_a_long_list_pages_by_cursor_in_the_dashboards_order(as_reader: Client) -> None:
    claims = [ClaimFactory(due_date=days_ago(30 - n // 2)) for n in range(7)]
    expected = [c.pk for c in sorted(claims, key=lambda c: (c.due_date, c.pk))]
    seen, url = [], "/api/v1/claims/?view=overdue&who=all&limit=3"
    while url:
        body = as_reader.get(url).json()
        seen.append([item["id"] for item in body["items"]])
        url = body["next"]
    assert seen == [expected[0:3], expected[3:6], expected[6:7]]


def test_view_all_pages_too(as_reader: Client) -> None:
    pks = [ClaimFactory().pk for _ in range(3)]
    first = as_reader.get("/api/v1/claims/?view=all&limit=2").json()
    assert [item["id"] for item in first["items"]] == pks[:2]
    assert ids(as_reader.get(first["next"])) == pks[2:]


def test_a_hostile_cursor_starts_the_list_from_the_top(as_reader: Client) -> None:
    claim = ClaimFactory(due_date=days_ago(3))
    for cursor in ["2025-01-01_99999999999999999999", "garbage", "9999-99-99_1"]:
        assert ids(as_reader.get(f"/api/v1/claims/?view=overdue&cursor={cursor}")) == [claim.pk]


# --- One claim ---------------------------------------------------------------------------


def test_a_claim_comes_with_its_evidence_and_timeline(as_reviewer: Client, reviewer) -> None:
    claim = ClaimFactory(due_date=days_ago(3))
    claim.tags.add(TagFactory(name="roads"))
    EvidenceFactory(claim=claim, title="Follow-up report")
    services.snooze_claim(
        claim=claim, by=reviewer, version=1, until=TODAY + dt.timedelta(days=5), reason="Summit"
    )
    body = as_reviewer.get(f"/api/v1/claims/{claim.pk}/").json()
    assert body["statement"] == claim.statement
    assert body["version"] == 2
    assert body["tags"] == ["roads"]
    assert body["page"] == f"/claims/{claim.pk}/"
    assert body["claimant"]["name"] == claim.claimant.name
    assert [e["title"] for e in body["evidence"]] == ["Follow-up report"]
    assert [(e["kind"], e["note"]) for e in body["timeline"]] == [("snoozed", "Summit")]
    assert body["timeline"][0]["actor"]["username"] == "reviewer"
    assert body["timeline_next"] is None


def test_a_long_timeline_pages_through_older_entries(as_reader: Client) -> None:
    claim = ClaimFactory()
    events = [
        ClaimEvent.objects.create(claim=claim, kind=EventKind.COMMENT, note=f"n{i}")
        for i in range(55)
    ]
    body = as_reader.get(f"/api/v1/claims/{claim.pk}/").json()
    assert len(body["timeline"]) == 50
    older = as_reader.get(body["timeline_next"]).json()
    shown = [e["id"] for e in body["timeline"]] + [e["id"] for e in older["items"]]
    assert shown == [e.pk for e in reversed(events)]
    assert older["next"] is None


def test_a_claim_that_does_not_exist_is_a_404(as_reader: Client) -> None:
    assert as_reader.get("/api/v1/claims/424242/").status_code == 404
    assert as_reader.get("/api/v1/claims/424242/timeline/").status_code == 404


# --- Logging and editing -----------------------------------------------------------------


def test_an_editor_logs_a_claim(as_editor: Client, reviewer) -> None:
    article = ArticleFactory()
    response = post(
        as_editor,
        "/api/v1/claims/",
        {
            "article": article.pk,
            "statement": "The bridge will open",
            "quote": "the bridge will open within two weeks",
            "claimant": "The minister",
            "time_phrase": "within two weeks",
            "due_date": "2025-10-31",
            "precision": "week",
            "assignee": reviewer.pk,
            "tags": ["roads", "bridges"],
        },
    )
    assert response.status_code == 201, response.content
    claim = Claim.objects.get(pk=response.json()["id"])
    assert claim.article == article and claim.created_by.username == "editor"
    assert article.body[claim.quote_start : claim.quote_end] == claim.quote
    assert claim.claimant.name == "The minister" and claim.assignee == reviewer
    assert sorted(t.name for t in claim.tags.all()) == ["bridges", "roads"]
    assert response.json()["timeline"][0]["kind"] == "created"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"due_date": None}, "due_date"),  # a prediction needs a due date (the form's rule)
        ({"quote": "words the article never had"}, "quote"),  # the service's refusal
        ({"due_date": "2025-01-01"}, "due_date"),  # before the article's date
        ({"statement": "x" * 5000}, "statement"),
        ({"article": 424242}, "article"),
        ({"assignee": 424242}, "assignee"),
        ({"due_date": "2025-02-30"}, "due_date"),
    ],
)
def test_a_claim_the_pages_would_refuse_is_a_422_naming_the_field(
    as_editor: Client, changes: dict, field: str
) -> None:
    body = {"article": ArticleFactory().pk, "statement": "It will open", "due_date": "2025-10-31"}
    response = post(as_editor, "/api/v1/claims/", {**body, **changes})
    assert response.status_code == 422, response.content
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not Claim.objects.exists()


def test_editing_changes_only_the_fields_sent(as_editor: Client) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 31))
    claim.tags.add(TagFactory(name="roads", slug="roads"))
    response = as_editor.patch(
        f"/api/v1/claims/{claim.pk}/",
        {"version": 1, "statement": "The new bridge will open"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    claim.refresh_from_db()
    assert claim.statement == "The new bridge will open"
    assert claim.due_date == dt.date(2025, 10, 31) and claim.version == 2
    assert [t.name for t in claim.tags.all()] == ["roads"]
    event = claim.events.get(kind=EventKind.EDITED)
    assert list(event.data["changes"]) == ["statement"]


# --- Changes and conflicts ---------------------------------------------------------------


def test_a_reviewer_resolves_a_claim(as_reviewer: Client) -> None:
    claim = ClaimFactory(due_date=days_ago(3))
    response = post(
        as_reviewer,
        f"/api/v1/claims/{claim.pk}/resolve/",
        {
            "version": 1,
            "status": "not_fulfilled",
            "reason_code": "cancelled",
            "outcome_date": days_ago(1).isoformat(),
            "note": "Called off.",
            "evidence_url": "https://news.example/off",
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "not_fulfilled" and response.json()["version"] == 2
    claim.refresh_from_db()
    assert (claim.status, claim.reason_code, claim.resolved_by.username) == (
        "not_fulfilled",
        "cancelled",
        "reviewer",
    )
    assert Evidence.objects.get(claim=claim).url == "https://news.example/off"


def test_two_reviewers_resolving_at_once_the_second_gets_409_and_the_current_state(
    client: Client, reviewer
) -> None:
    claim = ClaimFactory(due_date=days_ago(3))
    other = UserFactory(username="other", groups=["Reviewers"])
    services.resolve_claim(claim=claim, by=other, version=1, status="fulfilled")
    client.force_login(reviewer)
    response = post(
        client,
        f"/api/v1/claims/{claim.pk}/resolve/",
        {"version": 1, "status": "not_fulfilled", "reason_code": "cancelled"},
    )
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    current = response.json()["current"]
    assert (current["status"], current["version"]) == ("fulfilled", 2)
    assert current["resolved_by"]["username"] == "other"
    claim.refresh_from_db()
    assert claim.status == "fulfilled"  # nothing overwritten


def test_a_stale_and_invalid_change_is_told_of_the_conflict_first(as_reviewer: Client) -> None:
    claim = ClaimFactory(due_date=days_ago(3))
    services.assign_claim(claim=claim, by=None, version=1, assignee=None)  # type: ignore[arg-type]
    response = post(
        as_reviewer, f"/api/v1/claims/{claim.pk}/resolve/", {"version": 1, "status": "open"}
    )
    assert response.status_code == 409
    assert response.json()["current"]["version"] == 2


def test_editing_with_an_old_version_is_a_409(as_editor: Client, editor) -> None:
    claim = ClaimFactory()
    services.edit_claim(claim=claim, by=editor, version=1, statement="First edit")
    response = as_editor.patch(
        f"/api/v1/claims/{claim.pk}/",
        {"version": 1, "statement": "Second edit"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["current"]["statement"] == "First edit"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "not_fulfilled"}, "reason_code"),
        ({"status": "open"}, "status"),
        ({"status": "fulfilled", "outcome_date": "2099-01-01"}, "__all__"),
        ({"status": "fulfilled", "evidence_url": "not a link"}, "evidence_url"),
        ({"status": "fulfilled", "version": "x"}, "version"),
    ],
)
def test_a_resolution_the_pages_would_refuse_is_a_422(
    as_reviewer: Client, body: dict, field: str
) -> None:
    claim = ClaimFactory(due_date=days_ago(3))
    response = post(as_reviewer, f"/api/v1/claims/{claim.pk}/resolve/", {"version": 1, **body})
    assert response.status_code == 422, response.content
    assert field in [error["field"] for error in response.json()["errors"]]
    claim.refresh_from_db()
    assert claim.status == "open" and claim.version == 1


def test_resolving_keeps_the_public_note_unless_one_is_sent(as_editor: Client) -> None:
    claim = ClaimFactory(due_date=days_ago(3), public_note="Kept for the public.")
    url = f"/api/v1/claims/{claim.pk}/resolve/"
    assert post(as_editor, url, {"version": 1, "status": "fulfilled"}).status_code == 200
    claim.refresh_from_db()
    assert claim.public_note == "Kept for the public."
    post(as_editor, url, {"version": 2, "status": "fulfilled", "public_note": "New."})
    claim.refresh_from_db()
    assert claim.public_note == "New."


def test_reopen_evidence_deadline_and_snooze_each_leave_their_event(as_reviewer: Client) -> None:
    claim = ClaimFactory(due_date=days_ago(3))
    base = f"/api/v1/claims/{claim.pk}"
    later = (TODAY + dt.timedelta(days=30)).isoformat()
    steps = [
        ("resolve", {"status": "fulfilled"}),
        ("reopen", {"note": "Too early."}),
        ("evidence", {"url": "https://news.example/a", "title": "A"}),
        ("deadline", {"due_date": later, "reason": "Postponed by the ministry."}),
        ("snooze", {"until": later, "reason": "After the summit."}),
    ]
    for version, (action, body) in enumerate(steps, start=1):
        response = post(as_reviewer, f"{base}/{action}/", {"version": version, **body})
        assert response.status_code == 200, (action, response.content)
    claim.refresh_from_db()
    assert (claim.status, claim.due_date.isoformat(), claim.snoozed_until.isoformat()) == (
        "open",
        later,
        later,
    )
    kinds = list(claim.events.order_by("id").values_list("kind", "note"))
    assert kinds == [
        ("status_changed", ""),
        ("status_changed", "Too early."),
        ("evidence_added", "A"),
        ("deadline_changed", "Postponed by the ministry."),
        ("snoozed", "After the summit."),
    ]


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("evidence", {}, "__all__"),
        ("deadline", {"due_date": "2026-04-01"}, "reason"),
        ("snooze", {"until": "2026-03-01"}, "__all__"),
        ("reopen", {}, "__all__"),  # it is open already
    ],
)
def test_each_action_refuses_what_its_form_refuses(
    as_reviewer: Client, action: str, body: dict, field: str
) -> None:
    claim = ClaimFactory(due_date=days_ago(3))
    response = post(as_reviewer, f"/api/v1/claims/{claim.pk}/{action}/", {"version": 1, **body})
    assert response.status_code == 422, response.content
    assert field in [error["field"] for error in response.json()["errors"]]


def test_a_reviewer_takes_an_unassigned_claim_but_not_someone_elses(
    as_reviewer: Client, reviewer
) -> None:
    free = ClaimFactory()
    taken = ClaimFactory(assignee=UserFactory(username="other", groups=["Reviewers"]))
    assert post(as_reviewer, f"/api/v1/claims/{free.pk}/take/", {"version": 1}).status_code == 200
    free.refresh_from_db()
    assert free.assignee == reviewer
    response = post(as_reviewer, f"/api/v1/claims/{taken.pk}/take/", {"version": 1})
    assert response.status_code == 409
    assert "Only an editor can reassign it" in response.json()["detail"]
    assert response.json()["current"]["assignee"]["username"] == "other"


def test_an_editor_assigns_a_reviewer_and_only_a_reviewer(as_editor: Client, reviewer) -> None:
    claim = ClaimFactory()
    url = f"/api/v1/claims/{claim.pk}/assign/"
    nobody = UserFactory(username="no-role")
    response = post(as_editor, url, {"version": 1, "assignee": nobody.pk})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "assignee"
    response = post(as_editor, url, {"version": 1, "assignee": reviewer.pk})
    assert response.json()["assignee"]["username"] == "reviewer"
    response = post(as_editor, url, {"version": 2, "assignee": None})
    assert response.status_code == 200 and response.json()["assignee"] is None


# --- Signing in for changes ----------------------------------------------------------------


def test_a_browser_session_must_send_its_csrf_token_to_change_anything(reviewer) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    claim = ClaimFactory(due_date=days_ago(3))
    url, body = f"/api/v1/claims/{claim.pk}/take/", {"version": 1}
    refused = post(client, url, body)
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    assert "CSRF" in refused.json()["detail"]
    client.get("/settings/")  # any page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    assert post(client, url, body, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_a_token_needs_no_csrf_token(reviewer) -> None:
    client = Client(enforce_csrf_checks=True)
    secret = create_api_token(user=reviewer, name="bot", read_write=True)[1]
    claim = ClaimFactory()
    response = post(client, f"/api/v1/claims/{claim.pk}/take/", {"version": 1}, **bearer(secret))
    assert response.status_code == 200


def test_a_read_only_token_changes_nothing(client: Client, editor) -> None:
    secret = create_api_token(user=editor, name="reporting", read_write=False)[1]
    claim = ClaimFactory()
    response = post(
        client,
        f"/api/v1/claims/{claim.pk}/resolve/",
        {"version": 1, "status": "fulfilled"},
        **bearer(secret),
    )
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    claim.refresh_from_db()
    assert claim.status == "open" and claim.version == 1
    assert client.get(f"/api/v1/claims/{claim.pk}/", **bearer(secret)).status_code == 200
