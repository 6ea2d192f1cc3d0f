"""Thin views over claims.exports: the CSV download, the settings page with the feed
addresses, the two feeds (public addresses, opened by their secret alone) and, with
settings.PUBLIC_PAGES on, the public feed of resolutions. The settings page's API tokens
section is the api app's (api.views, its template tag api_tokens): api depends on claims,
never the reverse."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST, require_safe

from config.http import HtmxHttpRequest

from . import exports
from .dashboard import Dashboard
from .models import Claim, FeedKind, FeedToken, newsroom_today
from .public import many_claims_state, public_page


@require_safe
def claims_csv(request: HtmxHttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The dashboard's list with its filters (its query string), or with `view=all` every
    claim the filters match, in id order."""
    query = request.GET.copy()
    everything = query.get("view") == "all"
    if everything:
        query.pop("view")
    board = Dashboard.from_query(query, user=request.user, today=newsroom_today())
    if everything:
        claims = board._filtered(Claim.objects.all()).order_by("id")
        name = "all"
    else:
        claims = board.ordered(board.view.name)
        name = board.view.name
    filename = f"claims-{name}-{newsroom_today().isoformat()}.csv"
    if request.method == "HEAD":
        # The headers alone (uptime monitors, link checkers): no query, no body.
        head = HttpResponse(content_type=exports.CSV_CONTENT_TYPE)
        head["Content-Disposition"] = f'attachment; filename="{filename}"'
        return head
    return exports.csv_response(claims, filename=filename)


def settings_page(
    request: HtmxHttpRequest,
    *,
    shown: dict[str, str] | None = None,
    extra: dict[str, object] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The settings page; `shown` holds new feed secrets by kind, shown this once. Other
    apps' sections render themselves by template tags (api_tokens) and pass what they need
    in `extra`, so claims imports none of them."""
    shown = shown or {}
    feed_tokens = {t.kind: t for t in FeedToken.objects.filter(user=request.user)}
    feeds = [
        {
            "kind": kind,
            "label": label,
            "token": feed_tokens.get(kind),
            "new_url": exports.feed_url(kind, shown[kind]) if kind in shown else "",
        }
        for kind, label in FeedKind.choices
    ]
    context = {**(extra or {}), "feeds": feeds}
    return render(request, "claims/settings.html", context, status=status)


@require_safe
def user_settings(request: HtmxHttpRequest) -> HttpResponse:
    return settings_page(request)


@require_POST
def feed_token(request: HtmxHttpRequest, kind: str) -> HttpResponse:
    """Create or renew (the old address stops working) or revoke one's feed address. The
    new secret is shown in this response only: the page after it no longer knows it."""
    if kind not in FeedKind.values:
        raise Http404("No such feed.")
    shown = {}
    if request.POST.get("action") == "revoke":
        exports.revoke_feed_token(user=request.user, kind=kind)
    else:
        shown[kind] = exports.renew_feed_token(user=request.user, kind=kind)
    response = settings_page(request, shown=shown)
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@require_safe
def feed_ical(request: HtmxHttpRequest, token: str) -> HttpResponse:
    user = exports.feed_user(token, FeedKind.ICAL)
    if user is None:
        raise Http404("No such feed.")
    body = exports.ical_feed(exports.claims_of(user), name=f"Claimtrack: {user.get_username()}")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="claimtrack-due.ics"'
    return response


feed_atom = login_not_required(require_safe(exports.ResolutionsFeed()))
public_feed_atom = login_not_required(
    require_safe(public_page(many_claims_state)(exports.PublicResolutionsFeed()))
)
