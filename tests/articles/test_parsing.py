"""Files and texts to parsed articles: no database."""

import datetime as dt
import multiprocessing
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings as SettingsFixture

from articles import extraction
from articles.parsing import (
    ArticleImportError,
    SourceKind,
    decode_file,
    parse_bytes,
    parse_file,
    parse_html,
    parse_seed_text,
)
from tests.articles.samples import NEWS_PAGE, write

# --- Seed format ------------------------------------------------------------------------


def test_it_tolerates_white_space_and_blank_lines_before_the_date_line() -> None:
    parsed = parse_seed_text("\n  \n   date 2025-10-17 A dek.\n\nThe body.", source="x.txt")

    assert parsed.published_date == dt.date(2025, 10, 17)
    assert parsed.dek == "A dek."
    assert parsed.body == "The body."


def test_it_normalises_crlf_line_endings() -> None:
    parsed = parse_seed_text(
        "date 2025-10-17 A dek.\r\n\r\nFirst paragraph.\r\n\r\nSecond paragraph.\r\n",
        source="crlf.txt",
    )

    assert parsed.body == "First paragraph.\n\nSecond paragraph."


def test_it_keeps_the_body_verbatim_apart_from_surrounding_white_space() -> None:
    body = "  Indented line\nwith a  double space.\n\n\n\nAfter three blank lines.  "

    parsed = parse_seed_text(f"date 2025-10-17 Dek\n\n\n{body}\n\n", source="x.txt")

    assert parsed.body == body.strip()


def test_the_title_is_the_dek_cut_at_a_word_boundary() -> None:
    dek = " ".join(["prediction"] * 100)  # 1,099 characters

    parsed = parse_seed_text(f"date 2025-10-17 {dek}\n\nBody.", source="long.txt")

    assert len(parsed.title) <= 500
    assert parsed.title.endswith("prediction…")
    assert parsed.dek == dek


def test_a_given_title_wins_over_the_dek() -> None:
    parsed = parse_seed_text("date 2025-10-17 The dek\n\nBody.", title="A better title")

    assert parsed.title == "A better title"
    assert parsed.dek == "The dek"


def test_without_a_dek_the_title_comes_from_the_first_paragraph() -> None:
    parsed = parse_seed_text("date 2025-10-17\n\nThe first paragraph.\n\nThe second.")

    assert parsed.title == "The first paragraph."
    assert parsed.dek == ""


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "Just a body.\n\nMore body.",
            'no date line: the first line must be "date YYYY-MM-DD <dek>", not "Just a body."',
        ),
        ("date\n\nBody.", 'the date line has no date: expected "date YYYY-MM-DD <dek>"'),
        ("date 17/10/2025 Dek\n\nBody.", 'malformed date "17/10/2025": expected YYYY-MM-DD'),
        ("date 2025-02-30 Dek\n\nBody.", "2025-02-30 is not a real date"),
        ("date 2025-13-01 Dek\n\nBody.", "2025-13-01 is not a real date"),
        ("date 2025-10-17 Dek\nBody at once.", "missing blank line after the date line"),
        ("date 2025-10-17 Dek\n\n  \n\t\n", "empty body: nothing after the date line"),
        ("date 2025-10-17 Dek", "empty body: nothing after the date line"),
        (" \n\n", "empty file"),
    ],
)
def test_it_refuses_broken_seed_text_with_a_precise_reason(text: str, reason: str) -> None:
    with pytest.raises(ArticleImportError) as error:
        parse_seed_text(text, source="bad.txt")

    assert str(error.value) == reason


def test_it_refuses_a_body_over_the_limit(settings: SettingsFixture) -> None:
    settings.ARTICLE_MAX_BODY_CHARS = 1_000

    with pytest.raises(ArticleImportError) as error:
        parse_seed_text("date 2025-10-17 Dek\n\n" + "x" * 1_500)

    assert str(error.value) == "body is 1,500 characters; the limit is 1,000"


# --- Decoding ---------------------------------------------------------------------------


