"""A GIN index for full-text search of articles, on PostgreSQL only.

SQLite, the embedded default, has no GIN indexes; there search falls back to a substring
match (articles/search.py).
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from articles.search import SEARCH_INDEX

    schema_editor.add_index(apps.get_model("articles", "Article"), SEARCH_INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from articles.search import SEARCH_INDEX

    schema_editor.remove_index(apps.get_model("articles", "Article"), SEARCH_INDEX)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
