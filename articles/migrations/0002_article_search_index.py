"""A GIN index for full-text search of articles, on PostgreSQL only.

SQLite, the embedded default, has no GIN indexes; there search falls back to a substring
match (articles/search.py).

The index is written out here rather than imported from articles.search: a migration must
build the same index whatever the code says later. articles/search.py queries with the same
expression, and a test checks that the two still agree.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

SEARCH_INDEX = GinIndex(SearchVector("title", "body", config="english"), name="article_search")


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_index(apps.get_model("articles", "Article"), SEARCH_INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("articles", "Article"), SEARCH_INDEX)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
