import datetime as dt
import io
import multiprocessing
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings as SettingsFixture

from articles import extraction, importing
from articles.importing import (
    ArticleImportError,
    ParsedArticle,
    decode_file,
    import_paths,
    parse_bytes,
    parse_file,
    parse_html,
    parse_seed_text,
    save_article,
)
from articles.models import Article, Outlet, SourceKind
from tests.factories import ArticleFactory

SEED = Path(settings.BASE_DIR) / "seeds" / "000_acb50f9ee6de49bb.txt"
SEED_DEK = "The American and Ukrainian presidents will sit down in the Oval Office Friday."

NEWS_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Trump and Zelensky meet at the White House | The Daily Ledger</title>
<meta name="description" content="The two presidents discussed Tomahawk missiles.">
<meta property="og:title" content="Trump and Zelensky meet at the White House">
<meta property="og:site_name" content="The Daily Ledger">
<link rel="canonical" href="https://www.ledger.example/world/trump-zelensky-meet">
<meta property="article:published_time" content="2025-10-18T14:30:00+00:00">
<meta name="author" content="Jane Reporter">
<script>window.dataLayer = [{"page": "article"}]; function track() { return 1; }</script>
<style>body { font-family: serif; }</style>
</head>
<body>
<header><nav><a href="/">Home</a> <a href="/world">World</a>
<a href="/subscribe">Subscribe today for $1</a></nav></header>
<main><article>
<h1>Trump and Zelensky meet at the White House</h1>
<p class="byline">By Jane Reporter</p>
<p>President Trump met President Zelensky in the Oval Office on Friday, a day after a long
phone call with President Putin of Russia.</p>
<p>The two leaders discussed whether the United States would allow Ukraine to use
American-made <em>Tomahawk</em> missiles, which could reach deep into Russian territory.</p>
<p>Mr. Trump said he expected to meet Mr. Putin in Budapest &ldquo;within two weeks&rdquo;,
though the Kremlin had not set a date. Aides typed &lt;script&gt; into the chat.</p>
<p>Officials said a meeting of senior advisers, led by Secretary of State Marco Rubio,
would take place next week.</p>
<script>track();</script>
</article></main>
<aside><h2>Most read</h2><ul><li><a href="/a">Ten things to know</a></li></ul></aside>
<footer><p>&copy; 2025 The Daily Ledger. All rights reserved.</p></footer>
</body>
</html>
"""


def seed_text(number: int = 1, *, day: int = 17) -> str:
    return (
        f"date 2025-10-{day:02d} Dek number {number}.\n\n"
        f"First paragraph of article {number}.\n\nSecond paragraph of article {number}.\n"
    )


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


# --- Seed format ------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_imports_the_seed_article_with_its_date_and_full_body() -> None:
    summary = import_paths([SEED])

    assert summary.imported == [str(SEED)]
    article = Article.objects.get()
    assert article.published_date == dt.date(2025, 10, 17)
    assert article.title == SEED_DEK
    assert article.dek == SEED_DEK
    assert article.body.startswith("Just days after")
    assert article.body.endswith("Mr. Zelensky wrote.")
    assert article.body == SEED.read_text(encoding="utf-8").split("\n\n", 1)[1].strip()
    assert article.source == "000_acb50f9ee6de49bb.txt"
    assert article.source_kind == SourceKind.SEED
    assert article.outlet is None
    assert article.content_hash == article.compute_content_hash()


@pytest.mark.django_db
def test_importing_the_seed_twice_creates_nothing_new_and_writes_nothing() -> None:
    import_paths([SEED])
    before = Article.objects.get()

    with CaptureQueriesContext(connection) as queries:
        summary = import_paths([SEED])

    assert summary.imported == []
    assert summary.unchanged == [str(SEED)]
    assert Article.objects.get().updated_at == before.updated_at
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert [sql for sql in writes if "INSERT" in sql or "UPDATE" in sql] == []


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


@pytest.mark.django_db
def test_a_body_with_a_script_tag_is_stored_as_plain_text_verbatim(tmp_path: Path) -> None:
    body = 'He wrote <script>alert(1)</script> & "quoted" <b>bold</b> text.'
    path = write(tmp_path, "script.txt", f"date 2025-10-17 Markup <i>in</i> dek\n\n{body}\n")

    import_paths([path])

    article = Article.objects.get()
    assert article.body == body
    assert article.dek == "Markup <i>in</i> dek"


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


# --- Saving -----------------------------------------------------------------------------


def parsed_article(**overrides: object) -> ParsedArticle:
    values: dict = {
        "title": "Bridge to open",
        "dek": "A dek",
        "body": "The minister said the bridge will open within two weeks.",
        "published_date": dt.date(2025, 10, 17),
    }
    return ParsedArticle(**(values | overrides))


@pytest.mark.django_db
def test_save_article_creates_then_finds_the_same_text() -> None:
    first, created = save_article(parsed_article())
    again, created_again = save_article(parsed_article())

    assert created is True
    assert created_again is False
    assert again.pk == first.pk
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_reimporting_the_same_text_keeps_an_editors_title() -> None:
    article, _ = save_article(parsed_article())
    article.title = "Edited by an editor"
    article.save()

    save_article(parsed_article(title="Bridge to open"))

    assert Article.objects.get().title == "Edited by an editor"


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_the_same_text_under_another_url_is_not_imported_twice() -> None:
    save_article(parsed_article(url="https://news.example/a"))

    article, created = save_article(parsed_article(url="https://mirror.example/a"))

    assert created is False
    assert article.url == "https://news.example/a"


@pytest.mark.django_db
def test_outlets_are_matched_by_name_and_created_once_with_their_domain() -> None:
    first, _ = save_article(
        parsed_article(outlet_name="The Daily Ledger", url="https://www.ledger.example/a")
    )
    second, _ = save_article(parsed_article(outlet_name="the daily ledger", body="Other text."))

    assert first.outlet == second.outlet
    assert Outlet.objects.get().domain == "ledger.example"


# --- import_paths -----------------------------------------------------------------------


@pytest.mark.django_db
def test_it_imports_folders_recursively_in_order_and_skips_hidden_files(tmp_path: Path) -> None:
    write(tmp_path, "b.txt", seed_text(2))
    write(tmp_path, "a.txt", seed_text(1))
    write(tmp_path, "sub/deeper/c.txt", seed_text(3))
    write(tmp_path, ".hidden.txt", "not an article")
    write(tmp_path, ".git/config", "not an article")

    summary = import_paths([tmp_path])

    assert summary.imported == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "b.txt"),
        str(tmp_path / "sub" / "deeper" / "c.txt"),
    ]
    assert summary.failed == []
    assert Article.objects.count() == 3


@pytest.mark.django_db
def test_good_files_are_imported_and_bad_ones_leave_nothing_behind(tmp_path: Path) -> None:
    good = [write(tmp_path, f"good{n}.txt", seed_text(n, day=n)) for n in (1, 2)]
    write(tmp_path, "impossible.txt", "date 2025-02-30 Dek\n\nBody.")
    missing = tmp_path / "missing.txt"

    summary = import_paths([tmp_path, missing])

    assert summary.imported == [str(path) for path in good]
    assert sorted(summary.failed) == [
        (str(tmp_path / "impossible.txt"), "2025-02-30 is not a real date"),
        (str(missing), "no such file or directory"),
    ]
    assert Article.objects.count() == 2


@pytest.mark.django_db
def test_the_same_article_twice_in_one_run_is_imported_once(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", seed_text(1))
    write(tmp_path, "copy-of-a.txt", seed_text(1))

    summary = import_paths([tmp_path])

    assert summary.imported == [str(tmp_path / "a.txt")]
    assert summary.unchanged == [str(tmp_path / "copy-of-a.txt")]
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_it_works_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "CHUNK_SIZE", 2)
    for n in range(1, 6):
        write(tmp_path, f"{n}.txt", seed_text(n, day=n))
    write(tmp_path, "6.txt", seed_text(1, day=1))
    ArticleFactory(
        body="First paragraph of article 2.\n\nSecond paragraph of article 2.",
        published_date=dt.date(2025, 10, 2),
    )

    summary = import_paths([tmp_path])

    assert len(summary.imported) == 4
    assert summary.unchanged == [str(tmp_path / "2.txt"), str(tmp_path / "6.txt")]
    assert Article.objects.count() == 5


@pytest.mark.django_db
def test_when_a_bulk_insert_fails_each_file_is_saved_on_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in (1, 2, 3):
        write(tmp_path, f"{n}.txt", seed_text(n, day=n))

    def bulk_create_fails(*args: object, **kwargs: object) -> None:
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(Article.objects, "bulk_create", bulk_create_fails)

    summary = import_paths([tmp_path])

    assert len(summary.imported) == 3
    assert Article.objects.count() == 3


@pytest.mark.django_db
def test_it_shows_a_progress_bar_for_many_files_on_a_terminal(tmp_path: Path) -> None:
    for n in range(25):
        write(tmp_path, f"{n:02d}.txt", seed_text(n))

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    import_paths([tmp_path], progress=True, progress_file=terminal)

    assert "25/25" in terminal.getvalue()


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


@pytest.mark.django_db
def test_any_error_reading_one_file_is_that_files_line_and_the_others_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_parse_seed_text = importing.parse_seed_text

    def parse_seed_text(text: str, **kwargs: str) -> ParsedArticle:
        if "explode" in text:
            raise RuntimeError("a bug nobody foresaw\nwith a second line")
        return real_parse_seed_text(text, **kwargs)

    monkeypatch.setattr(importing, "parse_seed_text", parse_seed_text)
    write(tmp_path, "1.txt", "date 2025-10-17 One\n\nFirst.")
    write(tmp_path, "2.txt", "date 2025-10-17 Two\n\nexplode")
    write(tmp_path, "3.txt", "date 2025-10-17 Three\n\nThird.")

    summary = import_paths([tmp_path])

    assert summary.failed == [
        (str(tmp_path / "2.txt"), "could not be imported (RuntimeError: a bug nobody foresaw)")
    ]
    assert sorted(Article.objects.values_list("source", flat=True)) == ["1.txt", "3.txt"]


@pytest.mark.django_db
def test_any_error_saving_one_file_is_that_files_line_and_the_others_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_new_article = importing._new_article

    def new_article(parsed: ParsedArticle, **kwargs: object) -> Article:
        if parsed.dek == "Two":
            raise ValueError("cannot build this one")
        return real_new_article(parsed, **kwargs)

    monkeypatch.setattr(importing, "_new_article", new_article)
    write(tmp_path, "1.txt", "date 2025-10-17 One\n\nFirst.")
    write(tmp_path, "2.txt", "date 2025-10-17 Two\n\nSecond.")
    write(tmp_path, "3.txt", "date 2025-10-17 Three\n\nThird.")

    summary = import_paths([tmp_path])

    assert summary.failed == [
        (str(tmp_path / "2.txt"), "could not be imported (ValueError: cannot build this one)")
    ]
    assert sorted(summary.imported) == [str(tmp_path / "1.txt"), str(tmp_path / "3.txt")]
    assert Article.objects.count() == 2


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
