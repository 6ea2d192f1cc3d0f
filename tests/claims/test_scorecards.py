import csv
import datetime as dt
import io
import re
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import timezone

from claims import scorecard_views, scorecards, services
from claims.models import ClaimStatus
from claims.scorecards import Filters
from tests.factories import ArticleFactory, ClaimFactory, OutletFactory, PersonFactory, TagFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 11)  # the tests' fixed clock
DUE = dt.date(2025, 10, 31)


def resolved(status: str, **kwargs: object):
    kwargs.setdefault("outcome_date", DUE)
    return ClaimFactory(status=status, resolved_at=timezone.now(), **kwargs)


@pytest.fixture
def person():
    return PersonFactory(name="Ada Minister")


def card(person, **filters: object) -> scorecards.Scorecard:
    return scorecards.claimant_card(person, Filters(**filters), today=TODAY)


def test_late_means_fulfilled_after_the_due_date(person) -> None:
    resolved("fulfilled", claimant=person, outcome_date=DUE)
    resolved("fulfilled", claimant=person, outcome_date=DUE + dt.timedelta(days=3))
    resolved("fulfilled", claimant=person, outcome_date=DUE + dt.timedelta(days=10))
    resolved("fulfilled", claimant=person, outcome_date=DUE + dt.timedelta(days=20))
    # Not fulfilled after the date is not "late": it did not happen at all.
    resolved(
        "not_fulfilled",
        claimant=person,
        reason_code="cancelled",
        outcome_date=DUE + dt.timedelta(days=5),
    )
    result = card(person)
    assert result.counts["fulfilled"] == 4
    assert result.counts["on_time"] == 1
    assert result.counts["late"] == 3
    assert result.median_days_late == 10
    assert result.counts["reason-cancelled"] == 1


def test_withdrawn_is_left_out_and_void_is_not_settled(person) -> None:
    resolved("withdrawn", claimant=person)
    resolved("void", claimant=person)
    resolved("unresolvable", claimant=person)
    resolved("fulfilled", claimant=person)
    resolved("not_fulfilled", claimant=person, reason_code="no_action")
    resolved("partly_fulfilled", claimant=person)
    result = card(person)
    assert result.counts["all"] == 5
    assert result.counts["void"] == 1 and result.counts["unresolvable"] == 1
    assert result.settled == 3
    assert result.came_true == pytest.approx(1 / 3)
    assert [p.name for p in scorecards.ranked_claimants()] == ["Ada Minister"]
    assert scorecards.ranked_claimants()[0].tracked == 5


def test_open_and_overdue_are_counted_apart(person) -> None:
    ClaimFactory(claimant=person, due_date=TODAY - dt.timedelta(days=1))
    ClaimFactory(claimant=person, due_date=TODAY)
    ClaimFactory(claimant=person, due_date=None)
    result = card(person)
    assert result.counts["open"] == 3 and result.counts["overdue"] == 1
    assert result.resolved == 0 and result.came_true is None
    assert result.median_days_late is None


def test_a_reopened_claim_counts_as_open_and_a_re_rated_one_as_its_new_outcome(
    person, editor
) -> None:
    reopened = ClaimFactory(claimant=person)
    re_rated = ClaimFactory(claimant=person)
    for claim in (reopened, re_rated):
        services.resolve_claim(
            claim=claim, by=editor, version=1, status="fulfilled", outcome_date=DUE
        )
    reopened.refresh_from_db()
    services.reopen_claim(claim=reopened, by=editor, version=reopened.version)
    re_rated.refresh_from_db()
    services.resolve_claim(
        claim=re_rated,
        by=editor,
        version=re_rated.version,
        status="not_fulfilled",
        reason_code="postponed",
        outcome_date=DUE,
    )
    result = card(person)
    assert result.counts["fulfilled"] == 0
    assert result.counts["open"] == 1
    assert result.counts["not_fulfilled"] == 1 and result.counts["reason-postponed"] == 1


