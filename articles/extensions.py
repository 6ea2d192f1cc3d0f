"""How other apps add to the article page without this app knowing them.

`claims` registers a provider that highlights each claim's quote and lists the claims
beside the text; `articles` only knows that parts exist.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Article
from .rendering import Mark


@dataclass
class ArticlePagePart:
    marks: list[Mark] = field(default_factory=list)
    # Rendered beside the article text with `context` (plus `article` and `request`).
    template: str = ""
    context: dict[str, object] = field(default_factory=dict)


ArticlePageProvider = Callable[[HttpRequest, Article], ArticlePagePart]
_providers: list[ArticlePageProvider] = []


def register_article_page_part(provider: ArticlePageProvider) -> ArticlePageProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def article_page_parts(request: HttpRequest, article: Article) -> list[ArticlePagePart]:
    return [provider(request, article) for provider in _providers]


# --- The article list: columns other apps add ------------------------------------------


@dataclass
class ArticleListColumn:
    """A column of the article list filled by another app (claims: suggestions waiting,
    claims logged). `annotate` adds what the cell shows to the list's one query, so the
    number of queries stays the same for any page size; `template` renders one cell with
    `article`."""

    header: str
    annotate: Callable[[QuerySet[Article]], QuerySet[Article]]
    template: str


_columns: list[ArticleListColumn] = []


def register_article_list_column(column: ArticleListColumn) -> ArticleListColumn:
    if all(c.template != column.template for c in _columns):
        _columns.append(column)
    return column


def article_list_columns() -> list[ArticleListColumn]:
    return list(_columns)


def annotate_article_list(articles: QuerySet[Article]) -> QuerySet[Article]:
    for column in _columns:
        articles = column.annotate(articles)
    return articles