def test_it_strips_a_utf8_byte_order_mark() -> None:
    assert decode_file(b"\xef\xbb\xbfdate 2025-10-17", name="bom.txt") == "date 2025-10-17"


def test_it_names_the_first_byte_that_is_not_utf8() -> None:
    with pytest.raises(ArticleImportError) as error:
        decode_file("date 2025-10-17 Café".encode("latin-1"), name="latin1.txt")

    assert str(error.value) == "not UTF-8 text (invalid byte 0xe9 at position 19)"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01",
        bytes(range(1, 9)) * 100,
        b"PK\x03\x04" + bytes(200),
    ],
)
def test_it_refuses_binary_files(data: bytes) -> None:
    with pytest.raises(ArticleImportError) as error:
        decode_file(data, name="file.txt")

    assert str(error.value) == "binary file, not text"


def test_it_tells_utf16_apart_from_binary() -> None:
    with pytest.raises(ArticleImportError) as error:
        decode_file("date 2025-10-17".encode("utf-16"), name="utf16.txt")

    assert str(error.value) == "not UTF-8 text (UTF-16; save it as UTF-8)"


def test_an_html_page_may_declare_another_charset() -> None:
    page = '<html><head><meta charset="windows-1252"></head><body>café</body></html>'

    assert "café" in decode_file(page.encode("cp1252"), name="page.html")


# --- HTML -------------------------------------------------------------------------------


def test_it_extracts_title_date_authors_outlet_and_plain_text_from_a_news_page() -> None:
    parsed = parse_html(NEWS_PAGE.encode(), source="page.html")

    assert parsed.title == "Trump and Zelensky meet at the White House"
    assert parsed.published_date == dt.date(2025, 10, 18)
    assert parsed.authors == "Jane Reporter"
    assert parsed.outlet_name == "The Daily Ledger"
    assert parsed.url == "https://www.ledger.example/world/trump-zelensky-meet"
    assert parsed.dek == "The two presidents discussed Tomahawk missiles."
    assert parsed.language == "en"
    assert parsed.source == "page.html"
    assert parsed.source_kind == SourceKind.UPLOAD
    paragraphs = parsed.body.split("\n\n")
    assert paragraphs[0] == (
        "President Trump met President Zelensky in the Oval Office on Friday, a day after a "
        "long phone call with President Putin of Russia."
    )
    assert len(paragraphs) == 4
    assert "American-made Tomahawk missiles" in parsed.body
    assert "“within two weeks”" in parsed.body
    # Text that spells a tag stays text; real markup, scripts and boilerplate are gone.
    assert "Aides typed <script> into the chat." in parsed.body
    for unwanted in ("<p", "<em>", "track()", "dataLayer", "Subscribe", "Most read", "rights"):
        assert unwanted not in parsed.body


def test_a_news_page_without_a_publication_date_is_refused() -> None:
    page = NEWS_PAGE.replace(
        '<meta property="article:published_time" content="2025-10-18T14:30:00+00:00">', ""
    )
    assert "2025-10-18" not in page

    with pytest.raises(ArticleImportError) as error:
        parse_html(page.encode(), source="page.html")

    assert str(error.value) == "no publication date found in the page"


def test_a_page_without_article_text_is_refused() -> None:
    page = "<!doctype html><html><head><title>Empty</title></head><body></body></html>"

    with pytest.raises(ArticleImportError) as error:
        parse_html(page.encode(), source="empty.html")

    assert str(error.value) == "no article text found in the page"


def test_an_html_page_in_latin1_without_a_declared_charset_is_refused() -> None:
    page = NEWS_PAGE.replace('<meta charset="utf-8">', "").replace("Zelensky", "Zelenský")

    with pytest.raises(ArticleImportError) as error:
        parse_html(page.encode("latin-1"), source="page.html")

    assert str(error.value).startswith("not UTF-8 text (invalid byte 0xfd at position ")


