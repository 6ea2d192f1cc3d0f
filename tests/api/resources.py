"""Rows the resource tests share (articles, people, notifications, suggestions, scorecards)."""

import datetime as dt

from django.contrib.auth.models import User

from articles.models import Article
from claims.models import Channel, Claim, Reminder, Suggestion
from tests.factories import ArticleFactory

QUOTE = "the bridge will open within two weeks"


def make_suggestion(article: Article | None = None, **fields: object) -> Suggestion:
    """A pending suggestion whose quote is in its article's text, as the engine leaves one."""
    article = article or ArticleFactory()
    start = article.body.index(QUOTE)
    values: dict[str, object] = {
        "passage_key": f"key-{start}-{Suggestion.objects.count()}",
        "quote": QUOTE,
        "quote_start": start,
        "quote_end": start + len(QUOTE),
        "statement": "The bridge will open",
        "claimant_name": "The minister",
        "time_phrase": "within two weeks",
        "due_date": article.published_date + dt.timedelta(days=14),
        "precision": "week",
        "score": 0.8,
        **fields,
    }
    return Suggestion.objects.create(article=article, **values)


def remind(claim: Claim, user: User, *, step: int = 0, **fields: object) -> Reminder:
    return Reminder.objects.create(
        claim=claim,
        recipient=user,
        due_date=claim.due_date,
        step=step,
        channel=Channel.IN_APP,
        **fields,
    )
