"""Public pages (settings.PUBLIC_PAGES): what anonymous readers see, and what they never do."""

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims import services
from claims.models import ClaimEvent, ClaimStatus, EventKind, ReasonCode
from claims.public import claim_review
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, UserFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(autouse=True)
def _public_on(settings) -> None:
    settings.PUBLIC_PAGES = True
    settings.NEWSROOM_NAME = "The Daily Check"
    settings.NEWSROOM_URL = "https://check.example"
    settings.SITE_URL = "https://claims.example"


@pytest.fixture
def anonymous() -> Client:
    return Client()


def _published_resolved(editor, **kwargs):
    """A claim full of internal detail, resolved and published through the services."""
    assignee = UserFactory(username="secretassignee")
    claim = ClaimFactory(
        statement="The Budapest summit will take place within two weeks",
        article=ArticleFactory(url="https://news.example/summit", title="Summit planned"),
        assignee=assignee,
        snoozed_until=dt.date(2026, 3, 20),
        **kwargs,
    )
    EvidenceFactory(claim=claim, note="Internal evidence note XYZZY", added_by=editor)
    claim = services.snooze_claim(
        claim=claim,
        by=editor,
        version=claim.version,
        until=dt.date(2026, 3, 25),
        reason="Snooze reason PLUGH",
    )
    claim = services.resolve_claim(
        claim=claim,
        by=editor,
        version=claim.version,
        status=ClaimStatus.NOT_FULFILLED,
        reason_code=ReasonCode.CANCELLED,
        outcome_date=dt.date(2026, 3, 1),
        note="Internal resolution note FROBOZZ",
        public_note="The summit was called off on 1 March.",
    )
    return services.publish_claim(claim=claim, by=editor, version=claim.version)


INTERNAL = [
    "secretassignee",
    "XYZZY",
    "PLUGH",
    "FROBOZZ",
    "Snoozed",
    "snooze",
    "Assignee",
    "Timeline",
    "Recorded",
    "Reminder",
    "csrf",
]


def test_every_public_page_shows_no_internal_field(anonymous, editor) -> None:
    claim = _published_resolved(editor)
    editor.username = "editorname"
    editor.save()
    for url in (
        reverse("public:claim", args=[claim.pk]),
        reverse("public:claims"),
        reverse("public:article", args=[claim.article_id]),
        reverse("public:scorecards"),
        reverse("public:outlet_scorecards"),
        reverse("public:claimant_card", args=[claim.claimant_id]),
        reverse("public:claimant_card", args=[claim.claimant_id])
        + "?due_from=2026-01-01&due_to=2026-12-31&type=promise&outlet=1&tag=x",
        reverse("public:outlet_card", args=[claim.article.outlet_id]),
        reverse("public:scorecard_claims") + f"?count=not_fulfilled&claimant={claim.claimant_id}",
        reverse("public:feed_atom"),
    ):
        response = anonymous.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        names = (claim.statement, claim.claimant.name, claim.article.outlet.name)
        assert any(name in page for name in names), url
        for word in [*INTERNAL, editor.username]:
            assert word.lower() not in page.lower(), (url, word)
    page = anonymous.get(reverse("public:claim", args=[claim.pk])).content.decode()
    assert "The summit was called off on 1 March." in page
    assert "https://news.example/follow-up" in page  # the evidence link, not its note


def test_article_page_shows_only_its_published_claims(anonymous, editor) -> None:
    claim = _published_resolved(editor)
    hidden = ClaimFactory(article=claim.article, statement="An unpublished claim QUUX")
    page = anonymous.get(reverse("public:article", args=[claim.article_id])).content.decode()
    assert claim.statement in page
    assert "QUUX" not in page
    assert "QUUX" not in anonymous.get(reverse("public:claims")).content.decode()
    assert anonymous.get(reverse("public:claim", args=[hidden.pk])).status_code == 404


def test_unpublished_claims_and_their_articles_answer_404(anonymous) -> None:
    claim = ClaimFactory()
    assert anonymous.get(reverse("public:claim", args=[claim.pk])).status_code == 404
    assert anonymous.get(reverse("public:article", args=[claim.article_id])).status_code == 404


def test_withdrawn_claims_stay_off_public_pages(anonymous, editor) -> None:
    claim = ClaimFactory()
    claim = services.publish_claim(claim=claim, by=editor, version=claim.version)
    services.resolve_claim(
        claim=claim, by=editor, version=claim.version, status=ClaimStatus.WITHDRAWN
    )
    assert anonymous.get(reverse("public:claim", args=[claim.pk])).status_code == 404


def test_everything_answers_404_when_public_pages_are_off(anonymous, editor, settings) -> None:
    claim = _published_resolved(editor)
    settings.PUBLIC_PAGES = False
    for url in (
        reverse("public:claim", args=[claim.pk]),
        reverse("public:claims"),
        reverse("public:article", args=[claim.article_id]),
        reverse("public:feed_atom"),
        reverse("public:outlet_scorecards"),
    ):
        assert anonymous.get(url).status_code == 404, url
    # ...and the staff pages stay behind the login.
    response = anonymous.get(reverse("claims:detail", args=[claim.pk]))
    assert response.status_code == 302


