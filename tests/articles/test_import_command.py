import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command, load_command_class
from pytest_django.fixtures import Settings as SettingsFixture

from articles.models import Article, SourceKind

SEED = Path(settings.BASE_DIR) / "seeds" / "000_acb50f9ee6de49bb.txt"

NEWS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<title>Budapest summit planned | The Daily Ledger</title>
<meta property="og:site_name" content="The Daily Ledger">
<meta property="article:published_time" content="2025-10-18T08:00:00Z">
<meta name="author" content="Jane Reporter">
<script>var ads = "<div>advert</div>";</script>
</head>
<body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Budapest summit planned</h1>
<p>President Trump said he would meet President Putin in Budapest within two weeks, after
a phone call that both sides described as productive.</p>
<p>The White House did not say whether the meeting had been confirmed by the Kremlin, and
officials in Hungary said they had not yet received a request.</p>
<p>Secretary of State Marco Rubio is expected to lead a meeting of advisers next week.</p>
</article>
<footer>&copy; 2025 The Daily Ledger</footer>
</body>
</html>
"""


def run(*args: str) -> tuple[str, str]:
    """Run import_articles; returns (stdout, stderr) and lets CommandError through."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *args, "--no-progress", stdout=stdout, stderr=stderr)
    except CommandError as error:
        error.stdout, error.stderr = stdout.getvalue(), stderr.getvalue()
        raise
    return stdout.getvalue(), stderr.getvalue()


def run_failing(*args: str) -> CommandError:
    with pytest.raises(CommandError) as error:
        run(*args)
    return error.value


@pytest.mark.django_db
def test_it_imports_the_seed_folder_and_reports_the_count() -> None:
    stdout, stderr = run(str(SEED.parent))

    assert stdout == "Imported 1, unchanged 0, failed 0.\n"
    assert stderr == ""
    article = Article.objects.get()
    assert article.published_date == dt.date(2025, 10, 17)
    assert article.source == "000_acb50f9ee6de49bb.txt"
    assert article.source_kind == SourceKind.SEED


@pytest.mark.django_db
def test_a_second_run_changes_nothing_and_says_already_imported() -> None:
    run(str(SEED))
    before = Article.objects.get()

    stdout, stderr = run(str(SEED))

    assert stdout == "Imported 0, unchanged 1 (already imported), failed 0.\n"
    assert stderr == ""
    after = Article.objects.get()
    assert (after.pk, after.updated_at) == (before.pk, before.updated_at)


@pytest.mark.django_db
def test_it_imports_a_saved_html_page_as_plain_text(tmp_path: Path) -> None:
    page = tmp_path / "summit.html"
    page.write_text(NEWS_PAGE, encoding="utf-8")

    stdout, _ = run(str(page))

    assert stdout == "Imported 1, unchanged 0, failed 0.\n"
    article = Article.objects.get()
    assert article.title == "Budapest summit planned"
    assert article.published_date == dt.date(2025, 10, 18)
    assert article.authors == "Jane Reporter"
    assert article.outlet.name == "The Daily Ledger"
    assert article.source == "summit.html"
    assert article.source_kind == SourceKind.UPLOAD
    assert article.body.startswith("President Trump said he would meet President Putin")
    assert article.body.count("\n\n") == 2
    assert "<" not in article.body
    assert "advert" not in article.body
    assert "Home" not in article.body


