import datetime as dt
import io
from pathlib import Path

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from articles import importing, parsing, services
from articles.importing import import_paths
from articles.models import Article, SourceKind
from articles.parsing import (
    ParsedArticle,
)
from tests.articles.samples import SEED, SEED_DEK, seed_text, write
from tests.factories import ArticleFactory


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


@pytest.mark.django_db
def test_a_body_with_a_script_tag_is_stored_as_plain_text_verbatim(tmp_path: Path) -> None:
    body = 'He wrote <script>alert(1)</script> & "quoted" <b>bold</b> text.'
    path = write(tmp_path, "script.txt", f"date 2025-10-17 Markup <i>in</i> dek\n\n{body}\n")

    import_paths([path])

    article = Article.objects.get()
    assert article.body == body
    assert article.dek == "Markup <i>in</i> dek"


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


@pytest.mark.django_db
def test_any_error_reading_one_file_is_that_files_line_and_the_others_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_parse_seed_text = parsing.parse_seed_text

    def parse_seed_text(text: str, **kwargs: str) -> ParsedArticle:
        if "explode" in text:
            raise RuntimeError("a bug nobody foresaw\nwith a second line")
        return real_parse_seed_text(text, **kwargs)

    monkeypatch.setattr(parsing, "parse_seed_text", parse_seed_text)
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
    real_new_article = services.new_article

    def new_article(parsed: ParsedArticle, **kwargs: object) -> Article:
        if parsed.dek == "Two":
            raise ValueError("cannot build this one")
        return real_new_article(parsed, **kwargs)

    monkeypatch.setattr(services, "new_article", new_article)
    write(tmp_path, "1.txt", "date 2025-10-17 One\n\nFirst.")
    write(tmp_path, "2.txt", "date 2025-10-17 Two\n\nSecond.")
    write(tmp_path, "3.txt", "date 2025-10-17 Three\n\nThird.")

    summary = import_paths([tmp_path])

    assert summary.failed == [
        (str(tmp_path / "2.txt"), "could not be imported (ValueError: cannot build this one)")
    ]
    assert sorted(summary.imported) == [str(tmp_path / "1.txt"), str(tmp_path / "3.txt")]
    assert Article.objects.count() == 2
