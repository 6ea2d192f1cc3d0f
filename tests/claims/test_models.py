"""The database itself refuses invalid claims, not only the forms."""

import datetime as dt
import importlib

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims.dashboard import SEARCH_INDEXES
from claims.models import Claim, ClaimEvent, ClaimStatus, EventKind, Reminder
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


def refused(**changes: object) -> bool:
    claim = ClaimFactory()
    try:
        with transaction.atomic():
            Claim.objects.filter(pk=claim.pk).update(**changes)
    except IntegrityError:
        return True
    return False


def test_it_refuses_a_status_outside_the_vocabulary() -> None:
    assert refused(status="maybe")


def test_it_accepts_every_status_of_the_vocabulary_when_resolved() -> None:
    for status in ClaimStatus.values:
        resolved_at = None if status == ClaimStatus.OPEN else timezone.now()
        assert not refused(status=status, resolved_at=resolved_at), status


def test_it_refuses_an_earliest_date_after_the_due_date() -> None:
    assert refused(earliest_date=dt.date(2025, 11, 1), due_date=dt.date(2025, 10, 31))


def test_it_accepts_a_window_with_earliest_before_due() -> None:
    assert not refused(earliest_date=dt.date(2025, 10, 20), due_date=dt.date(2025, 10, 26))


def test_it_refuses_a_resolved_claim_without_a_resolution_time() -> None:
    assert refused(status=ClaimStatus.FULFILLED, resolved_at=None)


def test_it_refuses_an_open_claim_with_a_resolution_time() -> None:
    assert refused(status=ClaimStatus.OPEN, resolved_at=timezone.now())


def test_it_refuses_a_reason_code_unless_not_fulfilled() -> None:
    assert refused(
        status=ClaimStatus.FULFILLED, resolved_at=timezone.now(), reason_code="cancelled"
    )
    assert not refused(
        status=ClaimStatus.NOT_FULFILLED, resolved_at=timezone.now(), reason_code="cancelled"
    )


def test_it_refuses_an_unknown_reason_code() -> None:
    assert refused(
        status=ClaimStatus.NOT_FULFILLED, resolved_at=timezone.now(), reason_code="bored"
    )


def test_it_refuses_a_quote_span_that_ends_before_it_starts() -> None:
    assert refused(quote_start=10, quote_end=5)
    assert refused(quote_start=10, quote_end=None)


def test_it_refuses_an_empty_statement() -> None:
    assert refused(statement="")


def test_a_claim_without_a_date_is_allowed_and_never_overdue() -> None:
    claim = ClaimFactory(due_date=None, time_phrase="")
    assert not claim.is_overdue(dt.date(2030, 1, 1))
    assert Claim.objects.overdue(dt.date(2030, 1, 1)).count() == 0


def test_overdue_means_due_before_today() -> None:
    today = dt.date(2025, 11, 1)
    due_today = ClaimFactory(due_date=today)
    due_yesterday = ClaimFactory(due_date=today - dt.timedelta(days=1))
    assert list(Claim.objects.overdue(today)) == [due_yesterday]
    assert not due_today.is_overdue(today)
    assert due_yesterday.days_overdue(today) == 1


def test_late_is_fulfilled_after_the_due_date() -> None:
    claim = ClaimFactory(
        status=ClaimStatus.FULFILLED,
        resolved_at=timezone.now(),
        due_date=dt.date(2025, 10, 31),
        outcome_date=dt.date(2025, 11, 3),
    )
    assert claim.is_late


def test_it_records_each_reminder_step_only_once() -> None:
    claim = ClaimFactory()
    user = UserFactory()
    fields = {"claim": claim, "recipient": user, "due_date": claim.due_date, "step": 0}
    Reminder.objects.create(channel="email", **fields)
    Reminder.objects.create(channel="in_app", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(channel="email", **fields)


def test_claim_events_are_append_only() -> None:
    claim = ClaimFactory()
    event = ClaimEvent.objects.create(claim=claim, kind=EventKind.CREATED)
    event.note = "rewritten"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    assert ClaimEvent.objects.get(pk=event.pk).note == ""


def test_a_claim_with_a_timeline_cannot_be_deleted() -> None:
    claim = ClaimFactory()
    ClaimEvent.objects.create(claim=claim, kind=EventKind.CREATED)
    with pytest.raises(Exception, match="protected"):
        claim.delete()


def test_the_search_index_migration_indexes_the_expression_the_dashboard_queries() -> None:
    # The migration keeps its own copy of the index (it must not change with the code); the
    # planner only uses it while the dashboard search queries the very same expression.
    migration = importlib.import_module("claims.migrations.0006_text_limits_search_index")
    assert [i.deconstruct() for i in migration.SEARCH_INDEXES] == [
        i.deconstruct() for i in SEARCH_INDEXES
    ]