@pytest.mark.django_db
def test_a_page_whose_text_changed_at_the_same_url_is_updated(tmp_path: Path) -> None:
    page = tmp_path / "summit.html"
    canonical = '<link rel="canonical" href="https://ledger.example/budapest-summit">'
    page.write_text(NEWS_PAGE.replace("</head>", canonical + "</head>"), encoding="utf-8")
    run(str(page))
    page.write_text(
        NEWS_PAGE.replace("</head>", canonical + "</head>").replace("next week", "on Monday"),
        encoding="utf-8",
    )

    stdout, _ = run(str(page))

    assert stdout == "Imported 0, updated 1, unchanged 0, failed 0.\n"
    article = Article.objects.get()
    assert article.url == "https://ledger.example/budapest-summit"
    assert "advisers on Monday." in article.body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "latin1.txt",
            "date 2025-10-17 Café\n\nLe café est fermé.".encode("latin-1"),
            "not UTF-8 text (invalid byte 0xe9 at position 19)",
        ),
        (
            "no-date.txt",
            b"Mr. Trump said.\n\nMore.",
            'no date line: the first line must be "date YYYY-MM-DD <dek>", not "Mr. Trump said."',
        ),
        ("impossible.txt", b"date 2025-02-30 Dek\n\nBody.", "2025-02-30 is not a real date"),
        (
            "malformed.txt",
            b"date 2025-10-1 Dek\n\nBody.",
            'malformed date "2025-10-1": expected YYYY-MM-DD',
        ),
        ("empty-body.txt", b"date 2025-10-17 Dek\n\n\n", "empty body: nothing after the date line"),
        ("no-blank.txt", b"date 2025-10-17 Dek\nBody.", "missing blank line after the date line"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file, not text"),
        ("empty.txt", b"", "empty file"),
        (
            "undated.html",
            NEWS_PAGE.replace(
                '<meta property="article:published_time" content="2025-10-18T08:00:00Z">', ""
            ).encode(),
            "no publication date found in the page",
        ),
    ],
)
def test_a_bad_file_is_reported_with_its_name_and_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    error = run_failing(str(path))

    assert error.stderr == f"{path}: {reason}\n"
    assert error.stdout == "Imported 0, unchanged 0, failed 1.\n"
    assert str(error) == "1 of 1 file could not be imported."
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_a_body_over_the_limit_is_reported(tmp_path: Path, settings: SettingsFixture) -> None:
    settings.ARTICLE_MAX_BODY_CHARS = 10_000
    path = tmp_path / "huge.txt"
    path.write_text("date 2025-10-17 Dek\n\n" + "word " * 3_000, encoding="utf-8")

    error = run_failing(str(path))

    assert error.stderr == f"{path}: body is 14,999 characters; the limit is 10,000\n"
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_path_is_reported(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"

    error = run_failing(str(missing))

    assert error.stderr == f"{missing}: no such file or directory\n"


@pytest.mark.django_db
def test_good_files_are_imported_and_bad_ones_reported_with_a_failing_status(
    tmp_path: Path,
) -> None:
    (tmp_path / "1-good.txt").write_text("date 2025-10-17 One\n\nFirst article.")
    (tmp_path / "2-bad.txt").write_bytes(b"date 2025-02-30 Two\n\nSecond article.")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "3-good.txt").write_text("date 2025-10-18 Three\n\nThird article.")
    (tmp_path / "sub" / "4-bad.txt").write_bytes(
        "date 2025-10-19 Four\n\nVier – ä".encode("cp1252")
    )

    error = run_failing(str(tmp_path), str(SEED))

    assert error.stdout == "Imported 3, unchanged 0, failed 2.\n"
    assert error.stderr.splitlines() == [
        f"{tmp_path / '2-bad.txt'}: 2025-02-30 is not a real date",
        f"{tmp_path / 'sub' / '4-bad.txt'}: not UTF-8 text (invalid byte 0x96 at position 27)",
    ]
    assert str(error) == "2 of 5 files could not be imported."
    assert sorted(Article.objects.values_list("source", flat=True)) == [
        "000_acb50f9ee6de49bb.txt",
        "1-good.txt",
        "3-good.txt",
    ]


@pytest.mark.django_db
def test_the_exit_status_is_non_zero_when_a_file_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"no date")
    command = load_command_class("articles", "import_articles")

    with pytest.raises(SystemExit) as exit_info:
        # As manage.py runs it; the system checks are the project's, not this command's.
        command.run_from_argv(
            ["manage.py", "import_articles", "--no-progress", "--skip-checks", str(bad)]
        )

    assert exit_info.value.code == 1
    stderr = capsys.readouterr().err
    assert f"{bad}: no date line" in stderr
    assert "CommandError: 1 of 1 file could not be imported." in stderr


@pytest.mark.django_db
@pytest.mark.parametrize("charset", ["rot13", "base64", "zlib", "undefined", "nonsense"])
def test_a_page_declaring_a_non_text_codec_does_not_stop_the_batch(
    tmp_path: Path, charset: str
) -> None:
    (tmp_path / "1-good.txt").write_text("date 2025-10-17 One\n\nFirst article.")
    (tmp_path / "2-page.html").write_text(
        NEWS_PAGE.replace("<head>", f'<head>\n<meta charset="{charset}">')
    )
    (tmp_path / "3-bad.html").write_bytes(
        NEWS_PAGE.replace("<head>", f'<head>\n<meta charset="{charset}">')
        .replace("Putin", "Путин")
        .encode("koi8-r")
    )
    (tmp_path / "4-good.txt").write_text("date 2025-10-18 Four\n\nFourth article.")

    error = run_failing(str(tmp_path))

    assert error.stdout == "Imported 3, unchanged 0, failed 1.\n"
    [line] = error.stderr.splitlines()
    assert line.startswith(f"{tmp_path / '3-bad.html'}: not UTF-8 text (invalid byte ")
    assert sorted(Article.objects.values_list("source", flat=True)) == [
        "1-good.txt",
        "2-page.html",
        "4-good.txt",
    ]


@pytest.mark.django_db
def test_a_file_over_the_upload_limit_is_refused_with_the_limit(
    tmp_path: Path, settings: SettingsFixture
) -> None:
    settings.ARTICLE_MAX_UPLOAD_BYTES = 2048
    (tmp_path / "1-big.txt").write_text("date 2025-10-17 Big\n\n" + "Words. " * 400)
    (tmp_path / "2-small.txt").write_text("date 2025-10-17 Small\n\nA few words.")

    error = run_failing(str(tmp_path))

    assert error.stderr == f"{tmp_path / '1-big.txt'}: file is 3 KB; the limit is 2 KB\n"
    assert Article.objects.get().source == "2-small.txt"
