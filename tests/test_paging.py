import datetime as dt

import pytest
from django.db.models import Q

from articles.models import Article
from config.paging import Keyset, split_page
from tests.factories import ArticleFactory

NEWEST_FIRST = Keyset("published_date", dt.date, descending=True)


def test_a_cursor_names_the_last_rows_value_and_id() -> None:
    row = Article(pk=42, published_date=dt.date(2025, 6, 1))
    assert NEWEST_FIRST.cursor(row) == "2025-06-01_42"
    assert Keyset(descending=True).cursor(row) == "42"


def test_a_datetime_cursor_is_written_in_utc() -> None:
    keyset = Keyset("created_at", dt.datetime, descending=True)
    row = Article(
        pk=7, created_at=dt.datetime(2025, 6, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    )
    assert keyset.cursor(row) == "2025-06-01T10:00:00+00:00_7"


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "2025-06-01",
        "2025-06-01.42",
        "2025-13-01_42",
        "2025-06-01_x",
        "x_42",
        "_",
        "2025-06-01_42_",
        "\x00",
    ],
)
def test_a_cursor_that_cannot_be_read_starts_from_the_top(cursor: str) -> None:
    assert NEWEST_FIRST.after(cursor) is None


def test_a_datetime_cursor_past_the_databases_offsets_is_read_in_utc() -> None:
    keyset = Keyset("resolved_at", dt.datetime, descending=True)
    position = keyset.after("2025-06-01T00:00:00+20:00_1")
    assert position is not None
    expected = dt.datetime(2025, 5, 31, 4, tzinfo=dt.UTC)
    assert position == Q(resolved_at__lte=expected) & (Q(resolved_at__lt=expected) | Q(id__lt=1))
    bound = position.children[0]
    assert bound == ("resolved_at__lte", expected) and bound[1].tzinfo == dt.UTC


def test_a_naive_datetime_cursor_is_taken_as_utc() -> None:
    keyset = Keyset("resolved_at", dt.datetime)
    assert keyset.after("2025-06-01T00:00:00_1") == keyset.after("2025-06-01T00:00:00+00:00_1")


def test_the_position_keeps_the_bound_that_starts_a_deep_page_in_the_index() -> None:
    position = NEWEST_FIRST.after("2025-06-01_42")
    day = dt.date(2025, 6, 1)
    assert position == (Q(published_date__lte=day) & (Q(published_date__lt=day) | Q(id__lt=42)))
    ascending = Keyset("due_date").after("2025-06-01_42")
    assert ascending == Q(due_date__gte=day) & (Q(due_date__gt=day) | Q(id__gt=42))


def test_split_page_tells_whether_another_page_follows() -> None:
    assert split_page([1, 2, 3], 3) == ([1, 2, 3], None)
    assert split_page([1, 2, 3, 4], 3) == ([1, 2, 3], 3)
    assert split_page([], 3) == ([], None)


@pytest.mark.django_db
@pytest.mark.parametrize("descending", [True, False])
def test_pages_in_turn_give_every_row_once_in_order(descending: bool) -> None:
    # Several rows share a date, so the id decides among them.
    for day in [1, 1, 2, 2, 2, 3, 4, 4]:
        ArticleFactory(published_date=dt.date(2025, 1, day))
    keyset = Keyset("published_date", dt.date, descending=descending)
    order = ["-published_date", "-id"] if descending else ["published_date", "id"]
    everything = list(Article.objects.order_by(*order).values_list("pk", flat=True))
    seen: list[int] = []
    cursor = ""
    while True:
        articles = Article.objects.order_by(*order)
        position = keyset.after(cursor)
        if position is not None:
            articles = articles.filter(position)
        page, last = split_page(articles[:4], 3)
        seen += [a.pk for a in page]
        if last is None:
            break
        cursor = keyset.cursor(last)
    assert seen == everything
