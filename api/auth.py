"""Who is asking: a personal token (`Authorization: Bearer <secret>`, api.tokens) or, for
the browser, the logged-in session with its CSRF token on every change. Either way the
request then acts as that person, with that person's role (api.permissions); a read-only
token is refused every change here, once for all operations, and every request counts
towards the rate limits (api.limits)."""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from api import limits
from api.errors import ReadOnlyToken
from api.models import ApiToken
from api.tokens import token_for_secret

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = token_for_secret(token.strip())
        if found is None:
            return None
        limits.count_request(user_id=found.user_id, token_id=found.pk)
        if request.method not in SAFE_METHODS and not found.read_write:
            raise ReadOnlyToken("This token is read-only: make a read-write one to change things.")
        request.user = found.user
        return found


class SessionAuth(APIKeyCookie):
    """Django's session, as the pages use it. A change must carry the CSRF token (header
    X-CSRFToken), or another site could make a logged-in browser send it."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # Not logged in: no CSRF check, so the answer is 401 (log in), not 403.
        if not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise PermissionDenied("CSRF check failed: send the X-CSRFToken header.")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not request.user.is_authenticated:
            return None
        limits.count_request(user_id=request.user.pk)
        return request.user


token_auth = TokenAuth()
session_auth = SessionAuth()
