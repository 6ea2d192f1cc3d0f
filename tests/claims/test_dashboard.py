import datetime as dt
import re
from html import unescape

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims import dashboard, services
from claims.models import Claim, ClaimStatus, Reminder
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    OutletFactory,
    PersonFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
# 00:30 on 5 Nov 2025 in New York is 05:30 UTC: in UTC terms a different hour, same day.
NEW_YORK_EARLY = dt.datetime(2025, 11, 5, 5, 30, tzinfo=dt.UTC)
NEW_YORK_LATE = dt.datetime(2025, 11, 6, 4, 30, tzinfo=dt.UTC)  # 23:30 on 5 Nov there


def statements(response) -> list[str]:
    """The statements of the rows a response shows, in order (a page or a partial)."""
    found = re.findall(r'class="row-statement" href="[^"]*">([^<]*)</a>', response.content.decode())
    return [unescape(statement) for statement in found]


@pytest.mark.parametrize("now", [NEW_YORK_EARLY, NEW_YORK_LATE])
def test_due_today_is_not_overdue_and_due_yesterday_is_in_the_newsroom_time_zone(
    as_editor, settings, now: dt.datetime
) -> None:
    settings.TIME_ZONE = "America/New_York"
    ClaimFactory(statement="due today", due_date=dt.date(2025, 11, 5))
    ClaimFactory(statement="due yesterday", due_date=dt.date(2025, 11, 4))
    ClaimFactory(statement="due in a week", due_date=dt.date(2025, 11, 12))
    ClaimFactory(statement="due in eight days", due_date=dt.date(2025, 11, 13))
    with time_machine.travel(now, tick=False):
        response = as_editor.get("/")
        soon = as_editor.get("/", {"view": "soon"})
    assert statements(response) == ["due yesterday"]
    assert statements(soon) == ["due today", "due in a week"]
    assert response.context["counts"]["overdue"] == 1
    assert response.context["counts"]["soon"] == 2


def test_the_overdue_list_is_most_overdue_first(as_editor) -> None:
    ClaimFactory(statement="b", due_date=dt.date(2025, 10, 20))
    ClaimFactory(statement="a", due_date=dt.date(2025, 10, 1))
    ClaimFactory(
        statement="resolved",
        due_date=dt.date(2025, 9, 1),
        status="void",
        resolved_at=timezone.now(),
    )
    ClaimFactory(statement="undated", due_date=None)
    assert statements(as_editor.get("/")) == ["a", "b"]


def test_counters_count_each_list(as_editor) -> None:
    today = timezone.localdate()
    ClaimFactory(due_date=today - dt.timedelta(days=2))
    ClaimFactory(due_date=today + dt.timedelta(days=3))
    ClaimFactory(due_date=None)
    ClaimFactory(status=ClaimStatus.FULFILLED, resolved_at=timezone.now())
    ClaimFactory(status=ClaimStatus.FULFILLED, resolved_at=timezone.now() - dt.timedelta(days=40))
    counts = as_editor.get("/").context["counts"]
    assert counts == {"overdue": 1, "soon": 1, "undated": 1, "resolved": 1}
    html = as_editor.get("/").content.decode()
    assert 'href="/?view=resolved&amp;who=all"' in html


def test_reviewers_land_on_their_own_queue_and_editors_on_all(client, reviewer, editor) -> None:
    mine = ClaimFactory(statement="mine", assignee=reviewer, due_date=dt.date(2025, 1, 1))
    ClaimFactory(statement="theirs", due_date=dt.date(2025, 1, 2))
    client.force_login(reviewer)
    assert statements(client.get("/")) == [mine.statement]
    assert statements(client.get("/", {"who": "all"})) == ["mine", "theirs"]
    assert statements(client.get("/", {"who": "unassigned"})) == ["theirs"]
    client.force_login(editor)
    assert statements(client.get("/")) == ["mine", "theirs"]


