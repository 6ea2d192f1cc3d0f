"""Keyset pagination, shared by every list that pages ("show more", "next page").

A list is ordered by one column and then by id, both ascending or both descending; the
cursor names the last row shown as "<value>_<id>" ("2025-06-01_42",
"2025-06-01T09:30:00+00:00_42"), or "<id>" for a list ordered by id alone. The next page is
the rows after that position, so a page deep in a long list costs the same as the first
(no OFFSET). A cursor that cannot be read is ignored: the list starts from the top.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q
from django.utils import timezone

Row = TypeVar("Row")


@dataclass(frozen=True)
class Keyset:
    """How one list is ordered: by ``field`` (a date or datetime column; None for id
    alone), then by id, newest or largest first when ``descending``."""

    field: str | None = None
    kind: type[dt.date] = dt.date
    descending: bool = False

    def cursor(self, row: Model) -> str:
        """The cursor naming ``row`` as the last one shown."""
        if self.field is None:
            return str(row.pk)
        value = getattr(row, self.field)
        if isinstance(value, dt.datetime):
            value = value.astimezone(dt.UTC)
        return f"{value.isoformat()}_{row.pk}"

    def after(self, cursor: str) -> Q | None:
        """The rows after ``cursor`` in this order; None for no cursor or one that cannot be
        read (a hostile or outdated one)."""
        try:
            return self._after(cursor) if cursor else None
        except (ValueError, OverflowError):
            return None

    def _after(self, cursor: str) -> Q:
        pk_after = "id__lt" if self.descending else "id__gt"
        if self.field is None:
            return Q(**{pk_after: int(cursor)})
        text, pk = cursor.rsplit("_", 1)
        last_id = int(pk)
        value = self._read(text)
        bound, beyond = ("lte", "lt") if self.descending else ("gte", "gt")
        # The first condition bounds the index range, so a deep page starts at the cursor
        # instead of reading the index from the top of the list.
        return Q(**{f"{self.field}__{bound}": value}) & (
            Q(**{f"{self.field}__{beyond}": value}) | Q(**{pk_after: last_id})
        )

    def _read(self, text: str) -> Any:
        if not issubclass(self.kind, dt.datetime):
            return dt.date.fromisoformat(text)
        moment = dt.datetime.fromisoformat(text)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, dt.UTC)
        # In UTC: PostgreSQL refuses offsets past ±15:59, which Python accepts.
        return moment.astimezone(dt.UTC)


def split_page(rows: Iterable[Row], size: int) -> tuple[list[Row], Row | None]:
    """A page fetched with one row more than shown (which tells, without a COUNT, whether
    another page follows): the rows to show, and the last of them when another follows."""
    fetched = list(rows)  # one query, for a QuerySet
    page = fetched[:size]
    if len(fetched) <= size:
        return page, None
    return page, page[-1]
