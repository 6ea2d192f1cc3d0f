"""Full-text search of articles: PostgreSQL's text search with a GIN index, or a plain
substring match on SQLite (the embedded default, for small archives)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

from .models import Article, Outlet

CONFIG = "english"


def search_vector() -> SearchVector:
    # The GIN index below is built on exactly this expression, so the planner can use it.
    return SearchVector("title", "body", config=CONFIG)


SEARCH_INDEX = GinIndex(search_vector(), name="article_search")


def search_articles(articles: QuerySet[Article], q: str) -> QuerySet[Article]:
    # Outlet ids as values, not a subquery: the planner can then combine the outlet index
    # with the text-search index (a BitmapOr) instead of testing every article.
    outlets = list(Outlet.objects.filter(name__icontains=q).values_list("pk", flat=True)[:100])
    if connection.vendor == "postgresql":
        if not _has_words_to_search(q):
            # Only words full-text search ignores ("before", "the"): look in the titles.
            return articles.filter(Q(title__icontains=q) | Q(outlet__in=outlets))
        return articles.annotate(search=search_vector()).filter(
            Q(search=SearchQuery(q, search_type="websearch", config=CONFIG)) | Q(outlet__in=outlets)
        )
    return articles.filter(Q(title__icontains=q) | Q(body__icontains=q) | Q(outlet__in=outlets))


def _has_words_to_search(q: str) -> bool:
    """Whether `q` keeps any word once PostgreSQL drops the stop words of CONFIG."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT numnode(websearch_to_tsquery(%s::regconfig, %s)) > 0", [CONFIG, q])
        return cursor.fetchone()[0]
