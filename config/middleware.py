import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.http import url_has_allowed_host_and_scheme

from config.auth import LAST_ACTIVITY_KEY

# Scripts and styles only from our own static files: no inline code, no eval, no CDN.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's: anonymous requests go to the login page unless the view is marked
    @login_not_required. The admin is left to itself: it checks for staff and sends
    everyone else to its own login page (/admin/login/), as it always did. An exempt view
    is let through before the user is looked at: the probes read no session (two queries).
    The JSON API is let through too: it answers for itself (api.auth)."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[object, ...],
        view_kwargs: dict[str, object],
    ) -> HttpResponseBase | None:
        if not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        if match is not None and match.app_name == "admin":
            return None
        if match is not None and match.namespace == "api":
            # The JSON API authenticates every request itself (a token or the session,
            # api.auth) and answers 401, not a redirect to a login page a program can't use.
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


def is_polling(request: HttpRequest) -> bool:
    """Requests an open page makes on its own, on a timer: the unread count in the
    navigation and the dashboard's counters. They are not the person doing anything."""
    match = request.resolver_match
    if match is None:
        return False
    if match.view_name == "notifications:count":
        return True
    return match.view_name == "claims:dashboard" and request.GET.get("part") == "counters"


class SessionIdleTimeoutMiddleware:
    """Logs a session out after SESSION_IDLE_MINUTES without activity, so a newsroom screen
    left open is not left logged in for the next person.

    What a page polls by itself is not activity, or an open tab would keep its session
    alive for ever. The time of the last activity is written at most once a minute: a
    session write on every request would cost the busy pages a database write each.
    """

    SESSION_KEY = LAST_ACTIVITY_KEY
    RESOLUTION_SECONDS = 60
    # The probes serve monitors, not people: they never read the session or the user (two
    # queries), and /livez stays the bare baseline bench/bench_dashboard.py compares with.
    PROBES = frozenset({"livez", "healthz"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        # Any arguments: a view takes whatever its URL pattern captures.
        view: Callable[..., HttpResponse],
        args: tuple[object, ...],
        kwargs: dict[str, object],
    ) -> HttpResponse | None:
        idle_seconds = settings.SESSION_IDLE_MINUTES * 60
        match = request.resolver_match
        if not idle_seconds or (match and match.view_name in self.PROBES):
            return None
        if match and match.app_name == "public":
            # The public pages (claims.public) are the same for everyone: reading the session
            # here would add "Vary: Cookie" and keep shared caches from serving them.
            return None
        if not request.user.is_authenticated:
            return None
        now = int(time.time())
        last = request.session.get(self.SESSION_KEY)
        if last is not None and now - last > idle_seconds:
            logout(request)
            messages.info(
                request,
                f"You were logged out after {settings.SESSION_IDLE_MINUTES} minutes without "
                "activity. Log in again to go on.",
            )
            if request.headers.get("HX-Request"):
                # A fragment swapped in would hide that the session ended: reload the whole
                # page, which now asks to log in and comes back here afterwards.
                return HttpResponse(status=204, headers={"HX-Refresh": "true"})
            if request.method not in ("GET", "HEAD"):
                # Back to the page the form was on after logging in, not to the address it
                # posted to, which answers only POST.
                back = request.headers.get("Referer", "")
                safe = url_has_allowed_host_and_scheme(
                    back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                )
                parts = urlsplit(back)
                next_path = parts.path + (f"?{parts.query}" if parts.query else "")
                return redirect_to_login(next_path if safe and next_path else "/")
            return None  # the view sees an anonymous user and asks to log in
        if not is_polling(request) and (last is None or now - last >= self.RESOLUTION_SECONDS):
            request.session[self.SESSION_KEY] = now
        return None