def test_claim_review_json_ld_is_parsed_from_the_page(anonymous, editor) -> None:
    claim = _published_resolved(editor)
    page = anonymous.get(reverse("public:claim", args=[claim.pk])).content.decode()
    [block] = LD_JSON.findall(page)
    review = json.loads(block)
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.statement
    assert review["url"] == f"https://claims.example/public/claims/{claim.pk}/"
    assert review["datePublished"] == timezone.now().date().isoformat()
    assert review["author"] == {
        "@type": "Organization",
        "name": "The Daily Check",
        "url": "https://check.example",
    }
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Person", "name": claim.claimant.name}
    assert item["appearance"]["url"] == "https://news.example/summit"
    assert item["datePublished"] == claim.article.published_date.isoformat()
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Not fulfilled",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert '<meta property="og:type" content="article">' in page
    assert f'<meta property="og:url" content="{review["url"]}">' in page
    assert 'property="og:title"' in page and 'property="og:description"' in page


def test_open_and_void_claims_rating(editor) -> None:
    claim = ClaimFactory()
    claim = services.publish_claim(claim=claim, by=editor, version=claim.version)
    assert claim_review(claim) is None  # no verdict, no ClaimReview
    claim = services.resolve_claim(
        claim=claim, by=editor, version=claim.version, status=ClaimStatus.VOID
    )
    review = claim_review(claim)
    assert review is not None
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Void"}


def test_a_statement_with_a_closing_script_tag_cannot_break_out(anonymous, editor) -> None:
    claim = _published_resolved(editor)
    evil = 'Peace </script><script>alert("x")</script> & <!-- soon'
    # Straight to the row: statements reach the database from imports and the admin too.
    type(claim).objects.filter(pk=claim.pk).update(statement=evil)
    page = anonymous.get(reverse("public:claim", args=[claim.pk])).content.decode()
    assert "<script>alert" not in page
    [block] = LD_JSON.findall(page)
    assert json.loads(block)["claimReviewed"] == evil
    assert page.count("</script>") == 1


def test_public_pages_are_cacheable_and_revalidate_with_304(anonymous, editor) -> None:
    claim = _published_resolved(editor)
    url = reverse("public:claim", args=[claim.pk])
    response = anonymous.get(url)
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert "Cookie" not in response.get("Vary", "")  # one copy serves every visitor
    etag, modified = response["ETag"], response["Last-Modified"]
    assert anonymous.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert anonymous.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    # A change makes a new page: the old tag no longer matches.
    claim = services.unpublish_claim(claim=claim, by=editor, version=claim.version)
    claim = services.publish_claim(claim=claim, by=editor, version=claim.version)
    assert anonymous.get(url, headers={"If-None-Match": etag}).status_code == 200
    for other in (
        reverse("public:claims"),
        reverse("public:article", args=[claim.article_id]),
        reverse("public:feed_atom"),
    ):
        response = anonymous.get(other)
        assert "public" in response["Cache-Control"]
        again = anonymous.get(other, headers={"If-None-Match": response["ETag"]})
        assert again.status_code == 304
        # A proxy revalidating keeps the page as long again.
        assert again["Cache-Control"] == response["Cache-Control"]
        assert again["ETag"] == response["ETag"]


def test_a_public_page_is_rendered_once_per_state_and_read_in_one_query(
    anonymous, editor, django_assert_num_queries
) -> None:
    claim = _published_resolved(editor)
    for url in (
        reverse("public:claim", args=[claim.pk]),
        reverse("public:claims"),
        reverse("public:claimant_card", args=[claim.claimant_id]),
        reverse("public:feed_atom"),
    ):
        first = anonymous.get(url)
        with django_assert_num_queries(1):  # the state, then the page kept in memory
            again = anonymous.get(url)
        assert again.content == first.content, url
        assert again["ETag"] == first["ETag"] and again["Content-Type"] == first["Content-Type"]
    # A change shows at once: a new state, a new key, a page rendered again.
    url = reverse("public:claim", args=[claim.pk])
    services.add_evidence(
        claim=claim, by=editor, version=claim.version, url="https://news.example/second"
    )
    assert "https://news.example/second" in anonymous.get(url).content.decode()
    card = reverse("public:claimant_card", args=[claim.claimant_id])
    assert "1</span> claims tracked" in anonymous.get(card).content.decode()
    ClaimFactory(claimant=claim.claimant, published_at=timezone.now())
    assert "2</span> claims tracked" in anonymous.get(card).content.decode()


