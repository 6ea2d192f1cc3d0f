"""Claim intake: suggestions stored, logged, dismissed; one claim, several sources."""

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from articles.importing import import_paths
from articles.models import Article
from claims import intake, tasks
from claims.models import (
    Claim,
    ClaimEvent,
    ClaimSource,
    EventKind,
    Person,
    PersonAlias,
    Suggestion,
    SuggestionStatus,
)
from claims.suggestions import suggest_claims
from tests.factories import ArticleFactory, ClaimFactory, PersonFactory

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

BUDAPEST = (
    "The president said the meeting would likely take place sometime during the next two weeks."
)


@pytest.fixture
def trump(db) -> Person:
    # As the demo data has him (load_demo_claims): the seed article writes "Mr. Trump".
    person = PersonFactory(name="Donald Trump")
    for alias in ("Trump", "Mr. Trump", "President Trump"):
        PersonAlias.objects.create(person=person, alias=alias)
    return person


@pytest.fixture
def seed_article(db, trump, monkeypatch: pytest.MonkeyPatch) -> Article:
    monkeypatch.setattr(tasks, "queue_suggestions", lambda ids: True)
    import_paths([SEEDS])
    return Article.objects.get()


def _budapest(article: Article) -> Suggestion:
    start = article.body.index("The president said the meeting would likely")
    return Suggestion.objects.get(
        article=article, quote_start__lte=start + 20, quote_end__gt=start + 20
    )


def test_it_stores_the_seed_suggestions_with_their_windows(seed_article: Article) -> None:
    result = intake.suggest_for_article(seed_article)
    assert result.created >= 4
    budapest = _budapest(seed_article)
    assert budapest.claimant_name == "Donald Trump"
    assert (budapest.earliest_date, budapest.due_date) == (
        dt.date(2025, 10, 17),
        dt.date(2025, 10, 31),
    )
    assert budapest.status == SuggestionStatus.PENDING
    assert budapest.quote == seed_article.body[budapest.quote_start : budapest.quote_end]


def test_running_again_changes_nothing(seed_article: Article) -> None:
    intake.suggest_for_article(seed_article)
    before = list(Suggestion.objects.values_list("pk", "passage_key", "due_date"))
    result = intake.suggest_for_article(seed_article)
    assert (result.created, result.updated, result.removed) == (0, 0, 0)
    assert list(Suggestion.objects.values_list("pk", "passage_key", "due_date")) == before


def test_matching_the_claimant_creates_nobody(seed_article: Article) -> None:
    Person.objects.all().delete()
    intake.suggest_for_article(seed_article)
    assert not Person.objects.exists()
    budapest = _budapest(seed_article)
    assert (budapest.claimant_name, budapest.claimant) == ("Trump", None)


def test_the_claimant_is_matched_by_an_alias(seed_article: Article, trump: Person) -> None:
    intake.suggest_for_article(seed_article)
    assert _budapest(seed_article).claimant == trump
    assert Person.objects.count() == 1


def test_a_dismissed_passage_stays_dismissed_after_a_rerun(seed_article: Article, editor) -> None:
    intake.suggest_for_article(seed_article)
    budapest = _budapest(seed_article)
    intake.dismiss_suggestion(suggestion=budapest, by=editor)
    result = intake.suggest_for_article(seed_article)
    assert result.skipped >= 1
    budapest.refresh_from_db()
    assert budapest.status == SuggestionStatus.DISMISSED
    assert budapest.decided_by == editor
    # Nothing new over the same passage either.
    assert not Suggestion.objects.filter(
        article=seed_article,
        status=SuggestionStatus.PENDING,
        quote_start__lt=budapest.quote_end,
        quote_end__gt=budapest.quote_start,
    ).exists()
    assert not ClaimEvent.objects.exists()  # a dismissal touches no claim


def test_a_dismissed_passage_stays_dismissed_when_the_engine_moves_its_span(
    seed_article: Article, editor
) -> None:
    found = suggest_claims(seed_article.body, seed_article.published_date)
    intake.store_suggestions(article=seed_article, found=found)
    budapest = _budapest(seed_article)
    intake.dismiss_suggestion(suggestion=budapest, by=editor)
    # A retuned engine: a slightly shorter clause over the same passage.
    moved = [
        dataclasses.replace(s, quote_start=s.quote_start + 4)
        if s.quote_start == budapest.quote_start
        else s
        for s in found
    ]
    assert moved != found
    intake.store_suggestions(article=seed_article, found=moved)
    assert (
        Suggestion.objects.filter(
            article=seed_article, quote_start=budapest.quote_start + 4
        ).count()
        == 0
    )


