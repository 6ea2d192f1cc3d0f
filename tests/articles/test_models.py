import datetime as dt
import importlib

import pytest
from django.db import IntegrityError, transaction

from articles.models import Article
from articles.search import SEARCH_INDEX
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_it_refuses_two_articles_with_the_same_url() -> None:
    ArticleFactory(url="https://news.example/a")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(url="https://news.example/a")


def test_many_articles_may_have_no_url() -> None:
    ArticleFactory(url="")
    ArticleFactory(url="")
    assert Article.objects.filter(url="").count() == 2


def test_it_refuses_the_same_content_twice() -> None:
    ArticleFactory(body="Same words.", published_date=dt.date(2025, 10, 17))
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(body="Same words.", published_date=dt.date(2025, 10, 17), title="Other")


def test_it_refuses_an_empty_body() -> None:
    article = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(body="")


def test_the_content_hash_ignores_the_title_and_white_space() -> None:
    one = ArticleFactory.build(title="One", body="Words  here.\n\nMore.")
    two = ArticleFactory.build(title="Two", body="Words here.\r\n\r\nMore.  ")
    assert one.compute_content_hash() == two.compute_content_hash()


def test_the_search_index_migration_indexes_the_expression_search_queries() -> None:
    # The migration keeps its own copy of the index (it must not change with the code); the
    # planner only uses it while the search queries the very same expression.
    migration = importlib.import_module("articles.migrations.0002_article_search_index")
    assert migration.SEARCH_INDEX.deconstruct() == SEARCH_INDEX.deconstruct()
