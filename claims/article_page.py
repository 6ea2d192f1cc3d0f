"""The claims' parts of the article page and list (registered in claims.apps through
articles.extensions): each claim's quote highlighted in the text and the claims listed
beside it; the suggestions waiting, their passages marked; the counts on the article list.

Loaded at start-up by every process, workers included, so it imports neither the views
nor the time-phrase rules.
"""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from articles.extensions import ArticlePagePart
from articles.models import Article
from articles.rendering import Mark

from .models import Claim, ClaimSource, Suggestion, SuggestionStatus, newsroom_today
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


@dataclass
class SuggestionView:
    suggestion: Suggestion
    matches: list[Claim]


def article_suggestions_part(request: HttpRequest, article: Article) -> ArticlePagePart:
    """Pending suggestions beside the text, their passages marked; and the passages of
    claims tracked elsewhere that this article is a source of."""
    # Here, not at the top: the matching reads the suggestion engine and the time-phrase
    # rules, which processes that never show this page (workers) need not load.
    from .intake import matching_claims

    pending = list(
        Suggestion.objects.filter(article=article, status=SuggestionStatus.PENDING)
        .select_related("claimant")
        .order_by("quote_start", "pk")
    )
    decided = (
        Suggestion.objects.filter(article=article).exclude(status=SuggestionStatus.PENDING).count()
    )
    items = [
        SuggestionView(
            suggestion=s,
            matches=matching_claims(
                claimant=s.claimant,
                statement=s.statement,
                earliest_date=s.earliest_date,
                due_date=s.due_date,
                exclude_article=article,
            ),
        )
        for s in pending
    ]
    sources = list(
        ClaimSource.objects.filter(article=article)
        .select_related("claim", "claim__claimant")
        .order_by("quote_start", "pk")
    )
    marks = [
        Mark(s.quote_start, s.quote_end, f"#suggestion-{s.pk}", s.statement, f"suggestion-{s.pk}")
        for s in pending
    ]
    marks += [
        Mark(
            source.quote_start,
            source.quote_end,
            source.claim.get_absolute_url(),
            source.claim.statement,
            f"source-{source.pk}",
        )
        for source in sources
        if source.quote_start is not None and source.quote_end is not None
    ]
    return ArticlePagePart(
        marks=marks,
        template="claims/intake/article_suggestions.html",
        context={
            "items": items,
            "sources": sources,
            "decided": decided,
            "has_run": bool(pending) or decided > 0,
        },
    )


def pending_count() -> Subquery:
    return Subquery(
        Suggestion.objects.filter(article=OuterRef("pk"), status=SuggestionStatus.PENDING)
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def annotate_intake_counts(articles: QuerySet[Article]) -> QuerySet[Article]:
    """For the article list: suggestions waiting and claims logged, in the list's own query
    (two correlated counts, served by suggestion_pending and the claims' article index)."""
    claims = (
        Claim.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return articles.annotate(
        suggestions_waiting=Coalesce(pending_count(), 0),
        claims_logged=Coalesce(Subquery(claims, output_field=IntegerField()), 0),
    )
