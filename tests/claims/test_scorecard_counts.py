"""The scorecard counts kept by the services (claims.scorecard_counts) against the claims.

Two oracles: ``rebuild()`` recomputes the tables from the claims (so kept == rebuilt
after any write path means the path kept them), and ``naive_card`` counts a card from
the claim rows in plain Python by the rules of claims.scorecards' docstring.
"""

import contextlib
import datetime as dt
import random
import statistics
import threading
from collections.abc import Iterable

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from articles.models import Article, Outlet
from articles.services import save_article_form
from claims import intake, scorecards, services
from claims.models import (
    Claim,
    ClaimStatus,
    Person,
    ReasonCode,
    ScorecardCount,
    ScorecardPair,
    ScorecardTotal,
    Suggestion,
)
from claims.public import published_claims
from claims.scorecard_counts import COUNT_KEY, rebuild
from claims.scorecards import OUTCOMES, Filters, Month, Scorecard
from tests.claims.sweeping import race
from tests.factories import ArticleFactory, ClaimFactory, OutletFactory, PersonFactory, TagFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 11)  # the tests' fixed clock
DUE = dt.date(2025, 11, 20)


def kept() -> tuple[list[tuple], list[tuple], list[tuple]]:
    counts = sorted(ScorecardCount.objects.values_list(*COUNT_KEY, "n"))
    totals = sorted(ScorecardTotal.objects.values_list("kind", "subject", "published", "n"))
    pairs = sorted(ScorecardPair.objects.values_list("claimant", "outlet", "n"))
    return counts, totals, pairs


def assert_kept_counts_right() -> None:
    """The kept counts are what a rebuild from the claims gives, with no zero rows."""
    before = kept()
    rebuild()
    assert before == kept()
    assert not ScorecardCount.objects.filter(n__lte=0).exists()
    assert not ScorecardTotal.objects.filter(n__lte=0).exists()
    assert not ScorecardPair.objects.filter(n__lte=0).exists()


def naive_card(claims: Iterable[Claim], today: dt.date) -> Scorecard:
    claims = [c for c in claims if c.status != ClaimStatus.WITHDRAWN]
    counts = {"all": len(claims)}
    for status in OUTCOMES:
        counts[str(status)] = sum(c.status == status for c in claims)
    counts["open"] = sum(c.status == ClaimStatus.OPEN for c in claims)
    counts["overdue"] = sum(
        c.status == ClaimStatus.OPEN and c.due_date is not None and c.due_date < today
        for c in claims
    )
    fulfilled = [
        c for c in claims if c.status == ClaimStatus.FULFILLED and c.due_date and c.outcome_date
    ]
    late = [(c.outcome_date - c.due_date).days for c in fulfilled if c.outcome_date > c.due_date]
    counts["late"] = len(late)
    counts["on_time"] = len(fulfilled) - len(late)
    for code in ReasonCode.values:
        counts[f"reason-{code}"] = sum(
            c.status == ClaimStatus.NOT_FULFILLED and c.reason_code == code for c in claims
        )
    months: dict[dt.date, dict[str, int]] = {}
    for c in sorted(claims, key=lambda c: c.due_date or dt.date.min):
        if c.due_date:
            month = months.setdefault(
                c.due_date.replace(day=1),
                {str(s): 0 for s in [*OUTCOMES, ClaimStatus.OPEN]},
            )
            month[c.status] += 1
    return Scorecard(
        counts=counts,
        median_days_late=statistics.median(late) if late else None,
        months=[Month(month=m, counts=c) for m, c in months.items()],
    )


def assert_cards_right(today: dt.date = TODAY) -> None:
    """Every claimant's and outlet's card, all claims and published only, read from the
    kept counts, equals the card counted from the claims in Python."""
    for published in (False, True):
        base = published_claims() if published else None
        claims = list(Claim.objects.select_related("article"))
        if published:
            claims = [c for c in claims if c.published_at is not None]
        for person in Person.objects.all():
            card = scorecards.claimant_card(person, Filters(claimant=person.pk), today, base)
            mine = [c for c in claims if c.claimant_id == person.pk]
            assert card == naive_card(mine, today)
            if not published:  # the filter form's outlets
                tracked_in = {c.article.outlet_id for c in mine if c.status != "withdrawn"}
                assert {pk for pk, _ in scorecards.outlets_of(person)} == tracked_in
        for outlet in Outlet.objects.all():
            card = scorecards.outlet_card(outlet, Filters(outlet=outlet.pk), today, base)
            mine = [c for c in claims if c.article.outlet_id == outlet.pk]
            assert card == naive_card(mine, today)
            if not published:  # the filter form's claimants
                quoted = {c.claimant_id for c in mine if c.status != "withdrawn"}
                assert {pk for pk, _ in scorecards.claimants_of(outlet)} == quoted
        tracked = {
            p.pk: sum(c.claimant_id == p.pk and c.status != "withdrawn" for c in claims)
            for p in Person.objects.all()
        }
        expected = sorted(
            ((p.name, n) for p in Person.objects.all() if (n := tracked[p.pk])),
            key=lambda r: (-r[1], r[0]),
        )
        assert [(p.name, p.tracked) for p in scorecards.ranked_claimants(base)] == expected
    by_outlet = {
        o.pk: Claim.objects.filter(article__outlet=o).exclude(status="withdrawn").count()
        for o in Outlet.objects.all()
    }
    expected = sorted(
        ((o.name, n) for o in Outlet.objects.all() if (n := by_outlet[o.pk])),
        key=lambda r: (-r[1], r[0]),
    )
    assert [(o.name, o.tracked) for o in scorecards.ranked_outlets()] == expected


