"""Public pages (settings.PUBLIC_PAGES): published claims, their articles and a list of them,
for anonymous readers. README, "Public pages".

Separate views and templates (templates/public/), not the staff pages with branches: what
a public template does not name, the public cannot see. They render from the claim alone
(no user, no session, no CSRF token), so every visitor gets the same bytes and shared
caches may keep them: Cache-Control public, an ETag and Last-Modified, 304 to a browser or
proxy revalidating (`public_page`).

Each page is rendered once per process per state of what it shows: `public_page` reads
that state in one query (a claim's version, or the latest change to any claim), answers
304 from it, and otherwise serves the page kept in CACHES["public"] under a key made of
that state, so nothing needs invalidating across processes (bench/README.md, "Public
pages").

The hook for public scorecards (built as staff pages in claims.scorecards): their public
variant counts only `published_claims()` below, the one filter of what the public may
see, behind `public_pages_on()`, the switch.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from articles.models import Article
from config.paging import Keyset, split_page

from .models import Claim, ClaimStatus, newsroom_today

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
PAGES_REVISION = "3"
# The pages that show many claims are keyed by the latest change to any claim. A change
# committed out of order (an earlier updated_at committed later, by a transaction still
# open when the latest was read) would be missed until the next change: while the latest
# change is younger than SETTLE_SECONDS (longer than any transaction of the app's), the
# key also moves every BUCKET_SECONDS, so such a change shows within that time. Once it is
# older, the key stays put until the next change (and proxies get their 304s).
SETTLE_SECONDS = 300
BUCKET_SECONDS = 30
PUBLIC_CACHE = "public"

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


@dataclass(frozen=True)
class PageState:
    """What a public page shows depends on, read in one query: `key` names it (with the
    URL, it makes the ETag and the cache key), `modified` is its Last-Modified."""

    key: str
    modified: dt.datetime


# The states read in this process in the last PUBLIC_STATE_SECONDS: (read at, state).
_states: dict[str, tuple[float, PageState]] = {}
STATES_KEPT = 10_000


def _recent(name: str, read: Callable[[], PageState | None]) -> PageState | None:
    """`read()`, or what it gave in this process less than PUBLIC_STATE_SECONDS ago: under
    load a page then costs no query at all (bench/README.md, "Public pages"). A None (a
    404) is not kept, so a claim just published shows at once."""
    seconds = settings.PUBLIC_STATE_SECONDS
    now = time.monotonic()
    kept = _states.get(name)
    if seconds and kept and now - kept[0] < seconds:
        return kept[1]
    state = read()
    if seconds and state is not None:
        if len(_states) >= STATES_KEPT:
            _states.clear()
        _states[name] = (now, state)
    return state


def read_claims_state() -> PageState:
    """The latest change to any claim and the day, read now (one probe of index
    claim_updated): what every page that counts many claims depends on."""
    latest = Claim.objects.aggregate(latest=Max("updated_at"))["latest"]
    today = newsroom_today()
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    stamp = latest.isoformat() if latest else "none"
    key = f"{stamp}|{today}"
    if latest and (timezone.now() - latest).total_seconds() < SETTLE_SECONDS:
        key += f"|{int(time.time() // BUCKET_SECONDS)}"
    return PageState(key, max(latest, midnight) if latest else midnight)


def public_state() -> PageState:
    """The state of every page that shows many claims (lists, scorecards, the feed): the
    latest change to any claim (one probe of index claim_updated) and the day (overdue
    moves at midnight). Publishing, unpublishing, resolving and every other change to a
    claim move its updated_at (claims.services._bump), so no service has to remember to
    bump a version of its own; a change to an unpublished claim renders the pages once
    more, which costs one rendering per page and process."""
    state = _recent("many", read_claims_state)
    assert state is not None
    return state


def _read_claim_state(pk: int) -> PageState | None:
    row = published_claims().filter(pk=pk).values_list("version", "updated_at").first()
    if row is None:
        return None
    return PageState(f"claim-{pk}-v{row[0]}|{newsroom_today()}", row[1])


def _claim_state(request: HttpRequest, pk: int) -> PageState | None:
    """A public claim's version and updated_at (evidence added bumps them too); None when
    the page would be a 404."""
    return _recent(f"claim-{pk}", lambda: _read_claim_state(pk))


def _cacheable(response: HttpResponseBase) -> HttpResponseBase:
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_MAX_AGE_SECONDS)
    return response


def public_page(
    state: Callable[..., PageState | None],
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Serve a public view from its state: 404 with PUBLIC_PAGES off, 304 when the client
    (or a proxy) has this state's ETag or a Last-Modified as recent, else the page
    rendered for this state and URL, kept per process in CACHES["public"].

    `state(request, **kwargs)` returning None lets the view answer (its 404). Only 200s are
    kept. The one query is the state's, at most once per PUBLIC_STATE_SECONDS; middleware
    reads no session on these paths (config.middleware), so a hit costs about what /livez
    does."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not public_pages_on():
                raise Http404
            found = state(request, *args, **kwargs)
            if found is None:
                return view(request, *args, **kwargs)
            # The path, not the host: public pages make absolute addresses from SITE_URL
            # only (the feed too), so one ETag holds whichever name the site is reached by.
            digest = hashlib.sha256(
                f"{request.get_full_path()}|{found.key}|{PAGES_REVISION}".encode()
            ).hexdigest()[:32]
            etag = f'"{digest}"'
            modified = int(found.modified.timestamp())
            answer = get_conditional_response(request, etag=etag, last_modified=modified)
            if answer is None:
                cache = caches[PUBLIC_CACHE]
                kept = cache.get(f"page:{digest}")
                if kept is None:
                    response = view(request, *args, **kwargs)
                    if response.status_code != 200 or response.streaming:
                        return response
                    assert isinstance(response, HttpResponse)
                    kept = (response.content, response["Content-Type"])
                    cache.set(f"page:{digest}", kept, None)
                answer = HttpResponse(kept[0], content_type=kept[1])
            if answer.status_code in (200, 304):
                answer.headers["ETag"] = etag
                answer.headers["Last-Modified"] = http_date(modified)
                _cacheable(answer)
            return answer

        return wrapper

    return decorator


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


def many_claims_state(request: HttpRequest, **kwargs: Any) -> PageState:
    return public_state()


@login_not_required
@require_safe
@public_page(_claim_state)
def claim_page(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _public_claim(pk)
    review = claim_review(claim)
    links = claim.evidence.exclude(url="").only("url", "title")
    return render(
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


@login_not_required
@require_safe
@public_page(many_claims_state)
def claim_list(request: HttpRequest) -> HttpResponse:
    claims = published_claims().select_related("claimant").order_by("-published_at", "-id")
    position = PUBLISHED_ORDER.after(request.GET.get("after", ""))
    if position is not None:
        claims = claims.filter(position)
    page, last = split_page(claims[: PUBLIC_PAGE_SIZE + 1], PUBLIC_PAGE_SIZE)
    return render(
        request,
        "public/claims.html",
        _context(claims=page, next_cursor=PUBLISHED_ORDER.cursor(last) if last else ""),
    )


@login_not_required
@require_safe
@public_page(many_claims_state)
def article_page(request: HttpRequest, pk: int) -> HttpResponse:
    """An article with a published claim, and only its published claims."""
    if pk > BIGINT_MAX:
        raise Http404
    claims = list(
        published_claims().filter(article_id=pk).select_related("claimant").order_by("id")
    )
    if not claims:
        raise Http404
    article = Article.objects.select_related("outlet").get(pk=pk)
    return render(
        request,
        "public/article.html",
        _context(
            article=article,
            claims=claims,
            page_url=_absolute(reverse("public:article", args=[pk])),
        ),
    )
