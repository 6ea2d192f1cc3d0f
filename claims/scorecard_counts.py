"""Scorecard counts kept up to date by every write of a claim, in the same transaction.

Not a cache: ``ScorecardCount`` holds, per claimant and per outlet, how many claims share
each scorecard key (published or not, status, reason code, month due, an open claim's due
day, a fulfilled claim's days late), ``ScorecardTotal`` how many claims each claimant
and outlet has tracked, and ``ScorecardPair`` how many each claimant has in each outlet
(the cards' filter choices). ``claims.scorecards`` reads them for the unfiltered cards and the
ranked indexes (bench/README.md, issue 12: 559 ms and 1.2 s counting live on 1M claims).

Every write path calls ``count_change(before, after)`` with the claim's ``CountedKey``
before and after the change (None: no claim, or withdrawn, which counts nowhere):
``claims.services`` (``create_claim`` and ``_bump``, which every other change goes
through, with ``Claim.objects.update``), any ``Claim.save()`` (``create_claim``'s
``create``, the admin, test factories: ``claim_saving``/``claim_saved``, connected to
pre_save/post_save in ``claims.apps``), and an article's outlet changing
(``move_article_counts``, from the Article save signals). ``QuerySet.update()`` and
``bulk_create`` of claims outside claims.services are not counted: rebuild after them.

Each change is an upsert, ``INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n``
(PostgreSQL and SQLite), so two transactions counting into the same row both count: the
second waits for the first's row lock and adds to its result. A row that falls to 0 is
deleted while the transaction still holds its lock.

Open claims keep their due day (``open_due``), not only the month: "overdue" is open and
due before today, and today moves. It costs rows only for open claims (the biggest
claimant of the 1M-claim set: ~1,100 open due days), and keeps a card one indexed read,
where counting overdue live would need a (claimant, due_date) index for claimants and a
join through articles for outlets, which have no such column on claims.

``rebuild()`` (``manage.py rebuild_scorecard_counts``, the end of
bench/generate_claims.py, and the same SQL in migration 0012) recomputes everything from
the claims for data written past the services.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from articles.models import Article

from .models import (
    UNTIMED,
    Claim,
    ClaimStatus,
    CountKind,
    ScorecardCount,
    ScorecardPair,
    ScorecardTotal,
)

COUNT_TABLE = ScorecardCount._meta.db_table
TOTAL_TABLE = ScorecardTotal._meta.db_table
COUNT_KEY = (
    "kind",
    "subject",
    "published",
    "status",
    "reason_code",
    "due_month",
    "open_due",
    "days_late",
)
TOTAL_KEY = ("kind", "subject", "published")
PAIR_TABLE = ScorecardPair._meta.db_table
PAIR_KEY = ("claimant", "outlet")


@dataclass(frozen=True)
class CountedKey:
    """What of one claim the counts count."""

    claimant_id: int | None
    outlet_id: int | None
    published: bool
    status: str
    reason_code: str
    due_date: dt.date | None
    outcome_date: dt.date | None

    def count_key(self) -> tuple[bool, str, str, int, int, int]:
        """(published, status, reason_code, due_month, open_due, days_late)."""
        due = self.due_date
        due_month = due.year * 100 + due.month if due else 0
        open_due = (
            due.year * 10000 + due.month * 100 + due.day
            if due and self.status == ClaimStatus.OPEN
            else 0
        )
        days_late = UNTIMED
        if self.status == ClaimStatus.FULFILLED and due and self.outcome_date:
            days_late = (self.outcome_date - due).days
        return (self.published, self.status, self.reason_code, due_month, open_due, days_late)

    def subjects(self) -> list[tuple[str, int]]:
        return [
            (kind, subject)
            for kind, subject in (
                (CountKind.CLAIMANT.value, self.claimant_id),
                (CountKind.OUTLET.value, self.outlet_id),
            )
            if subject is not None
        ]


def counted_key(claim: Claim, outlet_id: int | None) -> CountedKey | None:
    """``claim`` as the counts see it (its article's outlet given); None when withdrawn."""
    if claim.status == ClaimStatus.WITHDRAWN:
        return None
    return CountedKey(
        claimant_id=claim.claimant_id,
        outlet_id=outlet_id,
        published=claim.published_at is not None,
        status=claim.status,
        reason_code=claim.reason_code,
        due_date=claim.due_date,
        outcome_date=claim.outcome_date,
    )


def count_change(before: CountedKey | None, after: CountedKey | None) -> None:
    """Move one claim's count from ``before`` to ``after``; call it inside the
    transaction that changes the claim."""
    count_changes([(before, after)])


def count_changes(changes: list[tuple[CountedKey | None, CountedKey | None]]) -> None:
    """``count_change`` for many claims at once: one upsert per table."""
    counts: Counter[tuple[object, ...]] = Counter()
    totals: Counter[tuple[object, ...]] = Counter()
    pairs: Counter[tuple[object, ...]] = Counter()
    for before, after in changes:
        if before == after:
            continue
        for key, delta in ((before, -1), (after, 1)):
            if key is None:
                continue
            for kind, subject in key.subjects():
                counts[(kind, subject, *key.count_key())] += delta
                totals[(kind, subject, key.published)] += delta
            if key.claimant_id is not None and key.outlet_id is not None:
                pairs[(key.claimant_id, key.outlet_id)] += delta
    _add(COUNT_TABLE, COUNT_KEY, counts)
    _add(TOTAL_TABLE, TOTAL_KEY, totals)
    _add(PAIR_TABLE, PAIR_KEY, pairs)


def _add(table: str, key: tuple[str, ...], deltas: Counter[tuple[object, ...]]) -> None:
    rows = [(*k, delta) for k, delta in deltas.items() if delta]
    if not rows:
        return
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in (*key, "n"))
    placeholders = "(" + ", ".join(["%s"] * (len(key) + 1)) + ")"
    # Sorted, so that two transactions lock the rows they share in the same order.
    rows.sort(key=repr)
    params: list[Any] = [value for row in rows for value in row]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(table)} ({columns}) VALUES {', '.join([placeholders] * len(rows))} "
            f"ON CONFLICT ({', '.join(qn(c) for c in key)}) "
            f"DO UPDATE SET n = {qn(table)}.n + excluded.n RETURNING id, n",
            params,
        )
        # This transaction holds these rows' locks until it ends: a 0 stays 0 meanwhile.
        empty = [pk for pk, n in cursor.fetchall() if n == 0]
        if empty:
            cursor.execute(
                f"DELETE FROM {qn(table)} WHERE id IN ({', '.join(['%s'] * len(empty))}) AND n = 0",
                empty,
            )