@pytest.fixture
def article() -> Article:
    return ArticleFactory(outlet=OutletFactory(name="Daily Bugle"))


def log(article: Article, editor, **kwargs: object) -> Claim:
    kwargs.setdefault("claimant", "Ada Minister")
    kwargs.setdefault("due_date", DUE)
    return services.create_claim(article=article, by=editor, statement="It will open", **kwargs)


def test_a_random_sequence_of_changes_keeps_every_card_equal_to_counting_the_claims(
    editor,
) -> None:
    rng = random.Random(12)
    outlets = ["Daily Bugle", "Morning Star", "Evening Post"]
    articles = [
        ArticleFactory(outlet=OutletFactory(name=rng.choice(outlets)), published_date=DUE)
        for _ in range(4)
    ]
    people = ["Ada Minister", "Bo Mayor", "Cy Senator"]

    def a_date(low: dt.date, high: dt.date) -> dt.date:
        return low + dt.timedelta(days=rng.randint(0, (high - low).days))

    def a_claim() -> Claim:  # by the seeded generator, not the database's random()
        return rng.choice(list(Claim.objects.order_by("id")))

    def create() -> None:
        due = rng.choice([None, a_date(DUE, dt.date(2026, 4, 30))])
        log(rng.choice(articles), editor, claimant=rng.choice(people), due_date=due)

    def resolve() -> None:
        claim = a_claim()
        outcomes = [s for s in ClaimStatus.values if s != ClaimStatus.OPEN]
        status = rng.choice([*outcomes, *[ClaimStatus.FULFILLED] * 4])
        reason = rng.choice(ReasonCode.values) if status == ClaimStatus.NOT_FULFILLED else ""
        services.resolve_claim(
            claim=claim,
            by=editor,
            version=claim.version,
            status=status,
            reason_code=reason,
            outcome_date=rng.choice([None, *[a_date(DUE - dt.timedelta(days=30), TODAY)] * 3]),
        )

    def reopen() -> None:
        claim = a_claim()
        services.reopen_claim(claim=claim, by=editor, version=claim.version)

    def edit() -> None:
        claim = a_claim()
        changes = rng.choice(
            [
                {"claimant": rng.choice(people)},
                {"due_date": rng.choice([None, a_date(DUE, dt.date(2026, 4, 30))])},
            ]
        )
        services.edit_claim(claim=claim, by=editor, version=claim.version, **changes)

    def deadline() -> None:
        claim = a_claim()
        services.change_deadline(
            claim=claim,
            by=editor,
            version=claim.version,
            due_date=a_date(DUE, dt.date(2026, 4, 30)),
            reason="postponed",
        )

    def publish() -> None:
        claim = a_claim()
        if claim.published_at is None:
            services.publish_claim(claim=claim, by=editor, version=claim.version)
        else:
            services.unpublish_claim(claim=claim, by=editor, version=claim.version)

    def move_article() -> None:
        save_article_form(article=rng.choice(articles), outlet_name=rng.choice(outlets), by=editor)

    for _ in range(8):
        create()
    actions = [create, resolve, resolve, reopen, edit, deadline, publish, publish, move_article]
    for _ in range(300):
        # Reopening an open claim and the like is refused, and changes nothing.
        with contextlib.suppress(ValidationError):
            rng.choice(actions)()
    # The sequence went through what the cards count.
    assert Claim.objects.count() > 20
    assert Claim.objects.filter(published_at__isnull=False).exists()
    assert Claim.objects.filter(status=ClaimStatus.WITHDRAWN).exists()
    assert (
        Claim.objects.filter(status=ClaimStatus.FULFILLED, outcome_date__lte=F("due_date")).count()
        > 1
    )
    assert (
        Claim.objects.filter(status=ClaimStatus.FULFILLED, outcome_date__gt=F("due_date")).count()
        > 1
    )
    assert_kept_counts_right()
    assert_cards_right()
    # Overdue moves with today, the kept counts with it.
    assert_cards_right(dt.date(2026, 5, 1))