def test_filters_narrow_the_list_and_stay_in_the_links(as_editor) -> None:
    trump = PersonFactory(name="Donald Trump")
    outlet = OutletFactory(name="The Washington Times")
    tag = TagFactory(name="Ukraine", slug="ukraine")
    match = ClaimFactory(
        statement="Trump and Putin will meet in Budapest",
        claimant=trump,
        article=ArticleFactory(outlet=outlet),
        claim_type="prediction",
        due_date=dt.date(2025, 10, 31),
    )
    match.tags.add(tag)
    ClaimFactory(statement="Other claim", due_date=dt.date(2025, 10, 31), claim_type="promise")
    query = {
        "who": "all",
        "claimant": "trump",
        "outlet": outlet.pk,
        "tag": "ukraine",
        "type": "prediction",
        "q": "budapest",
    }
    response = as_editor.get("/", query)
    assert statements(response) == [match.statement]
    assert response.context["counts"]["overdue"] == 1
    html = response.content.decode()
    assert f"claimant=trump&amp;outlet={outlet.pk}&amp;tag=ukraine" in html
    for name, value in [("claimant", "nobody"), ("type", "promise"), ("q", "zzz")]:
        assert match.statement not in statements(as_editor.get("/", {**query, name: value}))


def test_htmx_filtering_returns_the_dashboard_region_only(as_editor) -> None:
    html = as_editor.get("/", {"who": "all"}, **HTMX).content.decode()
    assert html.lstrip().startswith('<div id="dashboard">')
    assert "<html" not in html


def test_counters_refresh_alone(as_editor) -> None:
    html = as_editor.get("/", {"part": "counters"}, **HTMX).content.decode()
    assert html.lstrip().startswith('<div id="counters"')
    assert 'hx-trigger="every 60s"' in html


def test_show_more_pages_by_keyset_and_appends_rows(as_editor, monkeypatch) -> None:
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 2)
    for day in range(5):
        ClaimFactory(statement=f"claim {day}", due_date=dt.date(2025, 10, 1))
    first = as_editor.get("/")
    assert statements(first) == ["claim 0", "claim 1"]
    cursor = first.context["next_cursor"]
    second = as_editor.get("/", {"after": cursor}, **HTMX)
    html = second.content.decode()
    assert statements(second) == ["claim 2", "claim 3"]
    assert html.lstrip().startswith('<li id="claim-row-')
    more = re.search(
        r'id="show-more".*?hx-get="/\?view=overdue&amp;who=all&amp;after=([^"]+)"', html
    )
    assert more
    last = as_editor.get("/", {"after": more.group(1)})
    assert statements(last) == ["claim 4"] and last.context["next_cursor"] == ""
    assert 'id="show-more"' not in last.content.decode()


def test_the_query_count_does_not_grow_with_the_rows_shown(
    as_reviewer, reviewer, monkeypatch
) -> None:
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 1000)

    def queries_for(rows: int) -> int:
        while Claim.objects.count() < rows:
            ClaimFactory(due_date=dt.date(2025, 10, 1), assignee=reviewer)
        with CaptureQueriesContext(connection) as captured:
            response = as_reviewer.get("/")
        assert len(response.context["rows"]) == rows
        return len(captured)

    ten = queries_for(10)
    five_hundred = queries_for(500)
    assert ten == five_hundred


