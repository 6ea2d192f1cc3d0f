import os
import subprocess
import sys

import pytest

from claims.article_page import quote_mark
from claims.quotes import find_quote
from tests.factories import ArticleFactory, ClaimFactory

BODY = "They will meet in Budapest. They will meet in Budapest soon."


def test_a_span_is_trusted_while_the_text_there_is_the_quote() -> None:
    second = BODY.rindex("They will meet")
    assert find_quote(BODY, "They will meet", second, second + 14) == (second, second + 14)


def test_a_stale_span_falls_back_to_the_first_occurrence() -> None:
    assert find_quote(BODY, "They will meet", 3, 17) == (0, 14)
    assert find_quote(BODY, "in Budapest.\n") == (15, 27)
    assert find_quote(BODY, "in Vienna") is None
    assert find_quote(BODY, "") is None


@pytest.mark.django_db
def test_the_article_page_finds_the_quote_again_after_the_article_is_edited() -> None:
    article = ArticleFactory(body=BODY)
    quote = "meet in Budapest soon"
    claim = ClaimFactory(article=article, quote=quote, quote_start=38, quote_end=38 + len(quote))
    article.body = "Edited: " + BODY
    mark = quote_mark(claim)
    assert mark is not None
    assert (mark.start, mark.end) == (46, 46 + len(claim.quote))
    article.body = "Rewritten entirely."
    assert quote_mark(claim) is None


@pytest.mark.slow
def test_starting_the_apps_loads_neither_the_views_nor_the_time_phrase_rules() -> None:
    code = (
        "import sys, django; django.setup(); "
        "print(sorted(m for m in ('claims.views', 'claims.timephrases') if m in sys.modules))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
