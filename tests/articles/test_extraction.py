"""Saved pages that stall or swamp the HTML extractor: one bad file each, never a dead worker.

The pathological pages are generated here, after the ones that killed workers in production.
"""

import resource
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings as SettingsFixture

from articles.models import Article
from articles.parsing import ArticleImportError, parse_bytes, parse_html
from tests.articles.test_import_command import NEWS_PAGE, run_failing

HEAD = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Pathological</title>'
    '<meta property="article:published_time" content="2025-10-18"></head><body><article>'
)
TAIL = "</article></body></html>"


def inline_tags_page(count: int) -> bytes:
    """One paragraph of ``count`` small inline tags: the issue's 1 MB page has 75,000."""
    return (HEAD + "<p>" + "<b>x</b> " * count + "</p>" + TAIL).encode()


def nested_page(depth: int) -> bytes:
    return (HEAD + "<div>" * depth + "deep" + "</div>" * depth + TAIL).encode()


def paragraphs_page(count: int) -> bytes:
    return (HEAD + "<p>Some words of a paragraph <b>here</b>.</p>\n" * count + TAIL).encode()


def test_a_page_of_75000_inline_tags_is_refused_as_too_complex() -> None:
    page = inline_tags_page(75_000)
    assert len(page) > 600_000

    with pytest.raises(ArticleImportError) as error:
        parse_html(page, source="tags.html")

    assert str(error.value) == ("too complex to extract: 75,008 HTML elements; the limit is 50,000")


def test_a_page_slower_to_extract_than_the_time_limit_is_refused(
    settings: SettingsFixture,
) -> None:
    # 10,000 inline tags in one paragraph are under the element limit, yet take the
    # extractor many seconds.
    settings.ARTICLE_EXTRACT_SECONDS = 1

    with pytest.raises(ArticleImportError) as error:
        parse_html(inline_tags_page(10_000), source="slow.html")

    assert str(error.value) == "too complex to extract: it took longer than 1 s"


def test_a_page_needing_more_memory_than_the_limit_is_refused(
    settings: SettingsFixture,
) -> None:
    settings.ARTICLE_EXTRACT_MEMORY_MB = 32
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    with pytest.raises(ArticleImportError) as error:
        parse_html(paragraphs_page(20_000), source="big.html")

    assert str(error.value) == "too complex to extract: it needed more than 32 MB of memory"
    # The memory went to the child, not to this process.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 32 * 1024


def test_deeply_nested_tags_are_one_bad_file() -> None:
    with pytest.raises(ArticleImportError) as error:
        parse_bytes(nested_page(100_000), name="nested.html")

    assert "\n" not in str(error.value)


def test_an_ordinary_page_is_extracted_after_a_pathological_one(
    settings: SettingsFixture,
) -> None:
    settings.ARTICLE_EXTRACT_SECONDS = 1
    with pytest.raises(ArticleImportError):
        parse_html(inline_tags_page(10_000), source="slow.html")

    parsed = parse_html(NEWS_PAGE.encode(), source="page.html")

    assert parsed.title == "Budapest summit planned"
    assert "within two weeks" in parsed.body


@pytest.mark.django_db
def test_the_import_goes_on_past_a_page_too_complex_to_extract(tmp_path: Path) -> None:
    (tmp_path / "1-good.txt").write_text("date 2025-10-17 One\n\nFirst article.")
    (tmp_path / "2-tags.html").write_bytes(inline_tags_page(75_000))
    (tmp_path / "3-page.html").write_text(NEWS_PAGE)

    error = run_failing(str(tmp_path))

    assert error.stderr.splitlines() == [
        f"{tmp_path / '2-tags.html'}: too complex to extract: 75,008 HTML elements; "
        "the limit is 50,000"
    ]
    assert error.stdout == "Imported 2, unchanged 0, failed 1.\n"
    assert sorted(Article.objects.values_list("source", flat=True)) == [
        "1-good.txt",
        "3-page.html",
    ]