def test_logging_creates_the_claim_and_its_person(seed_article: Article, editor) -> None:
    intake.suggest_for_article(seed_article)
    budapest = _budapest(seed_article)
    claim = intake.log_suggestion(suggestion=budapest, by=editor)
    assert claim.claimant.name == "Donald Trump"
    assert (claim.earliest_date, claim.due_date) == (dt.date(2025, 10, 17), dt.date(2025, 10, 31))
    assert claim.quote == budapest.quote
    assert claim.events.filter(kind=EventKind.CREATED, actor=editor).exists()
    budapest.refresh_from_db()
    assert (budapest.status, budapest.claim) == (SuggestionStatus.LOGGED, claim)
    # Logged stays logged, and no duplicate comes back.
    intake.suggest_for_article(seed_article)
    budapest.refresh_from_db()
    assert budapest.status == SuggestionStatus.LOGGED
    assert Claim.objects.count() == 1


def test_logging_twice_is_refused(seed_article: Article, editor) -> None:
    intake.suggest_for_article(seed_article)
    budapest = _budapest(seed_article)
    intake.log_suggestion(suggestion=budapest, by=editor)
    stale = Suggestion.objects.get(pk=budapest.pk)
    stale.status = SuggestionStatus.PENDING  # what a second editor's page still shows
    with pytest.raises(intake.SuggestionDecided):
        intake.log_suggestion(suggestion=stale, by=editor)
    assert Claim.objects.count() == 1


def test_a_claim_logged_by_hand_settles_the_suggestion_on_its_passage(
    seed_article: Article, editor
) -> None:
    intake.suggest_for_article(seed_article)
    budapest = _budapest(seed_article)
    claim = ClaimFactory(
        article=seed_article,
        quote=budapest.quote,
        quote_start=budapest.quote_start,
        quote_end=budapest.quote_end,
        created_by=editor,
    )
    budapest.refresh_from_db()
    assert (budapest.status, budapest.claim) == (SuggestionStatus.LOGGED, claim)


def test_a_pending_suggestion_no_longer_found_is_removed(db) -> None:
    article = ArticleFactory(body="Nothing here.")
    Suggestion.objects.create(
        article=article, passage_key="x", quote="Nothing", quote_start=0, quote_end=7, statement="x"
    )
    assert intake.suggest_for_article(article).removed == 1
    assert not Suggestion.objects.exists()


# --- One claim, several sources ---------------------------------------------------------------


def _tracked(**kwargs) -> Claim:
    trump, _ = Person.objects.get_or_create(name="Donald Trump")
    defaults = {
        "claimant": trump,
        "statement": "Donald Trump and Vladimir Putin will meet in Budapest",
        "earliest_date": dt.date(2025, 10, 17),
        "due_date": dt.date(2025, 10, 31),
    }
    return ClaimFactory(**(defaults | kwargs))


@pytest.mark.django_db
def test_a_similar_open_claim_of_the_same_claimant_matches() -> None:
    claim = _tracked()
    other = ArticleFactory()
    found = intake.matching_claims(
        claimant=claim.claimant,
        statement="Trump and Putin will meet in Budapest",
        earliest_date=dt.date(2025, 10, 20),
        due_date=dt.date(2025, 10, 26),
        exclude_article=other,
    )
    assert found == [claim]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("statement", "window", "claimant"),
    [
        (
            "The budget will be balanced next year",
            (dt.date(2025, 10, 17), dt.date(2025, 10, 31)),
            True,
        ),
        (
            "Trump and Putin will meet in Budapest",
            (dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
            True,
        ),
        (
            "Trump and Putin will meet in Budapest",
            (dt.date(2025, 10, 17), dt.date(2025, 10, 31)),
            False,
        ),
    ],
    ids=["other statement", "window apart", "other claimant"],
)
def test_no_match_without_claimant_statement_and_window(statement, window, claimant) -> None:
    claim = _tracked()
    found = intake.matching_claims(
        claimant=claim.claimant if claimant else PersonFactory(name="Someone Else"),
        statement=statement,
        earliest_date=window[0],
        due_date=window[1],
    )
    assert found == []


@pytest.mark.django_db
def test_resolved_claims_and_the_articles_own_are_not_offered() -> None:
    claim = _tracked()
    kwargs = {
        "claimant": claim.claimant,
        "statement": "Trump and Putin will meet in Budapest",
        "earliest_date": None,
        "due_date": None,
    }
    assert intake.matching_claims(**kwargs, exclude_article=claim.article) == []
    Claim.objects.filter(pk=claim.pk).update(status="fulfilled", resolved_at=claim.created_at)
    assert intake.matching_claims(**kwargs) == []


