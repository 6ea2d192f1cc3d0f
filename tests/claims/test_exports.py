import csv
import datetime as dt
import hashlib
import io
import re
import xml.etree.ElementTree as ET
from unittest import mock

import icalendar
import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from claims import exports, services
from claims.models import Claim, ClaimStatus, FeedKind, FeedToken
from tests.factories import ClaimFactory, OutletFactory, PersonFactory, TagFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def read_csv(response) -> list[dict[str, str]]:
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


# --- CSV ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1 will rise", "'+1 will rise"),
        ("-2 points", "'-2 points"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        ("The bridge = open", "The bridge = open"),
        (None, ""),
        (12, "12"),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_neutralised(value, cell):
    assert exports.safe_cell(value) == cell


def test_the_csv_has_the_documented_columns_and_one_row_per_claim(as_reader):
    tag = TagFactory(name="roads", slug="roads")
    claim = ClaimFactory(statement="=cmd|' /C calc'!A0", claimant=PersonFactory(name="@minister"))
    claim.tags.add(tag)
    response = as_reader.get(reverse("claims:export_csv") + "?view=all&who=all")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert list(rows[0]) == exports.COLUMNS
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == str(claim.pk)
    assert row["statement"] == "'=cmd|' /C calc'!A0"
    assert row["claimant"] == "'@minister"
    assert row["tags"] == "roads"
    assert row["due_date"] == "2025-10-31"
    assert row["status"] == "open"
    assert row["url"].endswith(f"/claims/{claim.pk}/")


def test_the_csv_of_a_dashboard_list_honours_its_filters(as_reader):
    outlet = OutletFactory(name="Daily")
    kept = ClaimFactory(article__outlet=outlet, due_date=dt.date(2026, 3, 1))
    ClaimFactory(due_date=dt.date(2026, 3, 1))  # another outlet
    ClaimFactory(article__outlet=outlet, due_date=dt.date(2026, 12, 1))  # not overdue
    resolved = ClaimFactory(article__outlet=outlet, due_date=dt.date(2026, 2, 1))
    Claim.objects.filter(pk=resolved.pk).update(
        status=ClaimStatus.FULFILLED, resolved_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    )
    url = reverse("claims:export_csv") + f"?view=overdue&who=all&outlet={outlet.pk}"
    assert [r["id"] for r in read_csv(as_reader.get(url))] == [str(kept.pk)]
    all_of_outlet = reverse("claims:export_csv") + f"?view=all&who=all&outlet={outlet.pk}"
    assert {r["id"] for r in read_csv(as_reader.get(all_of_outlet))} == {
        str(c.pk) for c in Claim.objects.filter(article__outlet=outlet)
    }


def test_the_dashboard_links_to_the_csv_of_its_list(as_reader):
    outlet = OutletFactory(name="Daily")
    response = as_reader.get(reverse("claims:dashboard") + f"?who=all&outlet={outlet.pk}")
    html = response.content.decode()
    match = re.search(r'href="(/claims/export\.csv\?[^"]*)"[^>]*>this list', html)
    assert match
    assert f"outlet={outlet.pk}" in match.group(1)
    assert "view=overdue" in match.group(1)


def test_the_csv_streams_its_rows_from_a_database_iterator(as_reader):
    ClaimFactory.create_batch(3)
    with mock.patch.object(
        type(Claim.objects.all()),
        "iterator",
        autospec=True,
        side_effect=lambda qs, **kw: iter(list(qs)),
    ) as iterator:
        response = as_reader.get(reverse("claims:export_csv") + "?view=all&who=all")
        assert isinstance(response, StreamingHttpResponse)
        assert iterator.call_count == 0  # nothing read before the response is consumed
        rows = read_csv(response)
    assert len(rows) == 3
    assert iterator.call_count == 1
    assert iterator.call_args.kwargs["chunk_size"] == exports.CHUNK_SIZE


def test_csv_lines_take_any_queryset_of_claims():
    person = PersonFactory(name="Ada")
    mine = ClaimFactory(claimant=person)
    ClaimFactory()
    lines = list(exports.csv_lines(Claim.objects.filter(claimant=person)))
    assert len(lines) == 2
    assert lines[1].startswith(f"{mine.pk},")


def test_the_csv_needs_a_login(client):
    response = client.get(reverse("claims:export_csv"))
    assert response.status_code == 302


# --- Feed tokens and the settings page --------------------------------------------------


def new_feed_url(client, kind: str) -> str:
    response = client.post(reverse("claims:feed_token", args=[kind]), {"action": "renew"})
    assert response.status_code == 200
    match = re.search(r'value="(http[^"]+)"', response.content.decode())
    assert match
    return match.group(1).split("127.0.0.1:8000", 1)[-1].replace("&amp;", "&")


def test_the_username_in_the_nav_opens_the_settings_page(as_reader):
    html = as_reader.get(reverse("claims:dashboard")).content.decode()
    assert f'href="{reverse("claims:settings")}"' in html
    settings_page = as_reader.get(reverse("claims:settings")).content.decode()
    assert f'href="{reverse("password_change")}"' in settings_page
    assert "No address yet." in settings_page


def test_the_token_is_stored_hashed_and_shown_once(as_reviewer, reviewer, settings):
    settings.SITE_URL = "https://claims.example"
    response = as_reviewer.post(reverse("claims:feed_token", args=["ical"]), {"action": "renew"})
    url = re.search(r'value="(https://claims\.example/feeds/[^"]+)"', response.content.decode())
    assert url
    token = url.group(1).split("/feeds/")[1].split("/")[0]
    stored = FeedToken.objects.get(user=reviewer, kind=FeedKind.ICAL)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash
    assert token not in as_reviewer.get(reverse("claims:settings")).content.decode()


def test_a_revoked_address_is_404_and_a_renewed_one_works(client, reviewer):
    client.force_login(reviewer)
    ClaimFactory(assignee=reviewer)
    old = new_feed_url(client, "ical")
    client.logout()
    assert client.get(old).status_code == 200
    client.force_login(reviewer)
    client.post(reverse("claims:feed_token", args=["ical"]), {"action": "revoke"})
    client.logout()
    assert client.get(old).status_code == 404
    assert not FeedToken.objects.filter(user=reviewer).exists()
    client.force_login(reviewer)
    new = new_feed_url(client, "ical")
    renewed_again = new_feed_url(client, "ical")
    client.logout()
    assert client.get(new).status_code == 404  # renewing replaces the address
    assert client.get(renewed_again).status_code == 200
    assert FeedToken.objects.get(user=reviewer).last_used_at is not None


def test_a_feed_of_the_wrong_kind_or_an_unknown_token_is_404(client, reviewer):
    client.force_login(reviewer)
    ical = new_feed_url(client, "ical")
    client.logout()
    token = ical.split("/feeds/")[1].split("/")[0]
    assert client.get(reverse("claims:feed_atom", args=[token])).status_code == 404
    assert client.get(reverse("claims:feed_ical", args=["nope"])).status_code == 404


def test_an_inactive_users_feed_is_404(client, reviewer):
    client.force_login(reviewer)
    url = new_feed_url(client, "ical")
    client.logout()
    reviewer.is_active = False
    reviewer.save()
    assert client.get(url).status_code == 404


# --- iCalendar --------------------------------------------------------------------------


def events_of(client, url: str) -> dict[str, icalendar.Event]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_the_ical_feed_has_all_day_events_for_a_reviewers_open_claims(client, reviewer, settings):
    settings.SITE_URL = "https://claims.example"
    mine = ClaimFactory(assignee=reviewer, due_date=dt.date(2026, 4, 2))
    ClaimFactory(due_date=dt.date(2026, 4, 2))  # someone else's
    ClaimFactory(assignee=reviewer, due_date=None)  # no date
    client.force_login(reviewer)
    token = exports.renew_feed_token(user=reviewer, kind=FeedKind.ICAL)
    client.logout()
    events = events_of(client, reverse("claims:feed_ical", args=[token]))
    assert list(events) == [f"claim-{mine.pk}@claims.example"]
    event = events[f"claim-{mine.pk}@claims.example"]
    assert event["dtstart"].params["VALUE"] == "DATE"
    assert event.decoded("dtstart") == dt.date(2026, 4, 2)
    assert event.decoded("dtend") == dt.date(2026, 4, 3)
    assert str(event["summary"]).endswith(mine.statement)
    assert event["url"].endswith(f"/claims/{mine.pk}/")


def test_an_editors_feed_has_every_open_claim(client, editor, reviewer):
    ClaimFactory(assignee=reviewer)
    ClaimFactory()
    token = exports.renew_feed_token(user=editor, kind=FeedKind.ICAL)
    assert len(events_of(client, reverse("claims:feed_ical", args=[token]))) == 2


def test_a_moved_deadline_updates_the_same_event(client, reviewer):
    claim = ClaimFactory(assignee=reviewer, due_date=dt.date(2026, 4, 2))
    token = exports.renew_feed_token(user=reviewer, kind=FeedKind.ICAL)
    url = reverse("claims:feed_ical", args=[token])
    ((uid, before),) = events_of(client, url).items()
    services.change_deadline(
        claim=claim,
        by=reviewer,
        version=claim.version,
        due_date=dt.date(2026, 5, 15),
        reason="postponed by the ministry",
    )
    ((uid_after, after),) = events_of(client, url).items()
    assert uid_after == uid
    assert after.decoded("dtstart") == dt.date(2026, 5, 15)
    assert int(after["sequence"]) > int(before["sequence"])
    assert after.decoded("last-modified") >= before.decoded("last-modified")


def test_a_resolved_claim_leaves_the_calendar(client, reviewer):
    claim = ClaimFactory(assignee=reviewer)
    token = exports.renew_feed_token(user=reviewer, kind=FeedKind.ICAL)
    services.resolve_claim(
        claim=claim, by=reviewer, version=claim.version, status=ClaimStatus.FULFILLED
    )
    assert events_of(client, reverse("claims:feed_ical", args=[token])) == {}


# --- Atom -------------------------------------------------------------------------------


def test_the_atom_feed_lists_resolutions_newest_first(client, reviewer):
    first = ClaimFactory(assignee=reviewer, statement="The bridge will open")
    second = ClaimFactory(assignee=reviewer, statement="The tunnel will open <soon>")
    withdrawn = ClaimFactory(assignee=reviewer)
    ClaimFactory(assignee=reviewer)  # open
    services.resolve_claim(
        claim=first,
        by=reviewer,
        version=first.version,
        status=ClaimStatus.FULFILLED,
        note="It opened.",
    )
    services.resolve_claim(
        claim=second,
        by=reviewer,
        version=second.version,
        status=ClaimStatus.NOT_FULFILLED,
        reason_code="cancelled",
    )
    services.resolve_claim(
        claim=withdrawn, by=reviewer, version=withdrawn.version, status=ClaimStatus.WITHDRAWN
    )
    token = exports.renew_feed_token(user=reviewer, kind=FeedKind.ATOM)
    response = client.get(reverse("claims:feed_atom", args=[token]))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == [
        "Not fulfilled: " + second.claimant.name + ": The tunnel will open <soon>",
        "Fulfilled: " + first.claimant.name + ": The bridge will open",
    ]
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert links[1].endswith(f"/claims/{first.pk}/")
    assert entries[1].findtext(f"{ATOM}summary") == "It opened."


def test_the_atom_feed_needs_its_token(client, reviewer):
    exports.renew_feed_token(user=reviewer, kind=FeedKind.ATOM)
    assert client.get(reverse("claims:feed_atom", args=["guess"])).status_code == 404


def test_csv_cells_for_tags_vague_and_empty_relations():
    claim = ClaimFactory(claimant=None, vague=True, due_date=None, article__outlet=None)
    claim.tags.add(TagFactory(name="roads", slug="roads"), TagFactory(name="bridges", slug="b"))
    ClaimFactory()  # no tags
    rows = list(
        csv.DictReader(io.StringIO("".join(exports.csv_lines(Claim.objects.order_by("id")))))
    )
    first, second = rows
    assert first["tags"] == "bridges;roads"
    assert (first["vague"], second["vague"]) == ("yes", "no")
    assert (first["claimant"], first["outlet"], first["due_date"]) == ("", "", "")
    assert second["tags"] == ""
