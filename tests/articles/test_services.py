import datetime as dt
import threading
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connections, transaction

from articles import services
from articles.models import Article, Outlet
from articles.parsing import ParsedArticle
from articles.services import (
    DuplicateArticle,
    find_duplicate,
    find_or_create_outlet,
    save_article,
    save_article_form,
)
from tests.factories import ArticleFactory, OutletFactory

pytestmark = pytest.mark.django_db


def parsed_article(**overrides: object) -> ParsedArticle:
    values: dict = {
        "title": "Bridge to open",
        "dek": "A dek",
        "body": "The minister said the bridge will open within two weeks.",
        "published_date": dt.date(2025, 10, 17),
    }
    return ParsedArticle(**(values | overrides))


def test_save_article_creates_then_finds_the_same_text() -> None:
    first, created = save_article(parsed_article())
    again, created_again = save_article(parsed_article())

    assert created is True
    assert created_again is False
    assert again.pk == first.pk
    assert Article.objects.count() == 1


def test_reimporting_the_same_text_keeps_an_editors_title() -> None:
    article, _ = save_article(parsed_article())
    article.title = "Edited by an editor"
    article.save()

    save_article(parsed_article(title="Bridge to open"))

    assert Article.objects.get().title == "Edited by an editor"


def test_new_text_at_a_known_url_updates_that_article(editor: object) -> None:
    url = "https://news.example/bridge"
    article, _ = save_article(parsed_article(url=url), created_by=editor)

    updated, created = save_article(parsed_article(url=url, body="The bridge opened today."))

    assert created is False
    assert updated.pk == article.pk
    article.refresh_from_db()
    assert article.body == "The bridge opened today."
    assert article.content_hash == article.compute_content_hash()
    assert article.created_by == editor
    assert Article.objects.count() == 1


def test_the_same_text_under_another_url_is_not_imported_twice() -> None:
    save_article(parsed_article(url="https://news.example/a"))

    article, created = save_article(parsed_article(url="https://mirror.example/a"))

    assert created is False
    assert article.url == "https://news.example/a"


def test_outlets_are_matched_by_name_and_created_once_with_their_domain() -> None:
    first, _ = save_article(
        parsed_article(outlet_name="The Daily Ledger", url="https://www.ledger.example/a")
    )
    second, _ = save_article(parsed_article(outlet_name="the daily ledger", body="Other text."))

    assert first.outlet == second.outlet
    assert Outlet.objects.get().domain == "ledger.example"


# --- Outlets ----------------------------------------------------------------------------


def test_an_outlet_is_found_by_name_in_any_case_and_spacing() -> None:
    ledger = OutletFactory(name="The Daily Ledger")

    assert find_or_create_outlet("  the   DAILY ledger ") == ledger
    assert find_or_create_outlet("   ") is None
    assert Outlet.objects.count() == 1


def test_a_new_outlet_gets_the_domain_of_the_articles_url() -> None:
    outlet = find_or_create_outlet("The Ledger", url="https://www.ledger.example/world/a")

    assert outlet is not None and outlet.domain == "ledger.example"


def test_a_domain_another_outlet_has_is_left_blank() -> None:
    OutletFactory(name="Ledger", domain="ledger.example")

    outlet = find_or_create_outlet("Ledger Weekend", url="https://ledger.example/a")

    assert outlet is not None and outlet.domain == ""


def racing(monkeypatch: pytest.MonkeyPatch, **other: str) -> None:
    """Another request saves the outlet `other` just before the savepoint that creates ours."""
    real_atomic = transaction.atomic
    calls: list[str] = []

    def atomic(*args: Any, **kwargs: Any) -> Any:
        if not calls:
            calls.append("raced")
            Outlet.objects.create(**other)
        return real_atomic(*args, **kwargs)

    monkeypatch.setattr(services, "transaction", SimpleNamespace(atomic=atomic))


def test_two_saves_of_the_same_new_outlet_at_once_share_one_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    racing(monkeypatch, name="The Ledger")

    with transaction.atomic():
        outlet = find_or_create_outlet("The Ledger", url="https://ledger.example/a")
        # The lost race rolled back to its savepoint: the transaction goes on.
        assert Outlet.objects.count() == 1

    assert outlet == Outlet.objects.get(name="The Ledger")


def test_an_outlet_whose_domain_was_taken_meanwhile_is_created_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    racing(monkeypatch, name="Ledger Weekend", domain="ledger.example")

    outlet = find_or_create_outlet("The Ledger", url="https://ledger.example/a")

    assert outlet is not None and (outlet.name, outlet.domain) == ("The Ledger", "")


# --- Duplicates and the article form ----------------------------------------------------


def test_a_duplicate_is_found_by_url_first_then_by_text() -> None:
    at_url = ArticleFactory(url="https://news.example/a")
    same_text = ArticleFactory()

    assert find_duplicate(content_hash=same_text.content_hash, url=at_url.url) == at_url
    assert find_duplicate(content_hash=same_text.content_hash) == same_text
    assert find_duplicate(content_hash=same_text.content_hash, exclude=same_text) is None


def test_the_form_refuses_text_already_stored_and_writes_nothing(editor: object) -> None:
    stored = ArticleFactory()
    copy = Article(title="Copy", body=stored.body, published_date=stored.published_date)

    with pytest.raises(DuplicateArticle) as refused:
        save_article_form(article=copy, outlet_name="New Outlet", by=editor)

    assert refused.value.duplicate == stored
    assert Article.objects.count() == 1
    assert not Outlet.objects.filter(name="New Outlet").exists()


def test_the_form_saves_pasted_text_with_its_outlet_and_domain(editor: object) -> None:
    article = Article(
        title="Pasted",
        body="Text.",
        published_date=dt.date(2025, 10, 17),
        url="https://www.ledger.example/a",
    )

    saved = save_article_form(article=article, outlet_name="The Ledger", by=editor)

    assert saved.pk is not None and saved.created_by == editor
    assert (saved.source_kind, saved.source) == ("manual", "pasted text")
    assert saved.outlet is not None and saved.outlet.domain == "ledger.example"


def test_the_import_looks_each_outlet_up_once(django_assert_num_queries) -> None:
    outlets: dict[str, Outlet] = {}
    first = services.outlet_of(parsed_article(outlet_name="The Ledger"), outlets=outlets)

    with django_assert_num_queries(0):
        again = services.outlet_of(parsed_article(outlet_name="The Ledger"), outlets=outlets)

    assert again == first


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_requests_saving_the_same_new_outlet_at_once_on_postgresql(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Both requests look the name up and miss before either creates it: the second INSERT
    # waits for the first to commit, fails, and finds the first's row.
    both_looked = threading.Barrier(2, timeout=10)
    real_atomic = transaction.atomic

    def atomic(*args: Any, **kwargs: Any) -> Any:
        both_looked.wait()
        return real_atomic(*args, **kwargs)

    monkeypatch.setattr(services, "transaction", SimpleNamespace(atomic=atomic))
    found: list[Outlet | None] = []

    def save() -> None:
        try:
            found.append(find_or_create_outlet("The Ledger", url="https://ledger.example/a"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(found) == 2 and found[0] == found[1] == Outlet.objects.get()
