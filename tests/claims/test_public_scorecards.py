"""Public scorecards (claims.public_scorecards): only published claims count."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from claims import scorecards, services
from claims.models import ClaimStatus, ReasonCode
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    OutletFactory,
    PersonFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_on(settings) -> None:
    settings.PUBLIC_PAGES = True


def _resolved(editor, person, status, *, publish: bool, **kwargs):
    claim = ClaimFactory(claimant=person, due_date=dt.date(2026, 1, 10), **kwargs)
    if status != ClaimStatus.OPEN:
        claim = services.resolve_claim(
            claim=claim,
            by=editor,
            version=claim.version,
            status=status,
            reason_code=ReasonCode.CANCELLED if status == ClaimStatus.NOT_FULFILLED else "",
            outcome_date=dt.date(2026, 1, 5),
            note="internal",
        )
    if publish:
        claim = services.publish_claim(claim=claim, by=editor, version=claim.version)
    return claim


def test_only_published_claims_are_counted(editor) -> None:
    person = PersonFactory(name="Ada Mayor")
    shown = _resolved(editor, person, ClaimStatus.FULFILLED, publish=True)
    _resolved(editor, person, ClaimStatus.FULFILLED, publish=True, statement="Second FOO")
    hidden = _resolved(
        editor, person, ClaimStatus.NOT_FULFILLED, publish=False, statement="Hidden BAR"
    )
    withdrawn = _resolved(editor, person, ClaimStatus.OPEN, publish=True)
    services.resolve_claim(
        claim=withdrawn, by=editor, version=withdrawn.version, status=ClaimStatus.WITHDRAWN
    )
    anonymous = Client()

    response = anonymous.get(reverse("public:claimant_card", args=[person.pk]))
    assert response.status_code == 200
    card = response.context["card"]
    assert card.counts["all"] == 2
    assert card.counts["fulfilled"] == 2
    assert card.counts["not_fulfilled"] == 0
    assert response.context["came_true_percent"] == 100

    index = anonymous.get(reverse("public:scorecards"))
    assert [(p.pk, p.tracked) for p in index.context["rows"]] == [(person.pk, 2)]

    listed = anonymous.get(
        reverse("public:scorecard_claims") + f"?count=all&claimant={person.pk}"
    ).content.decode()
    assert reverse("public:claim", args=[shown.pk]) in listed
    assert "Second FOO" in listed
    assert "Hidden BAR" not in listed
    assert f'href="{reverse("claims:detail", args=[shown.pk])}"' not in listed
    # The outlet's card of the unpublished claim alone does not exist for the public.
    assert (
        anonymous.get(reverse("public:outlet_card", args=[hidden.article.outlet_id])).status_code
        == 404
    )
    # The staff card still counts everything.

    staff_card = scorecards.claimant_card(person, scorecards.Filters())
    assert staff_card.counts["all"] == 3


def test_a_claimant_without_published_claims_answers_404(editor) -> None:
    person = PersonFactory()
    _resolved(editor, person, ClaimStatus.FULFILLED, publish=False)
    assert Client().get(reverse("public:claimant_card", args=[person.pk])).status_code == 404


def test_scorecards_answer_404_when_public_pages_are_off(editor, settings) -> None:
    person = PersonFactory()
    claim = _resolved(editor, person, ClaimStatus.FULFILLED, publish=True)
    settings.PUBLIC_PAGES = False
    anonymous = Client()
    for url in (
        reverse("public:scorecards"),
        reverse("public:claimant_card", args=[person.pk]),
        reverse("public:outlet_card", args=[claim.article.outlet_id]),
        reverse("public:scorecard_claims") + "?count=all",
    ):
        assert anonymous.get(url).status_code == 404, url


def test_scorecards_are_cacheable_and_revalidate_with_304(editor) -> None:
    person = PersonFactory()
    claim = _resolved(editor, person, ClaimStatus.FULFILLED, publish=True)
    other = _resolved(editor, person, ClaimStatus.OPEN, publish=True)
    anonymous = Client()
    for url in (
        reverse("public:scorecards"),
        reverse("public:claimant_card", args=[person.pk]),
        reverse("public:outlet_card", args=[claim.article.outlet_id]),
        reverse("public:scorecard_claims") + "?count=fulfilled",
    ):
        response = anonymous.get(url)
        assert "public" in response["Cache-Control"], url
        assert "Cookie" not in response.get("Vary", "")
        etag, modified = response["ETag"], response["Last-Modified"]
        assert anonymous.get(url, headers={"If-None-Match": etag}).status_code == 304, url
        assert anonymous.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    url = reverse("public:claimant_card", args=[person.pk])
    etag = anonymous.get(url)["ETag"]
    # Unpublishing a claim (not the latest changed) makes a new card.
    services.unpublish_claim(claim=other, by=editor, version=other.version)
    assert anonymous.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_a_public_claim_page_links_its_claimants_scorecard(editor) -> None:
    person = PersonFactory()
    claim = _resolved(editor, person, ClaimStatus.FULFILLED, publish=True)
    page = Client().get(reverse("public:claim", args=[claim.pk])).content.decode()
    assert reverse("public:claimant_card", args=[person.pk]) in page
    assert reverse("public:scorecards") in page  # the nav


def test_an_id_past_the_database_integers_answers_404() -> None:
    huge = 10**20
    anonymous = Client()
    for name in ("public:claimant_card", "public:outlet_card", "public:article", "public:claim"):
        assert anonymous.get(reverse(name, args=[huge])).status_code == 404, name


def test_the_outlet_index_ranks_outlets_by_published_claims(editor) -> None:
    person = PersonFactory()
    big = _resolved(editor, person, ClaimStatus.FULFILLED, publish=True)
    outlet = big.article.outlet
    _resolved(editor, person, ClaimStatus.OPEN, publish=True, article=ArticleFactory(outlet=outlet))
    small = _resolved(editor, person, ClaimStatus.OPEN, publish=True)
    hidden = _resolved(editor, PersonFactory(), ClaimStatus.OPEN, publish=False)
    hidden_outlet = hidden.article.outlet
    for _ in range(3):  # more claims than the others, none published
        ClaimFactory(article=ArticleFactory(outlet=hidden_outlet))
    response = Client().get(reverse("public:outlet_scorecards"))
    assert response.status_code == 200
    assert [(r.pk, r.tracked) for r in response.context["rows"]] == [
        (outlet.pk, 2),
        (small.article.outlet_id, 1),
    ]
    page = response.content.decode()
    assert reverse("public:outlet_card", args=[outlet.pk]) in page
    assert hidden_outlet.name not in page
    # The two indexes link each other.
    assert reverse("public:scorecards") in page
    assert (
        reverse("public:outlet_scorecards")
        in Client().get(reverse("public:scorecards")).content.decode()
    )


def test_the_public_filter_form_offers_only_what_published_claims_name(editor) -> None:
    person = PersonFactory(name="Ada Mayor")
    shown_tag, hidden_tag = TagFactory(name="Roads"), TagFactory(name="Secret probe")
    shown = _resolved(editor, person, ClaimStatus.FULFILLED, publish=True)
    shown.tags.add(shown_tag)
    hidden = _resolved(
        editor,
        person,
        ClaimStatus.FULFILLED,
        publish=False,
        article=ArticleFactory(outlet=OutletFactory(name="Unpublished Gazette")),
    )
    hidden.tags.add(hidden_tag)
    anonymous = Client()
    page = anonymous.get(reverse("public:claimant_card", args=[person.pk])).content.decode()
    assert '<form class="filters" method="get"' in page
    assert shown.article.outlet.name in page and "Roads" in page
    assert "Unpublished Gazette" not in page and "Secret probe" not in page
    outlet_page = anonymous.get(
        reverse("public:outlet_card", args=[shown.article.outlet_id])
    ).content.decode()
    assert 'name="claimant"' in outlet_page and "Ada Mayor" in outlet_page

    # The filters live in the URL: the card and the claims behind its counts follow them.
    other = _resolved(editor, person, ClaimStatus.NOT_FULFILLED, publish=True)
    url = reverse("public:claimant_card", args=[person.pk])
    filtered = anonymous.get(url + f"?tag={shown_tag.slug}")
    assert filtered.context["card"].counts["all"] == 1
    assert anonymous.get(url).context["card"].counts["all"] == 2
    html = filtered.content.decode()
    link = re.search(r'href="(/public/scorecards/claims/\?[^"]*count=all[^"]*)"', html)
    assert link is not None and f"tag={shown_tag.slug}" in link.group(1)
    listed = anonymous.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert shown.statement in listed and other.statement not in listed
    assert "Clear filters" in html
