"""Public pages (settings.PUBLIC_PAGES): published claims, their articles and a list of them,
for anonymous readers. README, "Public pages".

Separate views and templates (templates/public/), not the staff pages with branches: what
a public template does not name, the public cannot see. They render from the claim alone
(no user, no session, no CSRF token), so every visitor gets the same bytes and shared
caches may keep them: Cache-Control public, an ETag and Last-Modified from the claim's
version and updated_at, 304 to a browser or proxy revalidating.

The hook for public scorecards (built as staff pages in claims.scorecards): their public
variant counts only `published_claims()` below, the one filter of what the public may
see, behind `public_pages_on()`, the switch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import condition, require_safe

from articles.models import Article
from config.paging import Keyset, split_page

from .models import Claim, ClaimStatus

# ClaimReview's reviewRating on a 1-5 scale (5 = came true). Unresolvable and void have no
# place on the scale: their rating carries the verdict in alternateName only. Withdrawn
# claims (logged in error) get no ClaimReview at all.
RATING_VALUES = {
    ClaimStatus.FULFILLED: 5,
    ClaimStatus.PARTLY_FULFILLED: 3,
    ClaimStatus.NOT_FULFILLED: 1,
}
NO_REVIEW = {ClaimStatus.OPEN, ClaimStatus.WITHDRAWN}

# Part of every ETag: bump it when the public templates change, so a deploy is not
# answered 304 with pages rendered by the old ones.
PAGES_REVISION = "2"

PUBLIC_PAGE_SIZE = 50
# An id past this is no row: a foreign-key filter with it raises OverflowError on SQLite.
BIGINT_MAX = 2**63 - 1
# The public list, newest published first (index claim_published).
PUBLISHED_ORDER = Keyset("published_at", dt.datetime, descending=True)


def public_pages_on() -> bool:
    return bool(settings.PUBLIC_PAGES)


def published_claims() -> QuerySet[Claim]:
    """The claims the public may see: published ones, withdrawn left out."""
    return Claim.objects.filter(published_at__isnull=False).exclude(status=ClaimStatus.WITHDRAWN)


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _public_claim(pk: int) -> Claim:
    if not public_pages_on():
        raise Http404
    try:
        return published_claims().select_related("article__outlet", "claimant").get(pk=pk)
    except Claim.DoesNotExist:
        raise Http404 from None


def _claim_state(request: HttpRequest, pk: int) -> tuple[int, dt.datetime] | None:
    """(version, updated_at) of a public claim, None when the page would be a 404."""
    if not public_pages_on():
        return None
    return published_claims().filter(pk=pk).values_list("version", "updated_at").first()


def _claim_etag(request: HttpRequest, pk: int) -> str | None:
    state = _claim_state(request, pk)
    return f"claim-{pk}-v{state[0]}-{PAGES_REVISION}" if state else None


def _claim_modified(request: HttpRequest, pk: int) -> dt.datetime | None:
    state = _claim_state(request, pk)
    return state[1] if state else None


def _cacheable(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_MAX_AGE_SECONDS)
    return response


def json_ld(data: dict[str, Any]) -> SafeString:
    """`data` as JSON for a <script type="application/ld+json"> block, with <, > and &
    escaped as json_script does, so "</script>" in a statement cannot end the block."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    text = text.replace("&", "\\u0026").replace("<", "\\u003C").replace(">", "\\u003E")
    return mark_safe(text)  # noqa: S308 - escaped just above


