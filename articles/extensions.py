"""How other apps add to the article page without this app knowing them.

`claims` registers a provider that highlights each claim's quote and lists the claims
beside the text; `articles` only knows that parts exist.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

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
