"""Claim intake: an article's suggested claims stored, logged, dismissed; one claim, several
sources (issue 11).

The engine (claims.suggestions) is pure: text and date in, candidates out. This module keeps
its output in `Suggestion` rows so that an editor's decision outlives the next run: a
passage logged or dismissed is never suggested again, whatever the engine later returns for
it, and a re-run only refreshes or drops the suggestions nobody has decided on yet.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from articles.models import Article

from . import services
from . import suggestions as engine
from .models import (
    Claim,
    ClaimEvent,
    ClaimSource,
    ClaimStatus,
    ClaimType,
    EventKind,
    Person,
    PersonAlias,
    Precision,
    Suggestion,
    SuggestionStatus,
)

logger = logging.getLogger(__name__)

# Below this trigram similarity (pg_trgm's default threshold) or word overlap, two
# statements are not taken for the same claim.
SIMILARITY = 0.3
WORD_OVERLAP = 0.5
MATCH_LIMIT = 3


class SuggestionDecided(ValidationError):
    """Someone logged or dismissed this suggestion first."""


def passage_key(quote: str) -> str:
    """The identity of a passage across runs: its words, not its offsets, which an edit of
    the article moves."""
    return hashlib.sha256(" ".join(quote.split()).lower().encode()).hexdigest()


@dataclass
class StoreResult:
    created: int = 0
    updated: int = 0
    removed: int = 0
    skipped: int = 0  # passages decided already or logged by hand


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _taken_spans(article: Article, decided: Iterable[Suggestion]) -> list[tuple[int, int]]:
    """Passages nobody should be asked about again: decided suggestions, and claims logged
    from this article by hand or added to with it as a source."""
    spans = [(s.quote_start, s.quote_end) for s in decided]
    logged = Claim.objects.filter(article=article).values_list("quote_start", "quote_end")
    sourced = ClaimSource.objects.filter(article=article).values_list("quote_start", "quote_end")
    for start, end in [*logged, *sourced]:
        if start is not None and end is not None:
            spans.append((start, end))
    return spans


@dataclass
class People:
    """The people tracked, read once per task rather than queried per claimant."""

    names: dict[str, str]  # name or alias -> the person's name, for the engine
    persons: dict[str, Person]  # name or alias, lower case -> the person

    @classmethod
    def load(cls) -> People:
        persons = {p.name.lower(): p for p in Person.objects.all()}
        by_id = {p.pk: p for p in persons.values()}
        names = {p.name: p.name for p in persons.values()}
        for alias, person_id in PersonAlias.objects.values_list("alias", "person_id"):
            person = by_id[person_id]
            names.setdefault(alias, person.name)
            persons.setdefault(alias.lower(), person)
        return cls(names=names, persons=persons)

    def match(self, name: str) -> Person | None:
        """As services.find_person (name or alias, any case); matching only: a person is
        created when the editor logs the claim, not before."""
        return self.persons.get(" ".join(name.split()).lower())


def _fields(found: engine.Suggestion, body: str, people: People) -> dict:
    name = " ".join((found.claimant or "").split())[:200]
    return {
        "quote": body[found.quote_start : found.quote_end],
        "quote_start": found.quote_start,
        "quote_end": found.quote_end,
        "statement": found.statement,
        "claimant_name": name,
        "claimant": people.match(name) if name else None,
        "claim_type": found.claim_type if found.claim_type in ClaimType.values else "other",
        "time_phrase": (found.time_phrase or "")[:300],
        "earliest_date": found.earliest_date,
        "due_date": found.due_date,
        "precision": found.precision if found.precision in Precision.values else "",
        "vague": found.vague,
        "reference_date": found.reference_date,
        "reference_note": found.reference_note[:200],
        "score": found.score,
    }


def store_suggestions(
    *,
    article: Article,
    found: list[engine.Suggestion],
    people: People | None = None,
) -> StoreResult:
    """Keep the engine's suggestions for `article`; safe to run any number of times.

    Pending suggestions are refreshed (or removed when no longer found); decided ones are
    never touched, and nothing found over a decided passage comes back.
    """
    result = StoreResult()
    people = People.load() if people is None else people
    new: list[Suggestion] = []
    with transaction.atomic():
        # Locks the article's suggestions so that two runs at once do not both insert.
        existing = {
            s.passage_key: s for s in Suggestion.objects.select_for_update().filter(article=article)
        }
        decided = [s for s in existing.values() if s.status != SuggestionStatus.PENDING]
        taken = _taken_spans(article, decided)
        seen: set[str] = set()
        for item in found:
            key = passage_key(article.body[item.quote_start : item.quote_end])
            if key in seen:
                continue
            seen.add(key)
            row = existing.get(key)
            if row is not None and row.status != SuggestionStatus.PENDING:
                result.skipped += 1
                continue
            if any(_overlaps((item.quote_start, item.quote_end), span) for span in taken):
                result.skipped += 1
                continue
            fields = _fields(item, article.body, people)
            if row is None:
                new.append(Suggestion(article=article, passage_key=key, **fields))
            elif any(getattr(row, name) != value for name, value in fields.items()):
                Suggestion.objects.filter(pk=row.pk).update(**fields)
                result.updated += 1
        stale = [
            s.pk
            for k, s in existing.items()
            if s.status == SuggestionStatus.PENDING and k not in seen
        ]
        # One INSERT for the article's new suggestions.
        result.created = len(Suggestion.objects.bulk_create(new))
        if stale:
            result.removed, _ = Suggestion.objects.filter(pk__in=stale).delete()
    return result


def suggest_for_article(article: Article, *, people: People | None = None) -> StoreResult:
    people = People.load() if people is None else people
    # With the names of tracked people the engine reports "Mr. Trump" as "Donald Trump".
    found = engine.suggest_claims(article.body, article.published_date, known_people=people.names)
    return store_suggestions(article=article, found=found, people=people)


# Articles stored per transaction by the task: one commit (one WAL flush on PostgreSQL) per
# article cost more than reading it; a batch keeps each transaction's locks short.
STORE_BATCH = 50


def suggest_for_articles(article_ids: Iterable[int]) -> int:
    """Suggestions for each article still there; returns how many articles were stored.

    One article failing (a bug in the engine on odd text) is logged and does not cost the
    others theirs: the engine runs outside the transaction, and each article is stored in a
    savepoint of its batch's transaction.
    """
    done = 0
    people = People.load()
    articles = list(
        Article.objects.filter(pk__in=list(article_ids)).only("pk", "body", "published_date")
    )
    for start in range(0, len(articles), STORE_BATCH):
        found: list[tuple[Article, list[engine.Suggestion]]] = []
        for article in articles[start : start + STORE_BATCH]:
            try:
                found.append(
                    (
                        article,
                        engine.suggest_claims(
                            article.body, article.published_date, known_people=people.names
                        ),
                    )
                )
            except Exception:
                logger.exception("Suggestions failed for article %s", article.pk)
        with transaction.atomic():
            for article, suggestions in found:
                try:
                    store_suggestions(article=article, found=suggestions, people=people)
                except (OperationalError, InterfaceError):
                    raise  # the database is away: the task is retried
                except Exception:
                    logger.exception("Storing suggestions failed for article %s", article.pk)
                    continue
                done += 1
    return done


# --- Decisions -----------------------------------------------------------------------------


def _decide(suggestion: Suggestion, *, status: str, by: User, claim: Claim | None) -> None:
    # Conditional UPDATE: of two editors deciding at once, the second is told.
    updated = Suggestion.objects.filter(pk=suggestion.pk, status=SuggestionStatus.PENDING).update(
        status=status, claim=claim, decided_by=by, decided_at=timezone.now()
    )
    if updated != 1:
        raise SuggestionDecided("Someone decided on this suggestion already.")
    suggestion.status, suggestion.claim = status, claim


def log_suggestion(*, suggestion: Suggestion, by: User) -> Claim:
    """Log the suggestion as a claim as it stands, in one step."""
    article = suggestion.article
    with transaction.atomic():
        # Taken first, so that a second editor's click cannot log the claim twice.
        _decide(suggestion, status=SuggestionStatus.LOGGED, by=by, claim=None)
        claim = services.create_claim(
            article=article,
            by=by,
            statement=suggestion.statement,
            quote=suggestion.quote,
            quote_start=suggestion.quote_start,
            quote_end=suggestion.quote_end,
            claimant=suggestion.claimant.name if suggestion.claimant else suggestion.claimant_name,
            claim_type=suggestion.claim_type,
            time_phrase=suggestion.time_phrase,
            due_date=suggestion.due_date,
            earliest_date=suggestion.earliest_date,
            precision=suggestion.precision,
            vague=suggestion.vague,
        )
        Suggestion.objects.filter(pk=suggestion.pk).update(claim=claim)
        suggestion.claim = claim
    return claim


def dismiss_suggestion(*, suggestion: Suggestion, by: User) -> None:
    """Not a claim: remembered, so the passage is not suggested again. Touches no claim, so
    there is no timeline event."""
    _decide(suggestion, status=SuggestionStatus.DISMISSED, by=by, claim=None)


# --- One claim, several sources ------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "by",
        "with",
        "will",
        "would",
        "be",
        "is",
        "are",
        "was",
        "were",
        "that",
        "this",
        "it",
        "its",
        "he",
        "she",
        "they",
        "his",
        "her",
        "their",
        "i",
        "we",
        "our",
        "has",
        "have",
        "had",
        "not",
        "as",
        "from",
        "into",
        "than",
        "then",
        "there",
    ]
)


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1}


def word_overlap(a: str, b: str) -> float:
    """Shared content words over the smaller statement's: "Trump and Putin will meet in
    Budapest" and "Trump will meet Putin in Budapest" are the same claim."""
    left, right = _words(a), _words(b)
    if not left or not right:
        return 0.0
    return len(left & right) / min(len(left), len(right))


