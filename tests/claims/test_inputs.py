"""What a claim may hold: windows within a sane horizon, free text within its limits said in
the error, input no view may answer with a 500, and a claim page that stays small."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims import services
from claims.models import Claim, ClaimEvent, EventKind, Evidence
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
NOW = dt.datetime(2025, 11, 10, 12, tzinfo=dt.UTC)
NOTE_MAX = 5_000  # claims.models.NOTE_MAX


# --- Dates beyond the horizon ------------------------------------------------------------


def test_logging_a_claim_due_in_9999_is_refused_with_a_form_error(as_editor) -> None:
    article = ArticleFactory()
    response = as_editor.post(
        f"/articles/{article.pk}/claims/new/",
        {"statement": "It will happen", "claim_type": "prediction", "due_date": "9999-12-31"},
    )
    assert response.status_code == 422
    assert "Give a date from 1 Jan 1900 to 31 Dec 2100." in response.content.decode()
    assert not Claim.objects.exists()


def test_editing_a_claim_to_be_due_in_9999_is_refused(as_editor) -> None:
    claim = ClaimFactory()
    response = as_editor.post(
        f"/claims/{claim.pk}/edit/",
        {
            "statement": claim.statement,
            "claim_type": "prediction",
            "due_date": "9999-12-31",
            "version": 1,
        },
    )
    assert response.status_code == 422
    assert "Give a date from 1 Jan 1900 to 31 Dec 2100." in response.content.decode()
    claim.refresh_from_db()
    assert claim.due_date == dt.date(2025, 10, 31) and claim.version == 1


@pytest.mark.parametrize("field", ["due_date", "earliest_date"])
def test_a_deadline_moved_to_9999_is_refused(as_reviewer, field: str) -> None:
    claim = ClaimFactory()
    data = {"version": 1, "due_date": "2025-12-01", "reason": "Postponed"}
    response = as_reviewer.post(f"/claims/{claim.pk}/deadline/", {**data, field: "9999-12-31"})
    assert response.status_code == 422
    assert "Give a date from 1 Jan 1900 to 31 Dec 2100." in response.content.decode()
    claim.refresh_from_db()
    assert claim.due_date == dt.date(2025, 10, 31)


@time_machine.travel(NOW, tick=False)
def test_a_snooze_until_9999_is_refused(as_reviewer) -> None:
    claim = ClaimFactory()
    response = as_reviewer.post(
        f"/claims/{claim.pk}/snooze/", {"version": 1, "until": "9999-12-31"}
    )
    assert response.status_code == 422
    claim.refresh_from_db()
    assert claim.snoozed_until is None


def test_the_services_refuse_a_window_beyond_the_horizon_too(editor) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_claim(
            article=ArticleFactory(), by=editor, statement="x", due_date=dt.date(9999, 12, 31)
        )
    assert error.value.message_dict == {"due_date": ["Give a date from 1 Jan 1900 to 31 Dec 2100."]}
    claim = ClaimFactory()
    with pytest.raises(ValidationError):
        services.change_deadline(
            claim=claim, by=editor, version=1, due_date=dt.date(9999, 12, 31), reason="r"
        )


# --- Query parameters that used to answer 500 ------------------------------------------------


def test_the_window_preview_of_an_article_that_is_no_number_is_not_found(as_editor) -> None:
    assert as_editor.get("/claims/window/?article=abc&time_phrase=next+week").status_code == 404
    assert as_editor.get("/claims/window/?article=%00").status_code == 404


def test_a_resolved_list_cursor_with_an_offset_the_database_refuses_is_read_in_utc(
    as_editor,
) -> None:
    response = as_editor.get("/?view=resolved&after=2025-06-01T00:00:00%2B20:00_1")
    assert response.status_code == 200


def test_a_nul_in_the_search_is_dropped(as_editor) -> None:
    ClaimFactory(statement="The summit will be held in Budapest")
    response = as_editor.get("/?q=Buda%00pest&who=all")
    assert response.status_code == 200
    assert "The summit will be held in Budapest" in response.content.decode()


# --- Length limits ---------------------------------------------------------------------------


def test_a_note_over_the_limit_is_refused_and_the_error_says_the_limit(as_reviewer) -> None:
    claim = ClaimFactory()
    response = as_reviewer.post(
        f"/claims/{claim.pk}/resolve/",
        {"version": 1, "status": "fulfilled", "note": "n" * 2_400_000},
        **HTMX,
    )
    assert response.status_code == 422
    assert "Keep the note to 5,000 characters or fewer (it has 2,400,000)." in (
        response.content.decode()
    )
    claim.refresh_from_db()
    assert claim.status == "open" and claim.outcome_note == ""


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("evidence", {"note": "n" * 5_001}, "Keep the note to 5,000 characters"),
        ("evidence", {"url": "https://e.x/", "title": "t" * 501}, "Keep the title to 500"),
        ("deadline", {"due_date": "2025-12-01", "reason": "r" * 2_001}, "Keep the reason to 2,000"),
        ("snooze", {"until": "2025-12-01", "reason": "r" * 2_001}, "Keep the reason to 2,000"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_every_review_form_says_its_limit(
    as_reviewer, action: str, data: dict, message: str
) -> None:
    claim = ClaimFactory()
    response = as_reviewer.post(f"/claims/{claim.pk}/{action}/", {"version": 1, **data})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).version == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "statement",
            "s" * 1_001,
            "Keep the statement to 1,000 characters or fewer (it has 1,001).",
        ),
        ("resolution_criteria", "c" * 2_001, "Keep the resolution criteria to 2,000"),
        ("time_phrase", "t" * 301, "Keep the time phrase to 300"),
        ("claimant", "p" * 201, "Keep the claimant&#x27;s name to 200"),
        ("tags", "a," * 251, "Keep the tags to 500"),
    ],
)
def test_the_claim_form_says_each_limit(as_editor, field: str, value: str, message: str) -> None:
    article = ArticleFactory()
    data = {"statement": "It will open", "claim_type": "prediction", "due_date": "2025-11-01"}
    response = as_editor.post(f"/articles/{article.pk}/claims/new/", {**data, field: value})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Claim.objects.exists()


def test_the_services_hold_text_to_the_limits_whatever_calls_them(reviewer, editor) -> None:
    claim = ClaimFactory()
    with pytest.raises(ValidationError) as error:
        services.add_evidence(claim=claim, by=reviewer, version=1, note="n" * 2_400_000)
    assert error.value.message_dict == {
        "note": ["Keep the note to 5,000 characters or fewer (it has 2,400,000)."]
    }
    with pytest.raises(ValidationError):
        services.create_claim(article=ArticleFactory(), by=editor, statement="s" * 1_001)
    with pytest.raises(ValidationError):
        services.find_or_create_person("p" * 201)
    assert not Evidence.objects.exists() and Claim.objects.count() == 1


def test_the_database_refuses_a_note_over_the_limit(reviewer) -> None:
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(claim=claim, note="n" * (NOTE_MAX + 1), added_by=reviewer)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimEvent.objects.create(claim=claim, kind=EventKind.COMMENT, note="n" * (NOTE_MAX + 1))


# --- The claim page --------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_page_of_a_claim_with_forty_notes_at_the_limit_stays_small(
    as_reviewer, reviewer
) -> None:
    claim = ClaimFactory()
    version = 1
    for n in range(20):
        services.add_evidence(
            claim=claim, by=reviewer, version=version, note=f"{n:02d}" + "e" * (NOTE_MAX - 2)
        )
        version += 1
        claim = services.resolve_claim(
            claim=claim,
            by=reviewer,
            version=version,
            status="fulfilled" if n % 2 else "unresolvable",
            note=f"{n:02d}" + "r" * (NOTE_MAX - 2),
        )
        version = claim.version
    page = as_reviewer.get(f"/claims/{claim.pk}/").content.decode()
    # 20 evidence notes in full (100,000 characters), the current outcome note once, the
    # timeline's notes shortened: not the same text twice.
    assert len(page.encode()) < 150_000
    assert page.count("e" * 4_000) == 20
    assert page.count("r" * 4_000) == 1
    assert page.count("show all") == 40


def _events(claim: Claim, count: int) -> None:
    start = dt.datetime(2025, 10, 20, tzinfo=dt.UTC)
    ClaimEvent.objects.bulk_create(
        ClaimEvent(
            claim=claim,
            kind=EventKind.COMMENT,
            note=f"comment {n:03d}",
            created_at=start + dt.timedelta(minutes=n // 2),  # pairs share a time
        )
        for n in range(count)
    )


def _comments(html: str) -> list[str]:
    return re.findall(r"comment (\d{3})", html)


def test_the_claim_page_shows_the_latest_entries_and_pages_through_older_ones(
    as_reader,
) -> None:
    claim = ClaimFactory()
    _events(claim, 120)
    page = as_reader.get(f"/claims/{claim.pk}/").content.decode()
    first = _comments(page)
    assert first == [f"{n:03d}" for n in range(119, 69, -1)]
    older = re.search(r'href="(/claims/\d+/\?before=[^"#]+)#timeline-heading"', page).group(1)
    older = older.replace("&amp;", "&")

    # Plain link: the page with the next entries and a way back to the newest.
    second_page = as_reader.get(older).content.decode()
    second = _comments(second_page)
    assert second == [f"{n:03d}" for n in range(69, 19, -1)]
    assert "Newest entries" in second_page

    # htmx: only the entries, and the link to the ones after them.
    more = as_reader.get(older, **HTMX).content.decode()
    assert "<html" not in more and "claim-live" not in more
    assert _comments(more) == second
    last = re.search(r'hx-get="([^"]+)"', more).group(1).replace("&amp;", "&")
    rest = _comments(as_reader.get(last, **HTMX).content.decode())
    assert rest == [f"{n:03d}" for n in range(19, -1, -1)]
    assert sorted(first + second + rest) == [f"{n:03d}" for n in range(120)]


def test_show_all_opens_the_timeline_at_the_whole_note(as_reader) -> None:
    claim = ClaimFactory()
    _events(claim, 60)
    long_note = ClaimEvent.objects.create(
        claim=claim,
        kind=EventKind.COMMENT,
        note="long " + "x" * 3_000,
        created_at=dt.datetime(2025, 10, 1, tzinfo=dt.UTC),  # older than the first page
    )
    page = as_reader.get(f"/claims/{claim.pk}/").content.decode()
    assert "x" * 1_000 not in page
    response = as_reader.get(f"/claims/{claim.pk}/?full={long_note.pk}")
    html = response.content.decode()
    assert f'id="event-{long_note.pk}"' in html
    assert "x" * 3_000 in html


# --- Search ----------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("view", ["overdue", "soon", "undated", "resolved"])
def test_search_finds_claims_by_a_word_of_statement_or_quote_in_every_list(
    as_editor, editor, view: str
) -> None:
    article = ArticleFactory(body="The envoy said the railway line will reopen next week.")
    due = {"overdue": dt.date(2025, 11, 1), "soon": dt.date(2025, 11, 12), "undated": None}
    for n, (statement, quote) in enumerate(
        [
            ("The railway line will reopen", ""),
            ("Service resumes", "the railway line will reopen"),
            ("The bridge will open", ""),
        ]
    ):
        claim = services.create_claim(
            article=article,
            by=editor,
            statement=f"{statement} ({n})",
            quote=quote,
            due_date=due.get(view, dt.date(2025, 11, 1)),
            vague=view == "undated",
        )
        if view == "resolved":
            services.resolve_claim(claim=claim, by=editor, version=1, status="fulfilled")
    html = as_editor.get(f"/?view={view}&who=all&q=railway").content.decode()
    assert "The railway line will reopen (0)" in html
    assert "Service resumes (1)" in html
    assert "The bridge will open (2)" not in html