# --- Recomputing everything -------------------------------------------------------------

# The key of each claim in SQL, per database: (published, status, reason_code, due_month,
# open_due, days_late) as CountedKey.count_key() computes it. Copied into migration 0012.
_KEY_SQL = {
    "postgresql": """
        c.published_at IS NOT NULL AS published, c.status AS status,
        c.reason_code AS reason_code,
        COALESCE(CAST(to_char(c.due_date, 'YYYYMM') AS integer), 0) AS due_month,
        CASE WHEN c.status = 'open' AND c.due_date IS NOT NULL
            THEN CAST(to_char(c.due_date, 'YYYYMMDD') AS integer) ELSE 0 END AS open_due,
        CASE WHEN c.status = 'fulfilled' AND c.due_date IS NOT NULL
            AND c.outcome_date IS NOT NULL THEN c.outcome_date - c.due_date ELSE {untimed} END AS days_late
    """,
    "sqlite": """
        c.published_at IS NOT NULL AS published, c.status AS status,
        c.reason_code AS reason_code,
        COALESCE(CAST(strftime('%Y%m', c.due_date) AS INTEGER), 0) AS due_month,
        CASE WHEN c.status = 'open' AND c.due_date IS NOT NULL
            THEN CAST(strftime('%Y%m%d', c.due_date) AS INTEGER) ELSE 0 END AS open_due,
        CASE WHEN c.status = 'fulfilled' AND c.due_date IS NOT NULL
            AND c.outcome_date IS NOT NULL
            THEN CAST(julianday(c.outcome_date) - julianday(c.due_date) AS INTEGER)
            ELSE {untimed} END AS days_late
    """,
}


