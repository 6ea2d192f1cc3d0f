import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from claims import services
from claims.models import (
    Claim,
    ClaimEvent,
    ClaimStatus,
    EventKind,
    Evidence,
    Person,
    PersonAlias,
    Tag,
)
from tests.factories import ArticleFactory, ClaimFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = "The minister said the bridge will open within two weeks. Critics doubt it."


@pytest.fixture
def user():
    return UserFactory()


def events(claim) -> list[str]:
    return list(claim.events.order_by("id").values_list("kind", flat=True))


def test_create_claim_stores_the_quote_span_and_writes_the_created_event(user) -> None:
    article = ArticleFactory(body=BODY)
    start = BODY.index("within two weeks")
    claim = services.create_claim(
        article=article,
        by=user,
        statement="The bridge will open",
        quote="within two weeks",
        quote_start=start,
        quote_end=start + 16,
        due_date=dt.date(2025, 10, 31),
    )
    assert (claim.quote_start, claim.quote_end) == (start, start + 16)
    assert article.body[claim.quote_start : claim.quote_end] == claim.quote
    assert events(claim) == [EventKind.CREATED]
    assert claim.events.get().actor == user


def test_create_claim_finds_a_typed_quote_in_the_body(user) -> None:
    article = ArticleFactory(body=BODY)
    claim = services.create_claim(
        article=article, by=user, statement="Critics doubt it", quote="Critics doubt it."
    )
    assert claim.quote_start == BODY.index("Critics")


def test_create_claim_ignores_a_span_that_does_not_match_the_quote(user) -> None:
    article = ArticleFactory(body=BODY)
    claim = services.create_claim(
        article=article, by=user, statement="x", quote="Critics", quote_start=0, quote_end=7
    )
    assert claim.quote_start == BODY.index("Critics")


def test_create_claim_refuses_a_quote_that_is_not_in_the_article(user) -> None:
    article = ArticleFactory(body=BODY)
    with pytest.raises(ValidationError):
        services.create_claim(article=article, by=user, statement="x", quote="not there")
    assert not ClaimEvent.objects.exists()


def test_create_claim_makes_its_claimant_and_tags_from_their_names(user) -> None:
    trump = PersonFactory(name="Donald Trump")
    PersonAlias.objects.create(person=trump, alias="Mr. Trump")
    claim = services.create_claim(
        article=ArticleFactory(), by=user, statement="x", claimant="mr. trump", tags="A, B"
    )
    assert claim.claimant == trump
    assert sorted(claim.tags.values_list("name", flat=True)) == ["A", "B"]


def test_a_refused_claim_leaves_no_new_people_or_tags(user) -> None:
    article = ArticleFactory(body=BODY)
    with pytest.raises(ValidationError):
        services.create_claim(
            article=article,
            by=user,
            statement="x",
            quote="not there",
            claimant="Somebody New",
            tags="Brand new tag",
        )
    claim = ClaimFactory(claimant=None)
    with pytest.raises(services.VersionConflict):
        services.edit_claim(
            claim=claim, by=user, version=7, claimant="Another New", tags="Another tag"
        )
    assert not Person.objects.exists()
    assert not Tag.objects.exists()


