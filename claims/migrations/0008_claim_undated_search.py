"""A GIN full-text index over the undated open claims only, for the dashboard search's
"Open without a date" list and counter (claims.dashboard.SEARCH_INDEXES).

The other lists intersect claim_search with their own btree index (BitmapAnd); `due_date
IS NULL` cannot be served that way cheaply (the 50,000 undated claims of 1M read from
claim_open_due each time, 5-15 ms), and a GIN index cannot search for NULL, so these
50,000 claims get an index of their own (1.2 MB, a second to build on 1M claims): 1.5 ms
for the most frequent word. Written out here so it never changes with the code; a test
checks the two agree. PostgreSQL only, like claim_search.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import Q

SEARCH_INDEXES = [
    GinIndex(
        SearchVector("statement", "quote", config="english"),
        name="claim_undated_search",
        condition=Q(status="open", due_date__isnull=True),
    )
]


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in SEARCH_INDEXES:
        schema_editor.add_index(apps.get_model("claims", "Claim"), index)


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in SEARCH_INDEXES:
        schema_editor.remove_index(apps.get_model("claims", "Claim"), index)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0007_suggestions"),
    ]

    operations = [
        migrations.RunPython(create_search_indexes, drop_search_indexes, elidable=False),
    ]