def rebuild_statements(vendor: str) -> list[str]:
    """The SQL that recomputes both tables from the claims (no parameters: the
    statements are run as they are, so SQLite's ``%`` stay as written)."""
    key = _KEY_SQL[vendor].format(untimed=UNTIMED)
    columns = ", ".join(COUNT_KEY)
    return [
        f"DELETE FROM {COUNT_TABLE}",
        f"DELETE FROM {TOTAL_TABLE}",
        f"DELETE FROM {PAIR_TABLE}",
        f"""INSERT INTO {COUNT_TABLE} ({columns}, n)
        SELECT {columns}, COUNT(*) FROM (
            SELECT 'claimant' AS kind, c.claimant_id AS subject, {key}
            FROM claims_claim c
            WHERE c.status <> 'withdrawn' AND c.claimant_id IS NOT NULL
            UNION ALL
            SELECT 'outlet', a.outlet_id, {key}
            FROM claims_claim c JOIN articles_article a ON a.id = c.article_id
            WHERE c.status <> 'withdrawn' AND a.outlet_id IS NOT NULL
        ) AS k
        GROUP BY {columns}
        ORDER BY kind, subject""",
        f"""INSERT INTO {TOTAL_TABLE} (kind, subject, published, n)
        SELECT kind, subject, published, SUM(n) FROM {COUNT_TABLE}
        GROUP BY kind, subject, published""",
        f"""INSERT INTO {PAIR_TABLE} (claimant, outlet, n)
        SELECT c.claimant_id, a.outlet_id, COUNT(*)
        FROM claims_claim c JOIN articles_article a ON a.id = c.article_id
        WHERE c.status <> 'withdrawn' AND c.claimant_id IS NOT NULL AND a.outlet_id IS NOT NULL
        GROUP BY c.claimant_id, a.outlet_id""",
    ]


def rebuild() -> None:
    """Recompute the kept counts from the claims, in one transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # No claim or article changes meanwhile (SHARE waits for the writers in
            # progress and holds off new ones), or a change counted into the new rows
            # on top of a state they already hold would count twice.
            cursor.execute("LOCK TABLE claims_claim, articles_article IN SHARE MODE")
        for sql in rebuild_statements(connection.vendor):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {COUNT_TABLE}")
            cursor.execute(f"ANALYZE {TOTAL_TABLE}")
            cursor.execute(f"ANALYZE {PAIR_TABLE}")


# --- Claims saved as model instances ---------------------------------------------------


def claim_saving(claim: Claim) -> None:
    """pre_save of a Claim: remember what the stored row counts as, for claim_saved."""
    if claim.pk is None:
        return
    stored = Claim.objects.filter(pk=claim.pk).first()
    claim.__dict__["_counted_before"] = None if stored is None else (stored, stored.article_id)


def claim_saved(claim: Claim, created: bool) -> None:
    """post_save of a Claim (``Claim.objects.create`` in create_claim, the admin, test
    factories): count it as saved, in place of what the stored row counted as."""
    before: CountedKey | None = None
    with transaction.atomic():
        outlet_id = lock_outlet(claim.article_id)
        remembered = claim.__dict__.pop("_counted_before", None)
        if remembered is not None and not created:
            stored, article_id = remembered
            stored_outlet = (
                outlet_id
                if article_id == claim.article_id
                else Article.objects.filter(pk=article_id)
                .values_list("outlet_id", flat=True)
                .first()
            )
            before = counted_key(stored, stored_outlet)
        count_change(before, counted_key(claim, outlet_id))


def claim_deleted(claim: Claim) -> None:
    """post_delete of a Claim (the admin, a test): its count goes. Claims are rarely
    deleted (their timeline protects them), but a deleted one must not stay counted."""
    outlet_id = (
        Article.objects.filter(pk=claim.article_id).values_list("outlet_id", flat=True).first()
    )
    count_change(counted_key(claim, outlet_id), None)


def lock_outlet(article_id: int) -> int | None:
    """The outlet of the article, its row locked (FOR NO KEY UPDATE) until the
    transaction ends, so that the outlet counted is the outlet the claim has: an outlet
    change moves the article's counts under the same lock (move_article_counts)."""
    return (
        Article.objects.select_for_update(no_key=True)
        .filter(pk=article_id)
        .values_list("outlet_id", flat=True)
        .get()
    )


# --- An article's outlet changing -------------------------------------------------------


def move_article_counts(article_id: int, old_outlet: int | None, new_outlet: int | None) -> None:
    """The claims of an article whose outlet changed, counted under the new outlet.

    Called after the article's UPDATE, in its transaction: the article's row lock keeps
    claim changes of this article out (claims.services locks the article first), so the
    claims read here are the ones counted.
    """
    if old_outlet == new_outlet:
        return
    changes: list[tuple[CountedKey | None, CountedKey | None]] = []
    for claim in Claim.objects.filter(article_id=article_id).exclude(status=ClaimStatus.WITHDRAWN):
        changes.append((counted_key(claim, old_outlet), counted_key(claim, new_outlet)))
    count_changes(changes)
