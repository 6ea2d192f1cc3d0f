"""The claims' part of the article page: each claim's quote highlighted in the text, and
the claims listed beside it (registered in claims.apps through articles.extensions).

Loaded at start-up by every process, workers included, so it imports neither the views
nor the time-phrase rules.
"""

from django.http import HttpRequest

from articles.extensions import ArticlePagePart
from articles.models import Article
from articles.rendering import Mark

from .models import Claim, newsroom_today
from .quotes import find_quote


def quote_mark(claim: Claim) -> Mark | None:
    """Where the quote stands in the article's text now, if it still does."""
    span = find_quote(claim.article.body, claim.quote, claim.quote_start, claim.quote_end)
    if span is None:
        return None
    return Mark(*span, claim.get_absolute_url(), ident=f"claim-{claim.pk}")


def article_claims_part(request: HttpRequest, article: Article) -> ArticlePagePart:
    """The claims of an article: highlighted in its text and listed beside it."""
    claims = list(
        Claim.objects.filter(article=article)
        .select_related("claimant", "article")
        .order_by("quote_start", "id")
    )
    marks = [mark for claim in claims if (mark := quote_mark(claim))]
    label = {f"claim-{c.pk}": c.statement for c in claims}
    marks = [Mark(m.start, m.end, m.href, label[m.ident], m.ident) for m in marks]
    return ArticlePagePart(
        marks=marks,
        template="claims/article_claims.html",
        context={"claims": claims, "today": newsroom_today()},
    )
