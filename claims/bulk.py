"""Rows written in bulk by the reminder sweep and the digests, without model instances.

`insert_rows` INSERTs tuples; `batches` cuts id lists for `id__in` updates. Both serve
claims.sweep and claims.digests, where a sweep may touch tens of thousands of rows.
"""

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model

# Ids per `id__in` query: well under SQLite's limit on query parameters.
ID_BATCH = 2000


def batches(ids: Sequence[int], size: int | None = None) -> Iterator[Sequence[int]]:
    # ID_BATCH read at each call, not bound as a default: a test can make it small.
    size = size or ID_BATCH
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def insert_rows(
    model: type[Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    ignore_conflicts: bool = False,
) -> None:
    """INSERT rows given as tuples, without building model instances.

    bulk_create spent half of a 50,000-claim sweep constructing and preparing model objects
    (bench/bench_sweep.py). On PostgreSQL the rows go as one array per column through
    UNNEST, as bulk_create does, so that planning stays cheap; elsewhere as VALUES lists.
    `ignore_conflicts` skips the rows a unique constraint refuses; any other violation
    raises IntegrityError, on every database.
    """
    if not rows:
        return
    opts = model._meta
    columns: list[Field[Any, Any]] = []
    for name in fields:
        column = opts.get_field(name)
        if not isinstance(column, Field) or not column.column:
            raise ValueError(f"{opts.label}.{name} is not a column")
        columns.append(column)
    ops = connection.ops
    head = (
        f"INSERT INTO {ops.quote_name(opts.db_table)} "
        f"({', '.join(ops.quote_name(str(column.column)) for column in columns)})"
    )
    # ON CONFLICT DO NOTHING (PostgreSQL, SQLite 3.24+) skips only rows that break a
    # unique constraint. Not Django's INSERT OR IGNORE on SQLite, which bulk_create uses:
    # that also drops rows breaking NOT NULL and CHECK constraints, silently.
    tail = "ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    prepared: dict[tuple[str, object], Any] = {}

    # Any: whatever the field prepares for the database driver (a string, a datetime, ...).
    def prepare(column: "Field[Any, Any]", value: object) -> Any:
        if value is None or isinstance(value, bool | int | str):
            return value
        if isinstance(value, dt.date):  # dates and datetimes: few distinct ones
            key = (column.attname, value)
            if key not in prepared:
                prepared[key] = column.get_db_prep_save(value, connection)
            return prepared[key]
        return column.get_db_prep_save(value, connection)

    values = [[prepare(c, v) for c, v in zip(columns, row, strict=True)] for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{str(c.db_type(connection)).split('(')[0]}[]" for c in columns)
            cursor.execute(
                f"{head} SELECT * FROM UNNEST({arrays}) {tail}",
                [list(c) for c in zip(*values, strict=True)],
            )
            return
        per_statement = max(1, (connection.features.max_query_params or 999) // len(columns))
        placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(values), per_statement):
            batch = values[start : start + per_statement]
            cursor.execute(
                f"{head} VALUES {', '.join([placeholders] * len(batch))} {tail}",
                [value for row in batch for value in row],
            )