def _window_overlaps(claim: Claim, *, earliest: dt.date | None, due: dt.date | None) -> bool:
    # An undated side does not rule a match out: "is considering" and a later "by Friday"
    # may still be the same claim; the editor decides.
    if due is None or claim.due_date is None:
        return True
    return (earliest or due) <= claim.due_date and (claim.earliest_date or claim.due_date) <= due


_trgm: dict[str, bool] = {}


def _has_trigram() -> bool:
    alias = connection.alias
    if alias not in _trgm:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            _trgm[alias] = cursor.fetchone() is not None
    return _trgm[alias]


def _candidates(claimant: Person, statement: str) -> QuerySet[Claim]:
    claims = Claim.objects.filter(claimant=claimant, status=ClaimStatus.OPEN)
    if connection.vendor != "postgresql":
        return claims
    if _has_trigram():
        # `statement % %s`: served by the GIN index claim_statement_trgm (migration 0007).
        return claims.filter(statement__trigram_similar=statement)
    from django.contrib.postgres.search import SearchQuery, SearchVector

    # Without pg_trgm: any content word of the statement, through the claim_search index.
    words = " | ".join(sorted(_words(statement)))
    if not words:
        return claims.none()
    return claims.annotate(search=SearchVector("statement", "quote", config="english")).filter(
        search=SearchQuery(words, search_type="raw", config="english")
    )


