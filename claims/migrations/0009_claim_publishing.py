"""Publishing (issue 12): Claim.published_at and public_note, the published/unpublished
event kinds, and the partial index of the public claims list."""

import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

import claims.models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_article_search_index"),
        ("claims", "0008_claim_undated_search"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="claimevent",
            name="event_kind_valid",
        ),
        migrations.AddField(
            model_name="claim",
            name="public_note",
            field=models.TextField(
                blank=True, validators=[claims.models.TextLimit(5000, "public note")]
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="claimevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("edited", "Edited"),
                    ("assigned", "Assigned"),
                    ("deadline_changed", "Deadline changed"),
                    ("status_changed", "Status changed"),
                    ("evidence_added", "Evidence added"),
                    ("reminder_sent", "Reminder sent"),
                    ("snoozed", "Snoozed"),
                    ("comment", "Comment"),
                    ("published", "Published"),
                    ("unpublished", "Unpublished"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                condition=models.Q(("published_at__isnull", False)),
                fields=["-published_at", "-id"],
                name="claim_published",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("public_note"), 5000
                ),
                name="claim_public_note_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="claimevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "kind__in",
                        [
                            "created",
                            "edited",
                            "assigned",
                            "deadline_changed",
                            "status_changed",
                            "evidence_added",
                            "reminder_sent",
                            "snoozed",
                            "comment",
                            "published",
                            "unpublished",
                        ],
                    )
                ),
                name="event_kind_valid",
            ),
        ),
    ]
