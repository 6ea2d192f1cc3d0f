"""The dashboard search: what it finds on PostgreSQL (full text) and on SQLite (substrings),
and what it says of a search made of stop words only."""

import datetime as dt
import importlib

import pytest
import time_machine
from django.db import connection

from claims import services
from claims.dashboard import UNDATED_SEARCH_INDEXES
from claims.models import Claim
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2025, 11, 10, 12, tzinfo=dt.UTC)
TOO_COMMON = "is too common to search for"


def _overdue(editor, *statements: str) -> None:
    article = ArticleFactory()
    for statement in statements:
        services.create_claim(
            article=article, by=editor, statement=statement, due_date=dt.date(2025, 11, 1)
        )


@time_machine.travel(NOW, tick=False)
@pytest.mark.services
def test_two_words_find_the_claims_with_both_in_any_form(as_editor, editor) -> None:
    assert connection.vendor == "postgresql"
    _overdue(
        editor,
        "The company will reopen the railway line",
        "Railways will be reopened by spring",
        "The railway will be sold",
        "The port will reopen",
    )
    html = as_editor.get("/?view=overdue&who=all&q=reopening railways").content.decode()
    assert "The company will reopen the railway line" in html
    assert "Railways will be reopened by spring" in html
    assert "The railway will be sold" not in html
    assert "The port will reopen" not in html


@time_machine.travel(NOW, tick=False)
@pytest.mark.services
def test_a_search_of_stop_words_only_says_they_are_too_common(as_editor, editor) -> None:
    assert connection.vendor == "postgresql"
    _overdue(editor, "Who will the minister appoint")
    html = as_editor.get("/?view=overdue&who=all&q=will the").content.decode()
    assert "Who will the minister appoint" not in html
    assert TOO_COMMON in html
    assert '<span class="count">0</span>' in html


@time_machine.travel(NOW, tick=False)
@pytest.mark.services
def test_a_search_with_one_real_word_is_not_too_common(as_editor, editor) -> None:
    _overdue(editor, "Who will the minister appoint")
    html = as_editor.get("/?view=overdue&who=all&q=will the minister").content.decode()
    assert "Who will the minister appoint" in html
    assert TOO_COMMON not in html


@time_machine.travel(NOW, tick=False)
def test_stop_words_are_a_substring_on_sqlite_and_too_common_on_postgresql(
    as_editor, editor
) -> None:
    # No skip either way: CI runs on PostgreSQL only and refuses skipped tests.
    _overdue(editor, "Who will the minister appoint", "The port will reopen")
    html = as_editor.get("/?view=overdue&who=all&q=will the").content.decode()
    assert "The port will reopen" not in html
    if connection.vendor == "postgresql":
        assert TOO_COMMON in html
        assert "Who will the minister appoint" not in html
    else:
        assert "Who will the minister appoint" in html
        assert TOO_COMMON not in html


def test_the_undated_search_index_migration_indexes_what_the_dashboard_declares() -> None:
    # The migration keeps its own copy (it must not change with the code).
    migration = importlib.import_module("claims.migrations.0008_claim_undated_search")
    assert [i.deconstruct() for i in migration.SEARCH_INDEXES] == [
        i.deconstruct() for i in UNDATED_SEARCH_INDEXES
    ]


def test_the_undated_search_index_holds_the_claims_of_the_undated_list(editor) -> None:
    # Its condition copies ClaimQuerySet.undated(); the planner uses the index only for a
    # query whose filter implies it, so the two must select the same claims.
    article = ArticleFactory()
    for due_date in [None, dt.date(2025, 11, 1)]:
        services.create_claim(
            article=article, by=editor, statement=f"Due {due_date}", due_date=due_date
        )
        claim = services.create_claim(
            article=article, by=editor, statement=f"Resolved, due {due_date}", due_date=due_date
        )
        services.resolve_claim(claim=claim, by=editor, version=1, status="fulfilled")
    indexed = Claim.objects.filter(UNDATED_SEARCH_INDEXES[0].condition)
    assert list(indexed) == list(Claim.objects.undated())
    assert [c.statement for c in indexed] == ["Due None"]