def test_resolve_claim_records_outcome_event_and_evidence(user) -> None:
    claim = ClaimFactory()
    services.resolve_claim(
        claim=claim,
        by=user,
        version=1,
        status=ClaimStatus.NOT_FULFILLED,
        reason_code="cancelled",
        outcome_date=dt.date(2025, 10, 22),
        note="Called off",
        evidence_url="https://news.example/called-off",
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.NOT_FULFILLED
    assert claim.reason_code == "cancelled"
    assert claim.resolved_by == user and claim.resolved_at is not None
    assert claim.version == 2
    assert events(claim) == [EventKind.STATUS_CHANGED, EventKind.EVIDENCE_ADDED]
    change = claim.events.get(kind=EventKind.STATUS_CHANGED)
    assert change.data["before"]["status"] == "open"
    assert change.data["after"] == {"status": "not_fulfilled", "reason_code": "cancelled"}
    assert change.note == "Called off"
    assert Evidence.objects.get().url == "https://news.example/called-off"


def test_not_fulfilled_needs_a_reason_and_other_outcomes_drop_it(user) -> None:
    claim = ClaimFactory()
    with pytest.raises(ValidationError):
        services.resolve_claim(claim=claim, by=user, version=1, status="not_fulfilled")
    services.resolve_claim(
        claim=claim, by=user, version=1, status="fulfilled", reason_code="cancelled"
    )
    claim.refresh_from_db()
    assert claim.reason_code == ""


@pytest.mark.parametrize("status", ["partly_fulfilled", "unresolvable", "void", "withdrawn"])
def test_every_outcome_can_be_recorded(user, status: str) -> None:
    claim = ClaimFactory()
    services.resolve_claim(claim=claim, by=user, version=1, status=status)
    claim.refresh_from_db()
    assert claim.status == status


def test_a_stale_version_is_refused_and_nothing_is_written(user) -> None:
    claim = ClaimFactory()
    services.resolve_claim(claim=claim, by=user, version=1, status="fulfilled")
    stale = ClaimFactory._meta.model.objects.get(pk=claim.pk)
    stale.version = 1
    with pytest.raises(services.VersionConflict) as conflict:
        services.resolve_claim(
            claim=stale, by=user, version=1, status="not_fulfilled", reason_code="other"
        )
    claim.refresh_from_db()
    assert claim.status == "fulfilled"
    assert conflict.value.current.status == "fulfilled"
    assert [e.kind for e in conflict.value.changes_since()] == [EventKind.STATUS_CHANGED]
    assert events(claim) == [EventKind.STATUS_CHANGED]


def test_reopen_and_re_rate_keep_every_change_in_the_timeline(user) -> None:
    claim = ClaimFactory()
    services.resolve_claim(claim=claim, by=user, version=1, status="fulfilled")
    services.resolve_claim(claim=claim, by=user, version=2, status="partly_fulfilled")
    services.reopen_claim(claim=claim, by=user, version=3, note="New reporting")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPEN and claim.resolved_at is None
    statuses = [
        (e.data["before"]["status"], e.data["after"]["status"]) for e in claim.events.order_by("id")
    ]
    assert statuses == [
        ("open", "fulfilled"),
        ("fulfilled", "partly_fulfilled"),
        ("partly_fulfilled", "open"),
    ]


def test_reopening_an_open_claim_is_refused(user) -> None:
    with pytest.raises(ValidationError):
        services.reopen_claim(claim=ClaimFactory(), by=user, version=1)


def test_change_deadline_keeps_the_reason_and_the_old_date(user) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 31))
    services.change_deadline(
        claim=claim,
        by=user,
        version=1,
        due_date=dt.date(2025, 11, 30),
        reason="Postponed by the White House",
    )
    claim.refresh_from_db()
    assert claim.due_date == dt.date(2025, 11, 30)
    event = claim.events.get()
    assert event.kind == EventKind.DEADLINE_CHANGED
    assert event.note == "Postponed by the White House"
    assert event.data["before"]["due_date"] == "2025-10-31"


def test_change_deadline_needs_a_reason(user) -> None:
    with pytest.raises(ValidationError):
        services.change_deadline(
            claim=ClaimFactory(), by=user, version=1, due_date=dt.date(2026, 1, 1), reason=" "
        )


@time_machine.travel(dt.datetime(2025, 11, 2, 12, tzinfo=dt.UTC))
def test_snooze_changes_only_when_reminders_resume(user) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 31))
    services.snooze_claim(
        claim=claim, by=user, version=1, until=dt.date(2025, 11, 3), reason="After the summit"
    )
    claim.refresh_from_db()
    assert claim.snoozed_until == dt.date(2025, 11, 3)
    assert claim.due_date == dt.date(2025, 10, 31)
    assert claim.events.get().kind == EventKind.SNOOZED
    with pytest.raises(ValidationError):
        services.snooze_claim(
            claim=claim, by=user, version=2, until=dt.date(2025, 11, 2), reason=""
        )


# --- next_reminder_on: when the reminder sweep looks at the claim again ----------------


def test_create_claim_sets_the_first_reminder_date(user) -> None:
    article = ArticleFactory(body=BODY)
    dated = services.create_claim(
        article=article, by=user, statement="x", due_date=dt.date(2025, 10, 31)
    )
    undated = services.create_claim(article=article, by=user, statement="y")
    assert dated.next_reminder_on == dt.date(2025, 11, 1)
    assert undated.next_reminder_on is None


@time_machine.travel(dt.datetime(2025, 11, 10, 12, tzinfo=dt.UTC))
def test_a_new_deadline_restarts_the_reminders_after_any_snooze(user) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 31))
    claim = services.change_deadline(
        claim=claim, by=user, version=1, due_date=dt.date(2025, 11, 30), reason="Postponed"
    )
    assert claim.next_reminder_on == dt.date(2025, 12, 1)

    claim = services.snooze_claim(
        claim=claim, by=user, version=2, until=dt.date(2025, 12, 5), reason="Summit"
    )
    assert claim.next_reminder_on == dt.date(2025, 12, 5)
    claim = services.change_deadline(
        claim=claim, by=user, version=3, due_date=dt.date(2025, 12, 1), reason="Moved again"
    )
    assert claim.next_reminder_on == dt.date(2025, 12, 5)