def matching_claims(
    *,
    claimant: Person | None,
    statement: str,
    earliest_date: dt.date | None,
    due_date: dt.date | None,
    exclude_article: Article | None = None,
) -> list[Claim]:
    """Open claims already tracked that this statement repeats: same claimant, similar
    statement, overlapping window. Most similar first."""
    if claimant is None or not statement.strip():
        return []
    claims = _candidates(claimant, statement).select_related("article", "claimant")
    if exclude_article is not None:
        # A claim of this article, or one it is a source of already, is no duplicate to offer.
        claims = claims.exclude(article=exclude_article).exclude(sources__article=exclude_article)
    scored = [
        (word_overlap(statement, claim.statement), claim)
        for claim in claims.order_by("-created_at")[:200]
        if _window_overlaps(claim, earliest=earliest_date, due=due_date)
    ]
    if connection.vendor != "postgresql":
        scored = [(score, claim) for score, claim in scored if score >= WORD_OVERLAP]
    scored.sort(key=lambda pair: -pair[0])
    return [claim for _, claim in scored[:MATCH_LIMIT]]


def add_source(
    *,
    claim: Claim,
    article: Article,
    by: User,
    quote: str = "",
    quote_start: int | None = None,
    quote_end: int | None = None,
    suggestion: Suggestion | None = None,
) -> ClaimSource:
    """`article` reports `claim` too: one more source, not a duplicate claim. An event on the
    claim's timeline says so. Adding the same article again changes nothing."""
    if article.pk == claim.article_id:
        raise ValidationError("This article is the claim's own source already.")
    services.check_lengths(quote=quote)
    if quote:
        quote_start, quote_end = services.locate_quote(
            body=article.body, quote=quote, start=quote_start, end=quote_end
        )
        quote = article.body[quote_start:quote_end]
    else:
        quote_start = quote_end = None
    with transaction.atomic():
        if suggestion is not None:
            _decide(suggestion, status=SuggestionStatus.SOURCED, by=by, claim=claim)
        existing = ClaimSource.objects.filter(claim=claim, article=article).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                source = ClaimSource.objects.create(
                    claim=claim,
                    article=article,
                    quote=quote,
                    quote_start=quote_start,
                    quote_end=quote_end,
                    added_by=by,
                )
        except IntegrityError:
            # Another editor added the same source a moment ago.
            return ClaimSource.objects.get(claim=claim, article=article)
        # EventKind has no "source added" (its CheckConstraint lives with the Claim models
        # being reworked): an edit event whose data names the source.
        ClaimEvent.objects.create(
            claim=claim,
            kind=EventKind.EDITED,
            actor=by,
            note=f"Source added: {article.title}"[:500],
            data={"source_added": {"article": article.pk, "quote": quote[:300]}},
        )
    return source


def sources_of(claim: Claim) -> list[ClaimSource]:
    return list(
        ClaimSource.objects.filter(claim=claim).select_related("article", "article__outlet")
    )


def settle_suggestions_for(claim: Claim) -> int:
    """Pending suggestions over the passage of a claim just logged become logged as it."""
    return Suggestion.objects.filter(
        article_id=claim.article_id,
        status=SuggestionStatus.PENDING,
        quote_start__lt=claim.quote_end,
        quote_end__gt=claim.quote_start,
    ).update(
        status=SuggestionStatus.LOGGED,
        claim=claim,
        decided_by=claim.created_by,
        decided_at=timezone.now(),
    )
