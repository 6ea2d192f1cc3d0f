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
    assert f'id="claim-row-{claim.pk}"' not in html
    counters = re.search(r'<div id="counters"[^>]*hx-swap-oob="true"', html)
    assert counters
    assert re.search(r'<span class="count">1</span>\s*<span class="counter-label">Overdue', html)
    assert re.search(r'<span class="count">1</span>\s*<span class="counter-label">Resolved', html)
    assert "Outcome recorded. The claim left this list." in html
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
    assert f'id="claim-row-{claim.pk}"' not in response.content.decode()
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
    assert f'<a href="/claims/{claim.pk}/">Resolve on the claim page</a>' in html


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
    assert re.search(r'name="status" required><option value="">Choose an outcome</option>', html)
    response = as_reviewer.post(
        f"/claims/{claim.pk}/resolve/",
        {"version": 1, "from": "dashboard", "who": "all", "status": ""},
        **HTMX,
    )
    assert response.status_code == 422
    claim.refresh_from_db()
    assert claim.status == "open"
