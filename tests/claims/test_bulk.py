"""claims.bulk.insert_rows: the sweep's raw INSERT, on SQLite and (with DATABASE_URL) PostgreSQL.

The same tests run on whichever database the suite uses: `make test` covers SQLite, the run
with DATABASE_URL and REDIS_URL covers PostgreSQL (UNNEST arrays instead of VALUES lists).
"""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from pytest_django.fixtures import DjangoAssertNumQueries

from claims.bulk import batches, insert_rows
from claims.models import Channel, Claim, ClaimEvent, EventKind, Reminder
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db

FIELDS = (
    "claim",
    "recipient",
    "due_date",
    "step",
    "escalation",
    "created_at",
    "channel",
    "attempts",
    "last_error",
)
NOW = dt.datetime(2025, 11, 1, 9, tzinfo=dt.UTC)


def row(claim: Claim, user: User, *, step: int = 0, channel: str = Channel.IN_APP) -> tuple:
    return (claim.pk, user.pk, claim.due_date, step, False, NOW, channel, 0, "")


def test_it_inserts_rows_given_as_tuples_with_their_dates_and_times(reviewer: User) -> None:
    claim = ClaimFactory()

    insert_rows(Reminder, FIELDS, [row(claim, reviewer), row(claim, reviewer, step=1)])

    stored = Reminder.objects.filter(claim=claim).order_by("step")
    assert [(r.step, r.due_date, r.created_at, r.leased_by) for r in stored] == [
        (0, claim.due_date, NOW, ""),
        (1, claim.due_date, NOW, ""),
    ]


def test_json_and_text_columns_round_trip(reviewer: User) -> None:
    claim = ClaimFactory()
    data = {"step": 0, "recipients": ["reviewer"], "note": "“quoted” <b>"}

    insert_rows(
        ClaimEvent,
        ("claim", "kind", "created_at", "note", "data"),
        [(claim.pk, EventKind.REMINDER_SENT.value, NOW, "first reminder", data)],
    )

    event = ClaimEvent.objects.get(claim=claim, kind=EventKind.REMINDER_SENT)
    assert (event.note, event.data, event.created_at) == ("first reminder", data, NOW)


def test_ignore_conflicts_skips_only_the_rows_a_unique_constraint_refuses(reviewer: User) -> None:
    claim = ClaimFactory()
    insert_rows(Reminder, FIELDS, [row(claim, reviewer)])

    insert_rows(
        Reminder,
        FIELDS,
        [row(claim, reviewer), row(claim, reviewer, channel=Channel.EMAIL)],
        ignore_conflicts=True,
    )

    assert sorted(Reminder.objects.filter(claim=claim).values_list("channel", flat=True)) == [
        Channel.EMAIL,
        Channel.IN_APP,
    ]


def test_without_ignore_conflicts_a_duplicate_raises(reviewer: User) -> None:
    claim = ClaimFactory()
    insert_rows(Reminder, FIELDS, [row(claim, reviewer)])

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Reminder, FIELDS, [row(claim, reviewer)])


@pytest.mark.parametrize("ignore_conflicts", [False, True])
def test_a_not_null_violation_is_never_dropped_silently(
    reviewer: User, ignore_conflicts: bool
) -> None:
    # SQLite's INSERT OR IGNORE (what bulk_create(ignore_conflicts=True) sends there) drops
    # such a row without a word; ON CONFLICT DO NOTHING only skips unique conflicts.
    claim = ClaimFactory()
    broken = (claim.pk, reviewer.pk, None, 0, False, NOW, Channel.IN_APP, 0, "")

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Reminder, FIELDS, [broken], ignore_conflicts=ignore_conflicts)


def test_a_check_constraint_violation_is_never_dropped_silently(reviewer: User) -> None:
    claim = ClaimFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(
            Reminder, FIELDS, [row(claim, reviewer, channel="pigeon")], ignore_conflicts=True
        )


def test_more_rows_than_one_statement_takes_are_all_inserted(reviewer: User) -> None:
    claim = ClaimFactory()
    # 9 columns: SQLite's 999 parameters hold 111 rows per statement.
    rows = [row(claim, reviewer, step=step) for step in range(400)]

    insert_rows(Reminder, FIELDS, rows)

    assert Reminder.objects.filter(claim=claim).count() == 400


def test_nothing_to_insert_sends_no_query(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_num_queries(0):
        insert_rows(Reminder, FIELDS, [])


def test_a_field_that_is_not_a_column_is_refused() -> None:
    with pytest.raises(ValueError, match="is not a column"):
        insert_rows(Claim, ("reminders",), [(1,)])


def test_batches_cut_a_list_of_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [list(batch) for batch in batches([1, 2, 3, 4, 5], 2)] == [[1, 2], [3, 4], [5]]
    monkeypatch.setattr("claims.bulk.ID_BATCH", 3)
    assert [list(batch) for batch in batches([1, 2, 3, 4, 5])] == [[1, 2, 3], [4, 5]]