def claim_review(claim: Claim) -> dict[str, Any] | None:
    """schema.org ClaimReview for a resolved claim (https://schema.org/ClaimReview)."""
    if claim.status in NO_REVIEW:
        return None
    article = claim.article
    page_url = _absolute(reverse("public:claim", args=[claim.pk]))
    appearance_url = article.url or _absolute(reverse("public:article", args=[article.pk]))
    reviewed: dict[str, Any] = {
        "@type": "Claim",
        "datePublished": article.published_date.isoformat(),
        "appearance": {
            "@type": "CreativeWork",
            "url": appearance_url,
            "headline": article.title,
            "datePublished": article.published_date.isoformat(),
        },
    }
    if claim.claimant:
        reviewed["author"] = {"@type": "Person", "name": claim.claimant.name}
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": claim.get_status_display()}
    if claim.status in RATING_VALUES:
        rating.update(
            ratingValue=RATING_VALUES[ClaimStatus(claim.status)], bestRating=5, worstRating=1
        )
    assert claim.published_at is not None and claim.resolved_at is not None
    # The verdict became public when both had happened: published, and resolved as now.
    published = max(claim.published_at, claim.resolved_at)
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": page_url,
        "claimReviewed": claim.statement,
        "datePublished": published.date().isoformat(),
        "author": {
            "@type": "Organization",
            "name": settings.NEWSROOM_NAME,
            "url": settings.NEWSROOM_URL,
        },
        "itemReviewed": reviewed,
        "reviewRating": rating,
    }


def _description(claim: Claim) -> str:
    said = f"{claim.claimant.name} said" if claim.claimant else "Claimed"
    verdict = claim.get_status_display()
    note = f" {claim.public_note}" if claim.is_resolved and claim.public_note else ""
    return f"{said}, {claim.window_display()}. {verdict}.{note}"[:300]


def _context(**extra: Any) -> dict[str, Any]:
    return {"newsroom_name": settings.NEWSROOM_NAME, **extra}


@login_not_required
@require_safe
@condition(etag_func=_claim_etag, last_modified_func=_claim_modified)
def claim_page(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _public_claim(pk)
    review = claim_review(claim)
    links = claim.evidence.exclude(url="").only("url", "title")
    response = render(
        request,
        "public/claim.html",
        _context(
            claim=claim,
            page_url=_absolute(reverse("public:claim", args=[claim.pk])),
            description=_description(claim),
            claim_review=json_ld(review) if review else "",
            links=links,
        ),
    )
    return _cacheable(response)


def _list_etag(request: HttpRequest) -> str | None:
    if not public_pages_on():
        return None
    # Any change to a published claim moves its updated_at; publishing or unpublishing
    # one changes it too (claims.services bump it), so the latest of them names the list.
    latest = published_claims().aggregate(latest=Max("updated_at"))["latest"]
    after = request.GET.get("after", "")
    digest = hashlib.sha256(after.encode()).hexdigest()[:16]
    stamp = latest.isoformat() if latest else "none"
    return f"claims-{stamp}-{digest}-{PAGES_REVISION}"


@login_not_required
@require_safe
@condition(etag_func=_list_etag)
def claim_list(request: HttpRequest) -> HttpResponse:
    if not public_pages_on():
        raise Http404
    claims = published_claims().select_related("claimant").order_by("-published_at", "-id")
    position = PUBLISHED_ORDER.after(request.GET.get("after", ""))
    if position is not None:
        claims = claims.filter(position)
    page, last = split_page(claims[: PUBLIC_PAGE_SIZE + 1], PUBLIC_PAGE_SIZE)
    response = render(
        request,
        "public/claims.html",
        _context(claims=page, next_cursor=PUBLISHED_ORDER.cursor(last) if last else ""),
    )
    return _cacheable(response)


def _article_etag(request: HttpRequest, pk: int) -> str | None:
    if not public_pages_on() or pk > BIGINT_MAX:
        return None
    latest = published_claims().filter(article_id=pk).aggregate(latest=Max("updated_at"))
    if latest["latest"] is None:
        return None
    return f"article-{pk}-{latest['latest'].isoformat()}-{PAGES_REVISION}"


@login_not_required
@require_safe
@condition(etag_func=_article_etag)
def article_page(request: HttpRequest, pk: int) -> HttpResponse:
    """An article with a published claim, and only its published claims."""
    if not public_pages_on() or pk > BIGINT_MAX:
        raise Http404
    claims = list(
        published_claims().filter(article_id=pk).select_related("claimant").order_by("id")
    )
    if not claims:
        raise Http404
    article = Article.objects.select_related("outlet").get(pk=pk)
    response = render(
        request,
        "public/article.html",
        _context(
            article=article,
            claims=claims,
            page_url=_absolute(reverse("public:article", args=[pk])),
        ),
    )
    return _cacheable(response)