# --- One test per write path: each fails if the path leaves the counts behind. ----------


def test_logging_a_claim_counts_it(article, editor) -> None:
    log(article, editor)
    assert ScorecardTotal.objects.get(kind="claimant", published=False).n == 1
    assert_kept_counts_right()


def test_logging_a_suggestion_counts_the_claim(article, editor) -> None:
    suggestion = Suggestion.objects.create(
        article=article,
        statement="The bridge will open",
        quote="the bridge will open within two weeks",
        quote_start=article.body.index("the bridge"),
        quote_end=article.body.index("the bridge") + len("the bridge will open within two weeks"),
        claimant_name="The minister",
        time_phrase="within two weeks",
        due_date=DUE,
        passage_key="bridge",
    )
    intake.log_suggestion(suggestion=suggestion, by=editor)
    assert ScorecardTotal.objects.filter(kind="outlet").get().n == 1
    assert_kept_counts_right()


def test_changing_the_claimant_moves_the_count(article, editor) -> None:
    claim = log(article, editor)
    services.edit_claim(claim=claim, by=editor, version=claim.version, claimant="Bo Mayor")
    assert_kept_counts_right()
    assert (
        scorecards.claimant_card(Person.objects.get(name="Bo Mayor"), Filters(), TODAY).counts[
            "all"
        ]
        == 1
    )


def test_editing_the_due_date_moves_the_count(article, editor) -> None:
    claim = log(article, editor)
    services.edit_claim(
        claim=claim, by=editor, version=claim.version, due_date=dt.date(2026, 4, 30)
    )
    assert_kept_counts_right()


def test_resolving_and_re_rating_move_the_count(article, editor) -> None:
    claim = log(article, editor)
    services.resolve_claim(
        claim=claim,
        by=editor,
        version=claim.version,
        status="fulfilled",
        outcome_date=DUE + dt.timedelta(days=4),
    )
    assert_kept_counts_right()
    services.resolve_claim(
        claim=claim,
        by=editor,
        version=claim.version,
        status="not_fulfilled",
        reason_code="cancelled",
    )
    assert_kept_counts_right()


def test_reopening_moves_the_count_back_to_open(article, editor) -> None:
    claim = log(article, editor)
    services.resolve_claim(claim=claim, by=editor, version=claim.version, status="void")
    services.reopen_claim(claim=claim, by=editor, version=claim.version)
    assert_kept_counts_right()
    card = scorecards.claimant_card(claim.claimant, Filters(), TODAY)
    assert (card.counts["open"], card.counts["overdue"], card.counts["void"]) == (1, 1, 0)


def test_moving_the_deadline_moves_the_count(article, editor) -> None:
    claim = log(article, editor)
    services.change_deadline(
        claim=claim, by=editor, version=claim.version, due_date=dt.date(2026, 9, 1), reason="later"
    )
    assert_kept_counts_right()
    assert scorecards.claimant_card(claim.claimant, Filters(), TODAY).counts["overdue"] == 0


def test_withdrawing_takes_the_claim_out_and_leaves_no_zero_rows(article, editor) -> None:
    claim = log(article, editor)
    services.resolve_claim(claim=claim, by=editor, version=claim.version, status="withdrawn")
    assert_kept_counts_right()
    assert not ScorecardCount.objects.exists()
    assert not ScorecardTotal.objects.exists()
    assert not ScorecardPair.objects.exists()


def test_publishing_and_unpublishing_move_the_count(article, editor) -> None:
    claim = log(article, editor)
    services.publish_claim(claim=claim, by=editor, version=claim.version)
    assert_kept_counts_right()
    assert [p.tracked for p in scorecards.ranked_claimants(published_claims())] == [1]
    services.unpublish_claim(claim=claim, by=editor, version=claim.version)
    assert_kept_counts_right()
    assert scorecards.ranked_claimants(published_claims()) == []


def test_an_articles_new_outlet_takes_its_claims_counts(article, editor) -> None:
    log(article, editor)
    log(article, editor, claimant="Bo Mayor")
    save_article_form(article=article, outlet_name="Morning Star", by=editor)
    assert_kept_counts_right()
    assert [(o.name, o.tracked) for o in scorecards.ranked_outlets()] == [("Morning Star", 2)]


def test_a_claim_saved_as_an_instance_as_the_admin_does_is_counted(article, editor) -> None:
    claim = log(article, editor)
    claim.status = ClaimStatus.FULFILLED
    claim.resolved_at = timezone.now()
    claim.outcome_date = DUE
    claim.article = ArticleFactory(outlet=OutletFactory(name="Evening Post"))
    claim.save()
    assert_kept_counts_right()


