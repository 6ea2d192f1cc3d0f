"""Signals other apps listen to, so that `articles` never imports them.

`articles_saved(sender=Article, article_ids=[...])` is sent once the articles were
committed: once per import chunk (not per article, so that a listener queueing work keeps
import speed) and once per article saved through the forms or an upload.
"""

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

articles_saved = Signal()


def send_articles_saved_on_commit(article_ids: Iterable[int]) -> None:
    """Send `articles_saved` when the current transaction commits (now, outside one)."""
    ids = sorted({pk for pk in article_ids if pk is not None})
    if not ids:
        return
    from .models import Article

    transaction.on_commit(lambda: articles_saved.send(sender=Article, article_ids=ids))
