"""The dashboard search: what it finds on PostgreSQL (full text) and on SQLite (substrings),
and what it says of a search made of stop words only."""

import datetime as dt

import pytest
import time_machine
from django.db import connection

from claims import services
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
def test_on_sqlite_stop_words_are_matched_as_a_substring(as_editor, editor) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's substring search; PostgreSQL says the words are too common")
    _overdue(editor, "Who will the minister appoint", "The port will reopen")
    html = as_editor.get("/?view=overdue&who=all&q=will the").content.decode()
    assert "Who will the minister appoint" in html
    assert "The port will reopen" not in html
    assert TOO_COMMON not in html
