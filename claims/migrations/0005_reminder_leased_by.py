from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0004_claim_updated_index"),
    ]

    operations = [
        # A constant default: on PostgreSQL 11+ a catalogue change, no table rewrite. A
        # database default too: claims.bulk.insert_rows names only the columns it sets.
        migrations.AddField(
            model_name="reminder",
            name="leased_by",
            field=models.CharField(blank=True, db_default="", default="", max_length=64),
        ),
    ]