@time_machine.travel(dt.datetime(2025, 11, 10, 12, tzinfo=dt.UTC))
def test_a_snooze_puts_the_next_reminder_at_its_end(user) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 31))
    claim = services.snooze_claim(
        claim=claim, by=user, version=1, until=dt.date(2025, 11, 12), reason="After the vote"
    )
    assert claim.next_reminder_on == dt.date(2025, 11, 12)

    # Snoozed before the due date: the first reminder stays the day after it.
    later = ClaimFactory(due_date=dt.date(2025, 11, 20))
    later = services.snooze_claim(
        claim=later, by=user, version=1, until=dt.date(2025, 11, 12), reason="Early"
    )
    assert later.next_reminder_on == dt.date(2025, 11, 21)


def test_resolving_clears_the_next_reminder_and_reopening_restarts_it(user) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 31))
    claim = services.resolve_claim(claim=claim, by=user, version=1, status="fulfilled")
    assert claim.next_reminder_on is None
    claim = services.change_deadline(
        claim=claim, by=user, version=2, due_date=dt.date(2025, 11, 30), reason="Corrected"
    )
    assert claim.next_reminder_on is None  # still resolved: nothing to remind of
    claim = services.reopen_claim(claim=claim, by=user, version=3)
    assert claim.next_reminder_on == dt.date(2025, 12, 1)


def test_editing_the_due_date_restarts_the_reminders_and_other_edits_do_not(user) -> None:
    claim = ClaimFactory(due_date=dt.date(2025, 10, 31))
    Claim.objects.filter(pk=claim.pk).update(next_reminder_on=dt.date(2025, 11, 7))
    claim.refresh_from_db()

    claim = services.edit_claim(claim=claim, by=user, version=1, statement="Reworded")
    assert claim.next_reminder_on == dt.date(2025, 11, 7)
    claim = services.edit_claim(claim=claim, by=user, version=2, due_date=dt.date(2025, 11, 15))
    assert claim.next_reminder_on == dt.date(2025, 11, 16)
    claim = services.edit_claim(claim=claim, by=user, version=3, due_date=None)
    assert claim.next_reminder_on is None


def test_take_and_assign_record_who_and_to_whom(user) -> None:
    claim = ClaimFactory()
    other = UserFactory()
    services.take_claim(claim=claim, by=user, version=1)
    services.assign_claim(claim=claim, by=user, version=2, assignee=other)
    claim.refresh_from_db()
    assert claim.assignee == other
    data = [e.data for e in claim.events.order_by("id")]
    assert (data[0]["before"], data[0]["after"]) == (None, user.username)
    assert (data[1]["before"], data[1]["after"]) == (user.username, other.username)


def test_add_evidence_needs_a_link_or_a_note(user) -> None:
    claim = ClaimFactory()
    with pytest.raises(ValidationError):
        services.add_evidence(claim=claim, by=user, version=1)
    services.add_evidence(claim=claim, by=user, version=1, note="Spokesman confirmed on air")
    assert claim.evidence.get().note == "Spokesman confirmed on air"
    assert events(claim) == [EventKind.EVIDENCE_ADDED]


def test_edit_claim_records_what_changed(user) -> None:
    claim = ClaimFactory(statement="Old wording")
    services.edit_claim(claim=claim, by=user, version=1, statement="New wording")
    event = claim.events.get()
    assert event.kind == EventKind.EDITED
    assert event.data["changes"] == {"statement": {"before": "Old wording", "after": "New wording"}}


def test_people_match_by_name_or_alias_in_any_case() -> None:
    trump = PersonFactory(name="Donald Trump")
    PersonAlias.objects.create(person=trump, alias="Mr. Trump")
    assert services.find_or_create_person("mr. trump") == trump
    assert services.find_or_create_person("DONALD  TRUMP") == trump
    putin = services.find_or_create_person("Vladimir Putin")
    assert putin.pk and Person.objects.count() == 2
    assert services.find_or_create_person("  ") is None


def test_tags_are_created_once_from_text() -> None:
    first = services.tags_from_text("Ukraine, Russia, Ukraine")
    second = services.tags_from_text("ukraine")
    assert [t.name for t in first] == ["Ukraine", "Russia"]
    assert second == [first[0]]
