"""Scorecard counts kept by the services (claims.scorecard_counts), filled from the
existing claims."""

from typing import Any

from django.db import migrations, models

# The SQL of claims.scorecard_counts.rebuild_statements as of this migration (a copy: a
# migration imports no live code). One INSERT ... SELECT per table, so an upgraded
# database has right counts at once; ORDER BY kind, subject keeps each card's rows
# together on disk, where the hash aggregate's order would scatter them (a card read
# 3,757 heap pages for 5,277 rows).
UNTIMED = 10_000_000
KEY_SQL = {
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
COLUMNS = "kind, subject, published, status, reason_code, due_month, open_due, days_late"


def fill(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    key = KEY_SQL[connection.vendor].format(untimed=UNTIMED)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO claims_scorecardcount ({COLUMNS}, n)
            SELECT {COLUMNS}, COUNT(*) FROM (
                SELECT 'claimant' AS kind, c.claimant_id AS subject, {key}
                FROM claims_claim c
                WHERE c.status <> 'withdrawn' AND c.claimant_id IS NOT NULL
                UNION ALL
                SELECT 'outlet', a.outlet_id, {key}
                FROM claims_claim c JOIN articles_article a ON a.id = c.article_id
                WHERE c.status <> 'withdrawn' AND a.outlet_id IS NOT NULL
            ) AS k
            GROUP BY {COLUMNS}
            ORDER BY kind, subject"""
        )
        cursor.execute(
            """INSERT INTO claims_scorecardtotal (kind, subject, published, n)
            SELECT kind, subject, published, SUM(n) FROM claims_scorecardcount
            GROUP BY kind, subject, published"""
        )
        cursor.execute(
            """INSERT INTO claims_scorecardpair (claimant, outlet, n)
            SELECT c.claimant_id, a.outlet_id, COUNT(*)
            FROM claims_claim c JOIN articles_article a ON a.id = c.article_id
            WHERE c.status <> 'withdrawn' AND c.claimant_id IS NOT NULL
                AND a.outlet_id IS NOT NULL
            GROUP BY c.claimant_id, a.outlet_id"""
        )
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE claims_scorecardcount")
            cursor.execute("ANALYZE claims_scorecardtotal")
            cursor.execute("ANALYZE claims_scorecardpair")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0011_webhooks"),
    ]

    operations = [
        migrations.CreateModel(
            name="ScorecardCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("claimant", "Claimant"), ("outlet", "Outlet")], max_length=8
                    ),
                ),
                ("subject", models.BigIntegerField()),
                ("published", models.BooleanField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("fulfilled", "Fulfilled"),
                            ("partly_fulfilled", "Partly fulfilled"),
                            ("not_fulfilled", "Not fulfilled"),
                            ("unresolvable", "Unresolvable"),
                            ("void", "Void"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        max_length=20,
                    ),
                ),
                ("reason_code", models.CharField(blank=True, max_length=12)),
                ("due_month", models.IntegerField()),
                ("open_due", models.IntegerField()),
                ("days_late", models.IntegerField()),
                ("n", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "kind",
                            "subject",
                            "published",
                            "status",
                            "reason_code",
                            "due_month",
                            "open_due",
                            "days_late",
                        ),
                        name="scorecard_count_key",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ScorecardPair",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("claimant", models.BigIntegerField()),
                ("outlet", models.BigIntegerField()),
                ("n", models.IntegerField()),
            ],
            options={
                "indexes": [
                    models.Index(fields=["outlet", "claimant"], name="scorecard_pair_outlet")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("claimant", "outlet"), name="scorecard_pair_key"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ScorecardTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("claimant", "Claimant"), ("outlet", "Outlet")], max_length=8
                    ),
                ),
                ("subject", models.BigIntegerField()),
                ("published", models.BooleanField()),
                ("n", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "subject", "published"), name="scorecard_total_key"
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