def test_a_page_that_breaks_the_html_parser_is_one_bad_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("parser exploded\nsecond line")

    # A forked child sees the patched module; the forkserver's children would not.
    monkeypatch.setattr(extraction, "_context", multiprocessing.get_context("fork"))
    monkeypatch.setattr(extraction.trafilatura, "bare_extraction", broken)

    with pytest.raises(ArticleImportError) as error:
        parse_html(NEWS_PAGE.encode(), source="page.html")

    assert str(error.value) == "could not read the page (RuntimeError: parser exploded)"


def test_parse_file_recognises_html_by_content_without_an_extension(tmp_path: Path) -> None:
    path = write(tmp_path, "saved-page", "\n  " + NEWS_PAGE)

    parsed = parse_file(path)

    assert parsed.source_kind == SourceKind.UPLOAD
    assert parsed.source == "saved-page"


def test_parse_bytes_reads_uploaded_content_by_its_name() -> None:
    seed = parse_bytes(b"\xef\xbb\xbfdate 2025-10-17 Dek\r\n\r\nBody.", name="story.txt")
    page = parse_bytes(NEWS_PAGE.encode(), name="story.htm")

    assert (seed.source, seed.source_kind, seed.body) == ("story.txt", SourceKind.SEED, "Body.")
    assert (page.source, page.source_kind) == ("story.htm", SourceKind.UPLOAD)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("bom-only.txt", b"\xef\xbb\xbf\n", "empty file"),
        ("folder", None, "is a directory"),
        ("missing.txt", "missing", "no such file or directory"),
    ],
)
def test_parse_file_refuses_files_it_cannot_read(
    tmp_path: Path, name: str, content: bytes | str | None, reason: str
) -> None:
    path = tmp_path / name
    if content is None:
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)

    with pytest.raises(ArticleImportError) as error:
        parse_file(path)

    assert str(error.value) == reason


@pytest.mark.parametrize(
    "charset",
    ["rot13", "base64", "zlib", "hex", "undefined", "utf-7", "unicode_escape", "no-such-codec"],
)
def test_a_page_declaring_a_codec_that_is_no_page_encoding_is_read_as_utf8(
    charset: str,
) -> None:
    page = NEWS_PAGE.replace('<meta charset="utf-8">', f'<meta charset="{charset}">')

    parsed = parse_html(page.encode(), source="page.html")

    assert parsed.title == "Trump and Zelensky meet at the White House"
    assert parsed.published_date == dt.date(2025, 10, 18)


def test_a_non_utf8_page_declaring_a_non_text_codec_is_refused_as_not_utf8() -> None:
    page = NEWS_PAGE.replace('<meta charset="utf-8">', '<meta charset="rot13">')

    with pytest.raises(ArticleImportError) as error:
        parse_html(page.replace("Zelensky", "Zelenský").encode("latin-1"), source="p.html")

    assert str(error.value).startswith("not UTF-8 text (invalid byte 0xfd at position ")


def test_a_page_in_its_declared_charset_is_still_read_in_it() -> None:
    page = NEWS_PAGE.replace('<meta charset="utf-8">', '<meta charset="koi8-r">')
    page = page.replace("Zelensky", "Зеленский")

    parsed = parse_html(page.encode("koi8-r"), source="page.html")

    assert "Зеленский" in parsed.body


def test_a_seed_dek_over_the_limit_is_refused_naming_the_limit() -> None:
    with pytest.raises(ArticleImportError) as error:
        parse_seed_text(f"date 2025-10-17 {'d' * 2001}\n\nThe body.", source="long.txt")

    assert str(error.value) == "the dek on the date line is 2,001 characters; the limit is 2,000"


def test_a_pages_description_is_cut_to_the_dek_limit() -> None:
    description = " ".join(["summary"] * 400)  # 3,199 characters
    page = NEWS_PAGE.replace(
        'content="The two presidents discussed Tomahawk missiles."',
        f'content="{description}"',
    )

    parsed = parse_html(page.encode(), source="page.html")

    assert len(parsed.dek) <= 2000
    assert parsed.dek.startswith("summary summary") and parsed.dek.endswith("…")
