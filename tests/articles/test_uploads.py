"""The upload form's size limit: shown, enforced before reading, and nothing left on disk."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings as SettingsFixture

from articles import parsing
from articles.models import Article
from articles.parsing import ParsedArticle
from tests.articles.test_import_command import NEWS_PAGE

pytestmark = pytest.mark.django_db

SEED = b"date 2025-10-17 The presidents will meet Friday.\n\nThe body of the article.\n"


class CountingInput(io.RawIOBase):
    """A request body that counts what is read of it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:
        count = min(len(buffer), self.size - self.read_bytes)
        buffer[:count] = b"x" * count
        self.read_bytes += count
        return count


def test_the_upload_form_shows_the_size_limit(as_editor, settings: SettingsFixture) -> None:
    settings.ARTICLE_MAX_UPLOAD_BYTES = 5 * 2**20

    html = as_editor.get("/articles/new/").content.decode()

    assert "or a saved HTML page, up to 5 MB." in html


def test_an_upload_over_the_limit_is_refused_naming_the_limit(
    as_editor, settings: SettingsFixture
) -> None:
    settings.ARTICLE_MAX_UPLOAD_BYTES = 2048
    big = SEED + b"More of the body. " * 1000

    response = as_editor.post(
        "/articles/upload/", {"upload-file": SimpleUploadedFile("big.txt", big)}
    )

    assert response.status_code == 413
    assert "big.txt is larger than 2 KB, the largest file accepted." in response.content.decode()
    assert not Article.objects.exists()


def test_an_upload_announced_over_the_limit_is_refused_without_reading_it(
    as_editor, settings: SettingsFixture
) -> None:
    settings.ARTICLE_MAX_UPLOAD_BYTES = 5 * 2**20
    body = CountingInput(50 * 2**20)

    response = as_editor.generic(
        "POST",
        "/articles/upload/",
        content_type="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(body.size),
        **{"wsgi.input": body},
    )

    assert response.status_code == 413
    assert body.read_bytes == 0
    html = response.content.decode()
    assert "The upload is 50 MB; the largest file accepted is 5 MB." in html
    assert not Article.objects.exists()


def test_an_upload_never_lands_in_a_temporary_file(
    as_editor, settings: SettingsFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Django would stream anything past FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file,
    # which a worker killed mid-request leaves behind.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    on_disk_while_parsing: list[list[str]] = []
    real_parse_bytes = parsing.parse_bytes

    def parse_bytes(data: bytes, *, name: str) -> ParsedArticle:
        on_disk_while_parsing.append(sorted(p.name for p in tmp_path.iterdir()))
        return real_parse_bytes(data, name=name)

    monkeypatch.setattr(parsing, "parse_bytes", parse_bytes)
    story = SEED + b"More of the body. " * 100

    response = as_editor.post(
        "/articles/upload/", {"upload-file": SimpleUploadedFile("story.txt", story)}
    )

    assert response.status_code == 302
    assert on_disk_while_parsing == [[]]
    assert Article.objects.get().source == "story.txt"


def test_an_upload_is_still_checked_for_csrf(editor) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    response = client.post(
        "/articles/upload/", {"upload-file": SimpleUploadedFile("story.txt", SEED)}
    )

    assert response.status_code == 403
    assert not Article.objects.exists()


def test_an_upload_with_its_csrf_token_is_imported(editor) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    token = client.get("/articles/new/").context["csrf_token"]

    response = client.post(
        "/articles/upload/",
        {"csrfmiddlewaretoken": token, "upload-file": SimpleUploadedFile("story.txt", SEED)},
    )

    assert response.status_code == 302
    assert Article.objects.get().source == "story.txt"


@pytest.mark.parametrize("charset", ["rot13", "base64", "zlib", "undefined"])
def test_an_uploaded_page_declaring_a_non_text_codec_is_imported(as_editor, charset: str) -> None:
    page = NEWS_PAGE.replace("<head>", f'<head>\n<meta charset="{charset}">').encode()

    response = as_editor.post(
        "/articles/upload/", {"upload-file": SimpleUploadedFile("page.html", page)}
    )

    assert response.status_code == 302
    assert Article.objects.get().title == "Budapest summit planned"


def test_an_uploaded_page_too_complex_to_extract_is_refused_in_one_line(as_editor) -> None:
    page = "<!DOCTYPE html><html><body><p>" + "<b>x</b> " * 75_000 + "</p></body></html>"

    response = as_editor.post(
        "/articles/upload/",
        {"upload-file": SimpleUploadedFile("tags.html", page.encode())},
    )

    assert response.status_code == 422
    assert "tags.html: too complex to extract: 75,00" in response.content.decode()
    assert not Article.objects.exists()