def test_resolving_a_row_removes_it_and_updates_the_counters_out_of_band(
    as_reviewer, reviewer
) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1), assignee=reviewer)
    ClaimFactory(due_date=dt.date(2025, 10, 2), assignee=reviewer)
    response = as_reviewer.post(
        f"/claims/{claim.pk}/resolve/",
        {
            "version": 1,
            "from": "dashboard",
            "view": "overdue",
            "who": "mine",
            "status": "not_fulfilled",
            "reason_code": "cancelled",
            "evidence_url": "https://news.example/off",
        },
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "row-statement" not in html  # the row is gone; what happened stands in its place
    counters = re.search(r'<div id="counters"[^>]*hx-swap-oob="true"', html)
    assert counters
    assert re.search(r'<span class="count">1</span>\s*<span class="counter-label">Overdue', html)
    assert re.search(r'<span class="count">1</span>\s*<span class="counter-label">Resolved', html)
    assert f"Marked not fulfilled: {claim.statement}. The claim left this list." in html
    claim.refresh_from_db()
    assert claim.status == "not_fulfilled" and claim.evidence.count() == 1


def test_taking_a_row_keeps_it_in_all_and_shows_the_new_assignee(as_reviewer) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    response = as_reviewer.post(
        f"/claims/{claim.pk}/take/",
        {"version": 1, "from": "dashboard", "view": "overdue", "who": "all"},
        **HTMX,
    )
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="claim-row-{claim.pk}"')
    assert "Assignee: reviewer" in html


def test_snooze_and_deadline_inline(as_reviewer) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    base = {"from": "dashboard", "view": "overdue", "who": "all"}
    as_reviewer.post(
        f"/claims/{claim.pk}/snooze/", {**base, "version": 1, "until": "2099-01-01"}, **HTMX
    )
    response = as_reviewer.post(
        f"/claims/{claim.pk}/deadline/",
        {**base, "version": 2, "due_date": "2099-06-30", "reason": "Postponed"},
        **HTMX,
    )
    assert "row-statement" not in response.content.decode()
    claim.refresh_from_db()
    assert claim.snoozed_until == dt.date(2099, 1, 1) and claim.due_date == dt.date(2099, 6, 30)


def test_a_conflict_in_a_row_shows_the_current_state(as_reviewer) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    other = UserFactory(username="other", groups=["Reviewers"])
    services.take_claim(claim=claim, by=other, version=1)
    response = as_reviewer.post(
        f"/claims/{claim.pk}/resolve/",
        {"version": 1, "from": "dashboard", "view": "overdue", "who": "all", "status": "fulfilled"},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Your change was not saved" in html
    assert "Assignee: other" in html
    # No Take on a claim someone else has: the row's forms carry the version now.
    assert "&amp;version=2" in html


def test_an_invalid_row_action_keeps_the_row_with_the_error(as_reviewer) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    response = as_reviewer.post(
        f"/claims/{claim.pk}/resolve/",
        {
            "version": 1,
            "from": "dashboard",
            "view": "overdue",
            "who": "all",
            "status": "not_fulfilled",
        },
        **HTMX,
    )
    assert response.status_code == 422
    assert "Say why it was not fulfilled." in response.content.decode()


def test_a_plain_post_from_the_dashboard_goes_back_to_it(as_reviewer) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    response = as_reviewer.post(
        f"/claims/{claim.pk}/take/",
        {"version": 1, "from": "dashboard", "next": "/?who=all&view=overdue"},
    )
    assert response.status_code == 302 and response["Location"] == "/?who=all&view=overdue"
    evil = as_reviewer.post(
        f"/claims/{claim.pk}/take/",
        {"version": 2, "from": "dashboard", "next": "https://evil.example/"},
    )
    assert evil["Location"] == f"/claims/{claim.pk}/"


def test_readers_see_rows_without_actions(client, reader) -> None:
    ClaimFactory(due_date=dt.date(2025, 10, 1))
    client.force_login(reader)
    html = client.get("/").content.decode()
    assert "queue-row" in html
    assert "row-action" not in html and ">Take<" not in html


def test_empty_states_say_what_to_do(as_reviewer) -> None:
    html = as_reviewer.get("/").content.decode()
    assert "Nothing is assigned to you here" in html


def test_a_row_fetches_its_forms_when_opened_and_links_to_the_claim_without_js(
    as_reviewer,
) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    html = as_reviewer.get("/", {"who": "all"}).content.decode()
    assert "Record outcome" not in html
    for name in ("resolve", "snooze", "deadline"):
        assert f'hx-get="/claims/{claim.pk}/row-form/?form={name}&amp;version=1"' in html
    assert (
        f'<noscript><a class="row-form-link" href="/claims/{claim.pk}/">'
        "Resolve on the claim page</a></noscript>"
    ) in html


def test_a_row_form_carries_the_version_the_row_showed_and_the_filters(
    as_reviewer, reviewer
) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    services.take_claim(claim=claim, by=reviewer, version=1)  # now at version 2
    url = f"/claims/{claim.pk}/row-form/"
    response = as_reviewer.get(
        url, {"form": "resolve", "version": 1, "who": "all", "q": "x"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<form method="post" action="/claims/{claim.pk}/resolve/"')
    assert 'name="version" value="1"' in html
    assert 'name="next" value="/?view=overdue&amp;who=all&amp;q=x"' in html
    assert "Record outcome" in html and 'name="reason_code"' in html
    snooze = as_reviewer.get(url, {"form": "snooze", "version": 2}, **HTMX)
    assert 'name="until"' in snooze.content.decode()
    deadline = as_reviewer.get(url, {"form": "deadline", "version": 2}, **HTMX)
    assert 'value="2025-10-01"' in deadline.content.decode()
    assert as_reviewer.get(url, {"form": "assign"}, **HTMX).status_code == 404
    assert as_reviewer.get(url, {"form": "resolve"})["Location"] == f"/claims/{claim.pk}/"


def test_a_resolve_from_a_stale_row_form_is_refused(as_reviewer, reviewer) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    services.take_claim(claim=claim, by=reviewer, version=1)
    html = as_reviewer.get(
        f"/claims/{claim.pk}/row-form/", {"form": "resolve", "version": 1}, **HTMX
    )
    assert 'name="version" value="1"' in html.content.decode()
    response = as_reviewer.post(
        f"/claims/{claim.pk}/resolve/",
        {"version": 1, "from": "dashboard", "who": "all", "status": "fulfilled"},
        **HTMX,
    )
    assert response.status_code == 409
    claim.refresh_from_db()
    assert claim.status == "open"


def test_counters_stop_at_the_cap(as_editor, monkeypatch) -> None:
    monkeypatch.setattr(dashboard, "COUNT_CAP", 2)
    monkeypatch.setattr("claims.views.COUNT_CAP", 2)
    for day in range(1, 5):
        ClaimFactory(due_date=dt.date(2025, 10, day))
    ClaimFactory(due_date=dt.date(2025, 10, 5), status="void", resolved_at=timezone.now())
    response = as_editor.get("/")
    html = response.content.decode()
    assert re.search(r'<span class="count">2\+</span>\s*<span class="counter-label">Overdue', html)
    assert re.search(r'<span class="count">1</span>\s*<span class="counter-label">Resolved', html)
    assert len(statements(response)) == 4


def test_show_more_does_not_count(as_editor, monkeypatch) -> None:
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 2)
    for day in range(1, 6):
        ClaimFactory(due_date=dt.date(2025, 10, day))
    first = as_editor.get("/")
    cursor = first.context["next_cursor"]
    with CaptureQueriesContext(connection) as queries:
        more = as_editor.get("/", {"after": cursor}, **HTMX)
    assert len(statements(more)) == 2
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def row_html(response, claim: Claim) -> str:
    match = re.search(
        rf'<li id="claim-row-{claim.pk}".*?</li>', response.content.decode(), flags=re.S
    )
    assert match, f"no row for claim {claim.pk}"
    return match.group(0)


def test_a_kept_row_shows_every_change_to_its_claim(as_reviewer, reviewer) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    with time_machine.travel(dt.datetime(2025, 11, 5, 12, tzinfo=dt.UTC), tick=False):
        first = row_html(as_reviewer.get("/", {"who": "all"}), claim)
        assert "35 days overdue" in first and "Assignee: nobody" in first and ">Take<" in first
        assert row_html(as_reviewer.get("/", {"who": "all"}), claim) == first
        services.change_deadline(
            claim=claim, by=reviewer, version=1, due_date=dt.date(2025, 10, 3), reason="Moved"
        )
        moved = row_html(as_reviewer.get("/", {"who": "all"}), claim)
        assert "by Fri 3 Oct 2025" in moved and "33 days overdue" in moved
        services.take_claim(claim=claim, by=reviewer, version=2)
        taken = row_html(as_reviewer.get("/", {"who": "all"}), claim)
        assert "Assignee: reviewer" in taken and ">Take<" not in taken
        Reminder.objects.create(
            claim=claim,
            recipient=reviewer,
            due_date=claim.due_date,
            step=1,
            channel="email",
            sent_at=timezone.now(),
        )
        assert "Last reminder 5 Nov" in row_html(as_reviewer.get("/", {"who": "all"}), claim)
    with time_machine.travel(dt.datetime(2025, 11, 6, 12, tzinfo=dt.UTC), tick=False):
        assert "34 days overdue" in row_html(as_reviewer.get("/", {"who": "all"}), claim)


def test_a_row_kept_for_a_reviewer_is_not_shown_to_a_reader(client, reviewer, reader) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    client.force_login(reviewer)
    assert ">Take<" in row_html(client.get("/", {"who": "all"}), claim)
    client.force_login(reader)
    html = row_html(client.get("/", {"who": "all"}), claim)
    assert ">Take<" not in html and "row-action" not in html


def test_take_submits_the_lists_one_form_without_javascript(as_reviewer) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    html = as_reviewer.get("/", {"who": "all"}).content.decode()
    take_form = re.search(r'<form id="take-form" method="post" hidden>.*?</form>', html)
    assert take_form
    assert 'name="csrfmiddlewaretoken"' in take_form.group(0)
    assert 'name="next" value="/?view=overdue&amp;who=all"' in take_form.group(0)
    assert (
        f'<button type="submit" form="take-form" formaction="/claims/{claim.pk}/take/" '
        'name="version" value="1"'
    ) in row_html(as_reviewer.get("/", {"who": "all"}), claim)


def test_counters_follow_a_change_made_elsewhere(as_editor, editor) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    ClaimFactory(due_date=dt.date(2025, 10, 2))
    assert as_editor.get("/").context["counts"]["overdue"] == 2
    services.resolve_claim(claim=claim, by=editor, version=1, status="fulfilled")
    counts = as_editor.get("/").context["counts"]
    assert counts["overdue"] == 1 and counts["resolved"] == 1


def test_the_minute_refresh_does_not_count_again_when_nothing_changed(as_editor) -> None:
    ClaimFactory(due_date=dt.date(2025, 10, 1))
    as_editor.get("/", {"part": "counters"}, **HTMX)
    with CaptureQueriesContext(connection) as queries:
        html = as_editor.get("/", {"part": "counters"}, **HTMX).content.decode()
    assert re.search(r'<span class="count">1</span>\s*<span class="counter-label">Overdue', html)
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_no_outcome_is_chosen_in_advance(as_reviewer) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    html = as_reviewer.get(
        f"/claims/{claim.pk}/row-form/", {"form": "resolve", "version": 1}, **HTMX
    ).content.decode()
    assert re.search(
        r'name="status" required[^>]*>\s*<option value=""( selected)?>Choose an outcome</option>',
        html,
    )
    response = as_reviewer.post(
        f"/claims/{claim.pk}/resolve/",
        {"version": 1, "from": "dashboard", "who": "all", "status": ""},
        **HTMX,
    )
    assert response.status_code == 422
    claim.refresh_from_db()
    assert claim.status == "open"


# --- What a reviewer sees after an inline change (issue 9, items 14-17) -----------------

DASHBOARD_POST = {"from": "dashboard", "view": "overdue", "who": "all", "next": "/?who=all"}


def undo_form(html: str) -> dict[str, str]:
    """The Undo form's address and the fields it posts."""
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)Undo</button>', html, re.S)
    assert form, "no Undo form"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form[2]))
    return {"url": form[1], **{name: unescape(value) for name, value in fields.items()}}