def test_filters_by_due_dates_tag_type_and_outlet(person) -> None:
    paper = OutletFactory(name="The Paper")
    tag = TagFactory(slug="roads")
    tagged = ClaimFactory(claimant=person, due_date=dt.date(2025, 6, 1))
    tagged.tags.add(tag)
    ClaimFactory(claimant=person, due_date=dt.date(2025, 12, 1), claim_type="promise")
    ClaimFactory(claimant=person, article=ArticleFactory(outlet=paper), due_date=None)
    assert card(person).counts["all"] == 3
    assert card(person, due_from=dt.date(2025, 11, 1)).counts["all"] == 1
    assert card(person, due_to=dt.date(2025, 7, 1)).counts["all"] == 1
    assert card(person, tag="roads").counts["all"] == 1
    assert card(person, claim_type="promise").counts["all"] == 1
    assert card(person, outlet=paper.pk).counts["all"] == 1
    query = {"due_from": "2025-11-01", "due_to": "nonsense", "type": "bogus", "outlet": "x1"}
    assert Filters.from_query(query) == Filters(due_from=dt.date(2025, 11, 1))
    assert Filters.from_query({"tag": "ro\x00ads"}) == Filters()


def test_the_card_page_links_each_count_to_the_claims_it_counts(as_reader, person) -> None:
    late = resolved("fulfilled", claimant=person, outcome_date=DUE + dt.timedelta(days=2))
    on_time = resolved("fulfilled", claimant=person)
    response = as_reader.get(f"/scorecards/people/{person.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    link = re.search(r'href="(/scorecards/claims/\?[^"]*count=late[^"]*)"', html)
    assert link is not None
    listed = as_reader.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert late.statement in listed and on_time.statement not in listed
    assert "Fulfilled late: Ada Minister" in listed


def test_the_card_draws_accessible_svg_with_the_same_numbers_in_a_table(as_reader, person) -> None:
    resolved("fulfilled", claimant=person)
    resolved("not_fulfilled", claimant=person, reason_code="reversed")
    ClaimFactory(claimant=person, due_date=dt.date(2025, 11, 15))
    html = as_reader.get(f"/scorecards/people/{person.pk}/").content.decode()
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 2
    ns = {"svg": "http://www.w3.org/2000/svg"}
    for svg in svgs:
        tree = ElementTree.fromstring(
            svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
        )
        assert tree.get("role") == "img"
        assert tree.find("svg:title", ns).text and tree.find("svg:desc", ns).text
        assert "style=" not in svg
    meter_desc = (
        ElementTree.fromstring(
            svgs[0].replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
        )
        .find("svg:desc", ns)
        .text
    )
    assert meter_desc == "Fulfilled: 1; Not fulfilled: 1; Open: 1"
    assert "<caption>Outcomes (withdrawn claims left out)</caption>" in html
    assert "<caption>Claims due per month</caption>" in html
    assert '<th scope="row">October 2025</th>' in html
    assert '<th scope="row">November 2025</th>' in html


def test_the_claimants_card_lists_open_claims_nearest_due_first(as_reader, person) -> None:
    later = ClaimFactory(claimant=person, due_date=dt.date(2026, 5, 1), statement="Later one")
    sooner = ClaimFactory(claimant=person, due_date=dt.date(2026, 4, 1), statement="Sooner one")
    resolved("fulfilled", claimant=person, statement="Done one")
    html = as_reader.get(f"/scorecards/people/{person.pk}/").content.decode()
    section = html.split("Still open, nearest due date first")[1]
    assert section.index(sooner.statement) < section.index(later.statement)
    assert "Done one" not in section


def test_outlet_index_ranks_by_claims_tracked_and_the_card_filters_by_claimant(
    as_reader, person
) -> None:
    big, small = OutletFactory(name="Big Daily"), OutletFactory(name="Small Weekly")
    for _ in range(2):
        ClaimFactory(article=ArticleFactory(outlet=big), claimant=person)
    ClaimFactory(article=ArticleFactory(outlet=big))
    ClaimFactory(article=ArticleFactory(outlet=small))
    html = as_reader.get("/scorecards/outlets/").content.decode()
    assert html.index("Big Daily") < html.index("Small Weekly")
    card_html = as_reader.get(f"/scorecards/outlets/{big.pk}/?claimant={person.pk}").content
    assert b'<span class="count">2</span> claims tracked' in card_html
    assert as_reader.get(f"/scorecards/outlets/{big.pk}/").status_code == 200


def test_scorecards_are_in_the_navigation_and_behind_the_login(client, as_reader) -> None:
    assert b">Scorecards</a>" in as_reader.get("/scorecards/").content
    assert as_reader.get("/scorecards/claims/?count=nonsense").status_code == 404
    as_reader.logout()
    assert as_reader.get("/scorecards/").status_code == 302
    assert ClaimStatus.WITHDRAWN not in scorecards.OUTCOMES


def test_a_card_without_claims_says_so(as_reader, person) -> None:
    resolved("withdrawn", claimant=person)
    html = as_reader.get(f"/scorecards/people/{person.pk}/").content.decode()
    assert '<desc id="meter-desc">No claims.</desc>' in html
    assert "No claims with a due date." in html and "Nothing open." in html
    assert b"No claims tracked yet." in as_reader.get("/scorecards/").content


def test_the_claims_behind_a_count_download_as_csv_with_their_filters(as_reader, person) -> None:
    tag = TagFactory(slug="roads", name="Roads")
    kept = [resolved("fulfilled", claimant=person) for _ in range(scorecard_views.PAGE_SIZE + 2)]
    for claim in kept:
        claim.tags.add(tag)
    resolved("fulfilled", claimant=person, statement="Untagged")  # filtered out
    resolved("not_fulfilled", claimant=person, statement="Another count")
    resolved("fulfilled", statement="Someone else's")
    query = f"count=fulfilled&claimant={person.pk}&tag=roads"
    page = as_reader.get(f"/scorecards/claims/?{query}").content.decode()
    link = re.search(r'href="(/scorecards/claims\.csv\?[^"]*)"[^>]*>Download CSV', page)
    assert link is not None
    # The link of a later page still downloads the whole list, not that page.
    cursor = re.search(r'href="/scorecards/claims/\?([^"]*after=[^"]*)"', page)
    assert cursor is not None
    later = as_reader.get("/scorecards/claims/?" + cursor.group(1).replace("&amp;", "&"))
    later_link = re.search(r'href="(/scorecards/claims\.csv\?[^"]*)"', later.content.decode())
    assert later_link is not None and "after" not in later_link.group(1)

    response = as_reader.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="scorecard-fulfilled-2026-03-11.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [int(r["id"]) for r in rows] == [c.pk for c in kept]
    assert {r["tags"] for r in rows} == {"Roads"}


def test_the_scorecard_csv_needs_a_login_and_a_known_count(as_reader) -> None:
    assert Client().get("/scorecards/claims.csv?count=all").status_code == 302
    assert as_reader.get("/scorecards/claims.csv?count=nonsense").status_code == 404


def _queries(client: Client, url: str) -> tuple[str, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        html = client.get(url).content.decode()
    # The CSRF token is masked afresh on every response.
    html = re.sub(r'("x-csrftoken": |name="csrfmiddlewaretoken" value=)"[^"]+"', "", html)
    return html, [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("page", ["card", "index"])
def test_a_scorecard_is_rendered_once_and_a_resolution_shows_at_once(
    as_reader, person, reviewer, page
) -> None:
    claim = ClaimFactory(claimant=person, due_date=DUE)
    url = f"/scorecards/people/{person.pk}/" if page == "card" else "/scorecards/"
    first, counted = _queries(as_reader, url)
    assert any("claims_scorecard" in sql for sql in counted)
    # Nothing changed: the counts are not read again, the kept rendering is served.
    again, served = _queries(as_reader, url)
    assert again == first
    assert not any("claims_scorecard" in sql for sql in served)
    services.resolve_claim(
        claim=claim, by=reviewer, version=claim.version, status="fulfilled", outcome_date=DUE
    )
    after, recounted = _queries(as_reader, url)
    assert any("claims_scorecard" in sql for sql in recounted)
    if page == "card":
        assert "Fulfilled: 1" not in first and "Fulfilled: 1" in after