def test_the_public_feed_has_published_resolutions_with_their_public_note(
    anonymous, editor
) -> None:
    claim = _published_resolved(editor)
    unpublished = services.resolve_claim(
        claim=(c := ClaimFactory(statement="Unpublished verdict QUUX")),
        by=editor,
        version=c.version,
        status=ClaimStatus.FULFILLED,
    )
    ClaimFactory(published_at=timezone.now(), statement="Published but open ZORK")
    response = anonymous.get(reverse("public:feed_atom"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.findtext(f"{ATOM}title") == "The Daily Check: resolutions"
    [entry] = root.findall(f"{ATOM}entry")
    assert (
        entry.findtext(f"{ATOM}title") == f"Not fulfilled: {claim.claimant.name}: {claim.statement}"
    )
    assert entry.findtext(f"{ATOM}summary") == "The summit was called off on 1 March."
    link = entry.find(f"{ATOM}link")
    assert (
        link is not None and link.get("href") == f"https://claims.example/public/claims/{claim.pk}/"
    )
    # Addresses from SITE_URL, whatever host the request named: one feed for every name.
    assert "testserver" not in response.content.decode()
    body = response.content.decode()
    assert "QUUX" not in body and "ZORK" not in body and unpublished.statement not in body
    # Linked from every public page; the secret-address feeds are unchanged.
    page = anonymous.get(reverse("public:claims")).content.decode()
    assert f'href="{reverse("public:feed_atom")}"' in page
    settings_off = anonymous.get(reverse("claims:feed_atom", args=["guess"]))
    assert settings_off.status_code == 404


def test_publish_and_unpublish_record_events_and_bump_the_version(editor) -> None:
    claim = ClaimFactory()
    version = claim.version
    claim = services.publish_claim(claim=claim, by=editor, version=version)
    assert claim.published_at is not None and claim.version == version + 1
    claim = services.unpublish_claim(claim=claim, by=editor, version=claim.version)
    assert claim.published_at is None and claim.version == version + 2
    kinds = list(ClaimEvent.objects.filter(claim=claim).order_by("id").values_list("kind", "actor"))
    assert kinds == [(EventKind.PUBLISHED, editor.pk), (EventKind.UNPUBLISHED, editor.pk)]


def test_editors_publish_from_the_claim_page_reviewers_cannot(client, editor, reviewer) -> None:
    claim = ClaimFactory()
    client.force_login(reviewer)
    assert "Publish</button>" not in client.get(claim.get_absolute_url()).content.decode()
    url = reverse("claims:publish", args=[claim.pk])
    assert client.post(url, {"version": claim.version}).status_code == 403
    client.force_login(editor)
    assert "Publish</button>" in client.get(claim.get_absolute_url()).content.decode()
    response = client.post(url, {"version": claim.version})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.published_at is not None
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Unpublish</button>" in page and "published." in page


def test_the_resolve_form_stores_the_public_note(client, editor) -> None:
    claim = ClaimFactory()
    client.force_login(editor)
    response = client.post(
        reverse("claims:resolve", args=[claim.pk]),
        {
            "version": claim.version,
            "status": ClaimStatus.FULFILLED,
            "outcome_date": "2026-03-01",
            "note": "internal",
            "public_note": "It opened on 1 March.",
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.public_note, claim.outcome_note) == ("It opened on 1 March.", "internal")
    response = client.post(
        reverse("claims:resolve", args=[claim.pk]),
        {"version": claim.version, "status": ClaimStatus.FULFILLED, "public_note": "x" * 5001},
    )
    assert response.status_code == 422
    assert "Keep the public note to 5,000 characters" in response.content.decode()


def test_a_dashboard_row_resolution_keeps_the_public_note(client, editor) -> None:
    claim = ClaimFactory(public_note="Written with the first verdict.")
    client.force_login(editor)
    response = client.post(
        reverse("claims:resolve", args=[claim.pk]),
        {
            "version": claim.version,
            "status": ClaimStatus.FULFILLED,
            "from": "dashboard",
            "public_note": "A row has no such field",
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.public_note) == (
        ClaimStatus.FULFILLED,
        "Written with the first verdict.",
    )


def test_a_process_reuses_a_public_pages_state_for_public_state_seconds(
    anonymous, editor, settings, django_assert_num_queries
) -> None:
    from claims import public

    public._states.clear()
    settings.PUBLIC_STATE_SECONDS = 60
    claim = _published_resolved(editor)
    url = reverse("public:claim", args=[claim.pk])
    first = anonymous.get(url)
    with django_assert_num_queries(0):
        again = anonymous.get(url)
        anonymous.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.content == first.content
    # A page that would be a 404 is not kept: a claim published shows at once.
    other = ClaimFactory()
    assert anonymous.get(reverse("public:claim", args=[other.pk])).status_code == 404
    services.publish_claim(claim=other, by=editor, version=other.version)
    assert anonymous.get(reverse("public:claim", args=[other.pk])).status_code == 200
    public._states.clear()
