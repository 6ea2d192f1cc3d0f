"""Rate limits: API_RATE_LIMIT_PER_MINUTE requests a minute per token and per person
(a person's tokens and session share the person's limit), counted in the cache every
process shares (CACHES["shared"]: Redis on the full stack). Past it, 429 with Retry-After
saying when the minute ends. 0 turns the limits off."""

import logging
import time

from django.conf import settings
from django.core.cache import caches

from api.errors import RateLimited

WINDOW_SECONDS = 60
logger = logging.getLogger(__name__)


def _keys(user_id: int, token_id: int | None, window: int) -> list[str]:
    keys = [f"api-rate:user:{user_id}:{window}"]
    if token_id is not None:
        keys.append(f"api-rate:token:{token_id}:{window}")
    return keys


def _count(key: str) -> int:
    cache = caches["shared"]
    # add() then incr(): atomic on Redis, so two processes never both count 1.
    cache.add(key, 0, WINDOW_SECONDS * 2)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls: this request starts it again
        cache.set(key, 1, WINDOW_SECONDS * 2)
        return 1


def count_request(*, user_id: int, token_id: int | None = None) -> None:
    """Count one request of this person (and token); RateLimited past the limit."""
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    if limit <= 0:
        return
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    try:
        counts = [_count(key) for key in _keys(user_id, token_id, window)]
    except Exception:
        # Redis gone or hanging (BROKER_TIMEOUT_SECONDS): the API goes on unlimited rather
        # than failing every request; the limit is a guard, not the service.
        logger.warning("API rate limit not counted: the shared cache did not answer")
        return
    if max(counts) > limit:
        raise RateLimited(retry_after=max(1, int((window + 1) * WINDOW_SECONDS - now + 0.999)))


def reset(*, user_id: int, token_id: int | None = None) -> None:
    """Forget the counts of this minute and the next (tests, whose clock and ids repeat)."""
    window = int(time.time() // WINDOW_SECONDS)
    keys = _keys(user_id, token_id, window) + _keys(user_id, token_id, window + 1)
    caches["shared"].delete_many(keys)
