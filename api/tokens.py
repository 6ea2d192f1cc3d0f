"""Personal API tokens: made, found and revoked here, by the settings page and the API's
authentication alike (api.auth)."""

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import User
from django.utils import timezone

from api.models import ApiToken

# Marks the secret as a Claimtrack API token, for people and for secret scanners.
SECRET_PREFIX = "ct_"
PREFIX_LENGTH = len(SECRET_PREFIX) + 6
# last_used_at is written at most this often: a busy script must not cost a write a request.
LAST_USE_RESOLUTION = dt.timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_token(*, user: User, name: str, read_write: bool) -> tuple[ApiToken, str]:
    """A new token for `user`, and its secret: returned once, to show; only its hash is kept."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        read_write=read_write,
        token_hash=_hash(secret),
        prefix=secret[:PREFIX_LENGTH],
    )
    return token, secret


def revoke_api_token(*, user: User, token_id: int) -> bool:
    """Stops `user`'s token `token_id` from working; False when there is no such live token."""
    revoked = ApiToken.objects.filter(pk=token_id, user=user, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    return revoked == 1


def token_for_secret(secret: str) -> ApiToken | None:
    """The live token of an active user that `secret` is, or None; notes its use."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    found = (
        ApiToken.objects.filter(token_hash=_hash(secret), revoked_at=None, user__is_active=True)
        .select_related("user")
        .first()
    )
    if found is None:
        return None
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at >= LAST_USE_RESOLUTION:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        found.last_used_at = now
    return found