def test_a_row_opens_its_forms_one_at_a_time_into_a_panel_across_the_row(as_reviewer) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    row = row_html(as_reviewer.get("/", {"who": "all"}), claim)
    # Every row's details share a name: the browser keeps one of them open.
    assert row.count('<details class="row-action" name="row-action"') == 3
    assert row.count(f'hx-target="#row-panel-{claim.pk}"') == 3
    assert f'<div class="row-panel" id="row-panel-{claim.pk}"></div>' in row


def test_after_an_inline_resolve_the_row_says_what_happened_with_an_undo(as_reviewer) -> None:
    claim = ClaimFactory(
        statement="Trump and Putin will meet in Budapest", due_date=dt.date(2025, 10, 1)
    )
    response = as_reviewer.post(
        f"/claims/{claim.pk}/resolve/",
        {**DASHBOARD_POST, "version": 1, "status": "not_fulfilled", "reason_code": "cancelled"},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(
        f'<li id="claim-row-{claim.pk}" class="queue-row queue-row-done">'
    )
    assert "<p>Marked not fulfilled: Trump and Putin will meet in Budapest</p>" in html
    assert 'data-dismiss-after="10"' in html
    assert undo_form(html) == {
        "url": f"/claims/{claim.pk}/reopen/",
        "csrfmiddlewaretoken": undo_form(html)["csrfmiddlewaretoken"],
        "version": "2",
        "from": "dashboard",
        "next": "/?view=overdue&who=all",
        "note": "Undone on the dashboard",
    }


def test_undo_reopens_through_the_service_and_brings_the_row_back(as_reviewer, reviewer) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    resolved = as_reviewer.post(
        f"/claims/{claim.pk}/resolve/",
        {**DASHBOARD_POST, "version": 1, "status": "fulfilled"},
        **HTMX,
    ).content.decode()
    undo = undo_form(resolved)
    response = as_reviewer.post(undo.pop("url"), {**undo, "view": "overdue", "who": "all"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<li id="claim-row-{claim.pk}" class="queue-row">')
    assert f'class="row-statement" href="/claims/{claim.pk}/">' in html
    assert f"Reopened: {claim.statement}" in html and "Undo</button>" not in html
    assert re.search(r'<span class="count">1</span>\s*<span class="counter-label">Overdue', html)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPEN and claim.version == 3
    reopened = claim.events.order_by("-id").first()
    assert reopened.actor == reviewer and reopened.note == "Undone on the dashboard"
    assert reopened.data["before"]["status"] == "fulfilled"
    assert reopened.data["after"]["status"] == "open"


def test_undo_after_the_claim_changed_again_is_refused_as_stale(as_reviewer, editor) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    resolved = as_reviewer.post(
        f"/claims/{claim.pk}/resolve/",
        {**DASHBOARD_POST, "version": 1, "status": "fulfilled"},
        **HTMX,
    ).content.decode()
    services.resolve_claim(claim=claim, by=editor, version=2, status="void")
    undo = undo_form(resolved)
    response = as_reviewer.post(undo.pop("url"), {**undo, "view": "overdue", "who": "all"}, **HTMX)
    assert response.status_code == 409
    assert Claim.objects.get(pk=claim.pk).status == "void"


def test_a_moved_deadline_can_be_moved_back_with_undo(as_reviewer) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 26), earliest_date=dt.date(2025, 10, 20))
    moved = as_reviewer.post(
        f"/claims/{claim.pk}/deadline/",
        {**DASHBOARD_POST, "version": 1, "due_date": "2099-06-30", "reason": "Postponed"},
        **HTMX,
    ).content.decode()
    assert f"Deadline moved to 30 Jun 2099: {claim.statement}" in moved
    undo = undo_form(moved)
    assert undo["due_date"] == "2025-10-26" and undo["earliest_date"] == "2025-10-20"
    back = as_reviewer.post(undo.pop("url"), {**undo, "view": "overdue", "who": "all"}, **HTMX)
    assert back.status_code == 200
    assert f'class="row-statement" href="/claims/{claim.pk}/">' in back.content.decode()
    claim.refresh_from_db()
    assert claim.due_date == dt.date(2025, 10, 26) and claim.earliest_date == dt.date(2025, 10, 20)
    assert claim.events.order_by("-id").first().note == "Undone on the dashboard"


def test_snooze_and_take_say_what_happened_without_an_undo(as_reviewer) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    taken = as_reviewer.post(
        f"/claims/{claim.pk}/take/", {**DASHBOARD_POST, "version": 1}, **HTMX
    ).content.decode()
    assert f"Assigned to you: {claim.statement}" in taken and "Undo" not in taken
    assert "Assignee: reviewer" in taken  # the row stays, the message inside it
    snoozed = as_reviewer.post(
        f"/claims/{claim.pk}/snooze/",
        {**DASHBOARD_POST, "version": 2, "until": "2099-01-01"},
        **HTMX,
    ).content.decode()
    assert f"Reminders snoozed until 1 Jan 2099: {claim.statement}" in snoozed
    assert "Undo" not in snoozed


def test_a_plain_post_from_the_dashboard_flashes_what_happened(as_reviewer) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    response = as_reviewer.post(
        f"/claims/{claim.pk}/resolve/",
        {**DASHBOARD_POST, "version": 1, "status": "void"},
        follow=True,
    )
    assert response.redirect_chain == [("/?who=all", 302)]
    assert f"Marked void: {claim.statement}" in response.content.decode()


def test_a_stale_and_invalid_row_form_says_someone_else_changed_the_claim(
    as_reviewer, editor
) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    services.take_claim(claim=claim, by=editor, version=1)
    response = as_reviewer.post(
        f"/claims/{claim.pk}/resolve/",
        {**DASHBOARD_POST, "version": 1, "status": "not_fulfilled"},  # no reason given
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this claim since you opened it" in html
    assert "took the claim" in html and "Assignee: editor" in html
    assert "Say why it was not fulfilled." in html
    # The form comes back open with what was typed, at the version its user has now seen.
    panel = html[html.index(f'id="row-panel-{claim.pk}"') :]
    assert '<option value="not_fulfilled" selected>' in panel
    assert 'name="version" value="2"' in panel
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.OPEN


def test_last_reminder_says_to_whom_it_went_unless_the_viewer(client, reviewer) -> None:
    ana = UserFactory(username="aruiz", first_name="Ana", last_name="Ruiz", groups=["Reviewers"])
    editors = [UserFactory(username=f"ed{i}", groups=["Editors"]) for i in range(2)]
    to_ana = ClaimFactory(statement="to ana", assignee=ana, due_date=dt.date(2025, 10, 1))
    to_me = ClaimFactory(statement="to me", assignee=reviewer, due_date=dt.date(2025, 10, 1))
    to_editors = ClaimFactory(statement="to the editors", due_date=dt.date(2025, 10, 1))
    escalated = ClaimFactory(statement="escalated", assignee=ana, due_date=dt.date(2025, 10, 1))
    with time_machine.travel(dt.datetime(2025, 11, 5, 12, tzinfo=dt.UTC), tick=False):
        now = timezone.now()

        def remind(claim: Claim, *people, escalation: bool = False) -> None:
            for person in people:
                Reminder.objects.create(
                    claim=claim,
                    recipient=person,
                    due_date=claim.due_date,
                    step=3 if escalation else 1,
                    escalation=escalation,
                    channel="in_app",
                    created_at=now,
                    sent_at=now,
                )

        remind(to_ana, ana)
        remind(to_me, reviewer)
        remind(to_editors, *editors)
        remind(escalated, editors[0], escalation=True)
        client.force_login(reviewer)
        response = client.get("/", {"who": "all"})
        assert "Last reminder 5 Nov, to Ana Ruiz</span>" in row_html(response, to_ana)
        assert "Assignee: Ana Ruiz</span>" in row_html(response, to_ana)  # the same name
        assert "Last reminder 5 Nov</span>" in row_html(response, to_me)
        assert "Last reminder 5 Nov, to the editors</span>" in row_html(response, to_editors)
        assert "Last reminder 5 Nov, to the editors</span>" in row_html(response, escalated)
        # The rows kept for the reviewer are not the ones Ana sees.
        client.force_login(ana)
        response = client.get("/", {"who": "all"})
        assert "Last reminder 5 Nov</span>" in row_html(response, to_ana)
        assert "Last reminder 5 Nov, to reviewer</span>" in row_html(response, to_me)


def test_a_refused_row_form_comes_back_open_with_what_was_typed(as_reviewer) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    response = as_reviewer.post(
        f"/claims/{claim.pk}/resolve/",
        {
            **DASHBOARD_POST,
            "version": 1,
            "status": "not_fulfilled",
            "outcome_date": "2025-10-20",
            "note": "Called off <quietly>",
        },
        **HTMX,
    )
    row = response.content.decode()
    assert response.status_code == 422
    assert re.search(
        r'<details class="row-action" name="row-action" data-form="resolve"[^>]* open>', row
    )
    panel = row[row.index(f'id="row-panel-{claim.pk}"') :]
    assert "Say why it was not fulfilled." in panel
    assert '<option value="not_fulfilled" selected>' in panel
    assert 'name="outcome_date" value="2025-10-20"' in panel
    assert 'name="note" value="Called off &lt;quietly&gt;"' in panel
    assert 'name="version" value="1"' in panel


# --- The row forms and filters are the Django forms, through one field template ---------


def test_a_refused_row_form_ties_each_error_to_its_input(as_reviewer) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    response = as_reviewer.post(
        f"/claims/{claim.pk}/resolve/",
        {**DASHBOARD_POST, "version": 1, "status": "not_fulfilled"},
        **HTMX,
    )
    assert response.status_code == 422
    panel = response.content.decode()
    panel = panel[panel.index(f'id="row-panel-{claim.pk}"') :]
    select = re.search(r'<select name="reason_code"[^>]*>', panel)
    assert select and 'aria-invalid="true"' in select[0]
    assert 'aria-describedby="id_resolve_reason_code_error"' in select[0]
    assert re.search(
        r'<div id="id_resolve_reason_code_error"><p class="error">Say why it was not fulfilled.</p>',
        panel,
    )
    # The fields without errors are not marked.
    assert "aria-invalid" not in re.search(r'<select name="status"[^>]*>', panel)[0]


def test_help_text_is_tied_to_its_input(as_reviewer) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 1))
    html = as_reviewer.get(
        f"/claims/{claim.pk}/row-form/", {"form": "snooze", "version": 1}, **HTMX
    ).content.decode()
    assert re.search(
        rf'<input type="text" name="reason"[^>]*aria-describedby="r{claim.pk}-reason_helptext"',
        html,
    )
    assert f'<p class="helptext" id="r{claim.pk}-reason_helptext">' in html


def test_the_filters_are_the_filter_form(as_reviewer) -> None:
    outlet = ClaimFactory(due_date=dt.date(2025, 10, 1)).article.outlet
    html = as_reviewer.get(
        "/", {"who": "all", "outlet": outlet.pk, "q": "Budapest"}
    ).content.decode()
    assert '<input type="hidden" name="view" value="overdue" id="filter-view">' in html
    assert re.search(
        r'<input type="radio" name="who" value="all"[^>]*id="filter-who_\d+" checked>', html
    )
    assert re.search(r'<input type="search" name="q" value="Budapest"[^>]*id="filter-q">', html)
    assert f'<option value="{outlet.pk}" selected>{outlet.name}</option>' in html