def test_a_deleted_claim_is_no_longer_counted() -> None:
    claim = ClaimFactory()
    ClaimFactory(claimant=claim.claimant)
    claim.delete()
    assert_kept_counts_right()
    assert ScorecardTotal.objects.get(kind="claimant").n == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_changes_of_one_claimants_claims_lose_no_count(editor) -> None:
    article = ArticleFactory(outlet=OutletFactory(name="Daily Bugle"))
    claims = [log(article, editor) for _ in range(6)]
    claims += [log(ArticleFactory(outlet=article.outlet), editor) for _ in range(2)]
    queue = iter(claims[:6])
    lock = threading.Lock()

    def change() -> None:
        with lock:
            claim = next(queue, None)
        if claim is None:  # the last thread moves the article the claims are in
            save_article_form(article=article, outlet_name="Morning Star", by=editor)
            return
        services.resolve_claim(
            claim=claim, by=editor, version=claim.version, status="fulfilled", outcome_date=DUE
        )

    race(7, change)
    assert_kept_counts_right()
    card = scorecards.claimant_card(claims[0].claimant, Filters(), TODAY)
    assert (card.counts["fulfilled"], card.counts["open"]) == (6, 2)
    assert [(o.name, o.tracked) for o in scorecards.ranked_outlets()] == [
        ("Morning Star", 6),
        ("Daily Bugle", 2),
    ]


def test_adding_evidence_changes_no_count(article, editor) -> None:
    claim = log(article, editor)
    before = kept()
    services.add_evidence(claim=claim, by=editor, version=claim.version, note="Seen")
    assert kept() == before


# --- Reading ----------------------------------------------------------------------------


def test_the_rebuild_command_recomputes_counts_written_past_the_services(
    article, editor, capsys
) -> None:
    claim = log(article, editor)
    Claim.objects.filter(pk=claim.pk).update(status="void", resolved_at=timezone.now())
    call_command("rebuild_scorecard_counts")
    assert "counts" in capsys.readouterr().out
    assert scorecards.claimant_card(claim.claimant, Filters(), TODAY).counts["void"] == 1


def test_filtered_cards_are_counted_live_and_agree_with_the_kept_ones() -> None:
    person = PersonFactory(name="Ada Minister")
    tag = TagFactory(slug="bridges")
    on_tag = ClaimFactory(claimant=person, due_date=dt.date(2026, 1, 15))
    on_tag.tags.add(tag)
    ClaimFactory(claimant=person, due_date=dt.date(2026, 1, 31))
    ClaimFactory(claimant=person, due_date=dt.date(2026, 2, 1))
    ClaimFactory(
        claimant=person,
        status="fulfilled",
        due_date=dt.date(2026, 1, 2),
        outcome_date=dt.date(2026, 1, 9),
        resolved_at=timezone.now(),
    )
    ClaimFactory(claimant=person, due_date=None)
    claims = list(Claim.objects.all())
    january = [c for c in claims if c.due_date and c.due_date.month == 1]
    cases = [
        (Filters(tag="bridges"), [on_tag]),
        # Whole months: from the kept counts; a day-precise range: live.
        (Filters(due_from=dt.date(2026, 1, 1), due_to=dt.date(2026, 1, 31)), january),
        (
            Filters(due_from=dt.date(2026, 1, 10), due_to=dt.date(2026, 1, 31)),
            [c for c in january if c.due_date >= dt.date(2026, 1, 10)],
        ),
        (
            Filters(due_from=dt.date(2026, 2, 1)),
            [c for c in claims if c.due_date and c.due_date.month == 2],
        ),
        (Filters(outlet=on_tag.article.outlet_id), [on_tag]),
    ]
    for filters, expected in cases:
        assert scorecards.claimant_card(person, filters, TODAY) == naive_card(expected, TODAY)


def test_the_median_days_late_comes_from_the_histogram(article, editor) -> None:
    for days in (3, 3, 10, 20):
        claim = log(article, editor)
        services.resolve_claim(
            claim=claim,
            by=editor,
            version=claim.version,
            status="fulfilled",
            outcome_date=DUE + dt.timedelta(days=days),
        )
    card = scorecards.claimant_card(claim.claimant, Filters(), TODAY)
    assert card.median_days_late == 6.5
    assert (card.counts["late"], card.counts["on_time"]) == (4, 0)


def test_the_migration_fills_the_counts_with_the_keys_the_code_keeps() -> None:
    """Migration 0012 holds a copy of the key SQL (a migration imports no live code): the
    two must not drift apart, or an upgraded database would start with other counts."""
    import importlib

    from claims import scorecard_counts
    from claims.models import UNTIMED

    migration = importlib.import_module("claims.migrations.0012_scorecard_counts")
    assert migration.KEY_SQL == scorecard_counts._KEY_SQL
    assert migration.UNTIMED == UNTIMED