@pytest.mark.services
@pytest.mark.django_db
def test_matching_on_postgresql_uses_the_trigram_index() -> None:
    assert connection.vendor == "postgresql"
    claim = _tracked()
    assert intake._has_trigram()
    found = intake.matching_claims(
        claimant=claim.claimant,
        statement="Trump and Putin will meet in Budapest, Hungary",
        earliest_date=None,
        due_date=dt.date(2025, 10, 31),
    )
    assert found == [claim]
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'claim_statement_trgm'")
        assert "gin_trgm_ops" in cursor.fetchone()[0]
        cursor.execute("SET enable_seqscan = off")
        sql, params = (
            Claim.objects.filter(statement__trigram_similar="Putin will meet in Budapest")
            .values("pk")
            .query.sql_with_params()
        )
        cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "claim_statement_trgm" in plan


def test_adding_a_source_records_it_once_with_an_event(seed_article: Article, editor) -> None:
    claim = _tracked()
    intake.suggest_for_article(seed_article)
    budapest = _budapest(seed_article)
    source = intake.add_source(
        claim=claim,
        article=seed_article,
        by=editor,
        quote=budapest.quote,
        quote_start=budapest.quote_start,
        quote_end=budapest.quote_end,
        suggestion=budapest,
    )
    assert (source.quote_start, source.quote_end) == (budapest.quote_start, budapest.quote_end)
    event = claim.events.get(kind=EventKind.EDITED)
    assert event.data["source_added"]["article"] == seed_article.pk
    assert event.actor == editor
    budapest.refresh_from_db()
    assert (budapest.status, budapest.claim) == (SuggestionStatus.SOURCED, claim)
    # Again: nothing new, and the passage is not suggested again.
    assert intake.add_source(claim=claim, article=seed_article, by=editor) == source
    assert ClaimSource.objects.count() == 1
    assert claim.events.filter(kind=EventKind.EDITED).count() == 1
    intake.suggest_for_article(seed_article)
    assert not Suggestion.objects.filter(
        status=SuggestionStatus.PENDING,
        quote_start__lt=budapest.quote_end,
        quote_end__gt=budapest.quote_start,
    ).exists()
    assert [s.article for s in intake.sources_of(claim)] == [seed_article]


@pytest.mark.django_db
def test_a_claims_own_article_is_not_another_source(editor) -> None:
    claim = _tracked()
    with pytest.raises(ValidationError):
        intake.add_source(claim=claim, article=claim.article, by=editor)


# --- Queued on commit ----------------------------------------------------------------------


def test_an_import_queues_one_task_per_chunk(
    db, tmp_path, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from articles import importing

    monkeypatch.setattr(importing, "CHUNK_SIZE", 2)
    for n in range(5):
        (tmp_path / f"{n}.txt").write_text(
            f"date 2025-10-17 Dek {n}\n\nThe mayor said the bridge {n} will open next week.\n"
        )
    queued: list[list[int]] = []
    monkeypatch.setattr(tasks, "queue_suggestions", lambda ids: queued.append(ids) or True)
    with django_capture_on_commit_callbacks(execute=True):
        summary = import_paths([tmp_path])
    assert len(summary.imported) == 5
    assert [len(ids) for ids in queued] == [2, 2, 1]
    assert sorted(pk for ids in queued for pk in ids) == sorted(
        Article.objects.values_list("pk", flat=True)
    )
    # A rerun saves nothing, so queues nothing.
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        import_paths([tmp_path])
    assert queued == []


def test_nothing_is_queued_before_the_commit(
    db, tmp_path, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    (tmp_path / "a.txt").write_text(
        "date 2025-10-17 Dek\n\nThe mayor said the bridge will open next week.\n"
    )
    queued: list[list[int]] = []
    monkeypatch.setattr(tasks, "queue_suggestions", lambda ids: queued.append(ids) or True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_paths([tmp_path])
    assert queued == []
    for callback in callbacks:
        callback()
    assert len(queued) == 1


def test_the_task_stores_suggestions_for_its_articles(seed_article: Article) -> None:
    assert tasks.suggest_claims.run([seed_article.pk, 999999]) == 1
    assert Suggestion.objects.filter(article=seed_article).count() >= 4


def test_a_broker_away_does_not_fail_the_import(db, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("broker away")

    monkeypatch.setattr(tasks.suggest_claims, "apply_async", refuse)
    assert tasks.queue_suggestions([1, 2]) is False


def test_an_article_pasted_in_the_form_is_queued_on_commit(
    as_editor, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    queued: list[list[int]] = []
    monkeypatch.setattr(tasks, "queue_suggestions", lambda ids: queued.append(ids) or True)
    with django_capture_on_commit_callbacks(execute=True):
        as_editor.post(
            "/articles/new/",
            {
                "paste-title": "Pasted",
                "paste-published_date": "2025-10-17",
                "paste-language": "en",
                "paste-body": "The mayor said the bridge will open next week.",
            },
        )
    assert queued == [[Article.objects.get().pk]]
