"""Claim.next_reminder_on: the date the reminder sweep looks at an open claim again.

Backfilled for the open claims with a due date as the day of the cadence's first step
(due date + 1 day), or the end of their snooze if later: claims.cadence.first_reminder_on.
For a claim already reminded of a step this is too early, and harmless: on that date the
sweep finds the step reached (any reminder of it or a later step for this due date, under
the claim's lock; the unique constraint on reminders behind that) and records nothing, only
moving the date on to the claim's next step. So the first sweep after this migration looks
once at every open overdue claim, as every sweep did before it, and then no more.
"""

from django.db import migrations, models

# The first step of the cadence is 1 day after the due date (claims.cadence.cadence);
# fixed here so the migration does not change if the code does.
FIRST_STEP_DAYS = 1


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # One statement: GREATEST ignores a NULL snooze.
        schema_editor.execute(
            "UPDATE claims_claim"
            " SET next_reminder_on = GREATEST(due_date + %s, snoozed_until)"
            " WHERE status = 'open' AND due_date IS NOT NULL",
            [FIRST_STEP_DAYS],
        )
        return
    import datetime as dt

    claim_model = apps.get_model("claims", "Claim")
    open_dated = claim_model.objects.filter(status="open", due_date__isnull=False)
    by_date: dict[dt.date, list[int]] = {}
    for pk, due_date, snoozed_until in open_dated.values_list("pk", "due_date", "snoozed_until"):
        first = due_date + dt.timedelta(days=FIRST_STEP_DAYS)
        by_date.setdefault(max(first, snoozed_until or first), []).append(pk)
    for on, ids in by_date.items():
        for start in range(0, len(ids), 500):
            claim_model.objects.filter(pk__in=ids[start : start + 500]).update(next_reminder_on=on)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0002_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="next_reminder_on",
            field=models.DateField(blank=True, null=True),
        ),
        # Before the index: the backfill need not maintain it row by row.
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        # claims.sweep.record_due_reminders: "status = 'open' AND next_reminder_on <=
        # today ORDER BY next_reminder_on, id", keyset-paginated.
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                condition=models.Q(("next_reminder_on__isnull", False), ("status", "open")),
                fields=["next_reminder_on", "id"],
                name="claim_open_next_reminder",
            ),
        ),
    ]
