"""Articles over the API: the list page's search and filters, keyset pages, a new article
from JSON, and a file through the importer, with the upload form's limits and messages."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from articles.models import Article, SourceKind
from tests.api.conftest import bearer
from tests.factories import ArticleFactory, OutletFactory

pytestmark = pytest.mark.django_db

SEED = b"date 2025-10-17 The presidents will meet Friday.\n\nThe presidents will meet on Friday in the Oval Office.\n"
NEW = {
    "title": "Bridge to open",
    "body": "The minister said the bridge will open within two weeks.",
    "published_date": "2025-10-17",
    "outlet_name": "The Example",
    "url": "https://news.example/bridge",
}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_the_list_is_newest_first_without_the_text(as_reader: Client) -> None:
    old = ArticleFactory(published_date=dt.date(2025, 1, 1))
    new = ArticleFactory(published_date=dt.date(2025, 6, 1))
    response = as_reader.get("/api/v1/articles/")
    assert ids(response) == [new.pk, old.pk]
    item = response.json()["items"][0]
    assert "body" not in item
    assert item["outlet"] == {"id": new.outlet.pk, "name": new.outlet.name}


def test_search_and_filters_are_the_list_pages(as_reader: Client) -> None:
    bugle = OutletFactory(name="Daily Bugle")
    match = ArticleFactory(
        title="Budapest summit", outlet=bugle, published_date=dt.date(2025, 10, 17)
    )
    ArticleFactory(title="Budapest summit", published_date=dt.date(2025, 10, 17))
    ArticleFactory(title="Budapest summit", outlet=bugle, published_date=dt.date(2024, 1, 1))
    ArticleFactory(title="Something else", outlet=bugle, published_date=dt.date(2025, 10, 17))
    query = f"q=budapest&outlet={bugle.pk}&published_from=2025-01-01&published_to=2025-12-31"
    assert ids(as_reader.get(f"/api/v1/articles/?{query}")) == [match.pk]


def test_an_outlet_that_does_not_exist_matches_nothing(as_reader: Client) -> None:
    ArticleFactory()
    assert ids(as_reader.get("/api/v1/articles/?outlet=424242")) == []


def test_pages_follow_the_lists_order_to_the_end(as_reader: Client) -> None:
    made = [ArticleFactory(published_date=dt.date(2025, 1, 1 + n % 3)) for n in range(7)]
    expected = [a.pk for a in sorted(made, key=lambda a: (a.published_date, a.pk), reverse=True)]
    seen, url = [], "/api/v1/articles/?limit=3"
    while url:
        body = as_reader.get(url).json()
        seen += [item["id"] for item in body["items"]]
        url = body["next"]
    assert seen == expected


def test_one_article_has_its_text(as_reader: Client) -> None:
    article = ArticleFactory()
    body = as_reader.get(f"/api/v1/articles/{article.pk}/").json()
    assert body["body"] == article.body and body["title"] == article.title


def test_an_editor_adds_an_article_from_json(as_editor: Client, editor) -> None:
    response = as_editor.post("/api/v1/articles/", NEW, content_type="application/json")
    assert response.status_code == 201, response.content
    article = Article.objects.get()
    assert response.json()["id"] == article.pk
    assert article.outlet.name == "The Example" and article.created_by == editor
    assert article.source_kind == SourceKind.MANUAL


def test_the_forms_checks_are_422_field_errors(as_editor: Client) -> None:
    bad = {**NEW, "url": "not a link", "body": "   "}
    response = as_editor.post("/api/v1/articles/", bad, content_type="application/json")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"url", "body"}
    assert not Article.objects.exists()


def test_the_same_text_twice_is_a_422_naming_the_article(as_editor: Client) -> None:
    as_editor.post("/api/v1/articles/", NEW, content_type="application/json")
    again = {**NEW, "url": "https://news.example/other"}
    response = as_editor.post("/api/v1/articles/", again, content_type="application/json")
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "__all__" and "Bridge to open" in error["message"]
    assert Article.objects.count() == 1


def test_a_nul_character_is_a_422_not_a_database_error(as_editor: Client) -> None:
    bad = {**NEW, "title": "A\x00B"}
    response = as_editor.post("/api/v1/articles/", bad, content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["title"]


def upload(client: Client, content: bytes, name: str = "a.txt", **headers: str):
    return client.post(
        "/api/v1/articles/upload/", {"file": SimpleUploadedFile(name, content)}, **headers
    )


def test_an_uploaded_file_is_imported(as_editor: Client, editor) -> None:
    response = upload(as_editor, SEED, "meeting.txt")
    assert response.status_code == 201, response.content
    article = Article.objects.get()
    assert response.json()["created"] is True
    assert response.json()["article"]["id"] == article.pk
    assert article.source_kind == SourceKind.UPLOAD and article.source == "meeting.txt"
    assert article.created_by == editor


def test_the_same_file_again_changes_nothing_and_says_so(as_editor: Client) -> None:
    first = upload(as_editor, SEED).json()["article"]
    response = upload(as_editor, SEED)
    assert response.status_code == 200
    assert response.json() == {"created": False, "article": first}


def test_a_bad_file_gets_the_upload_forms_one_line_reason(as_editor: Client) -> None:
    response = upload(as_editor, b"no date line here\n\nbody\n", "broken.txt")
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "file" and error["message"].startswith("broken.txt: ")
    assert "\n" not in error["message"]
    assert not Article.objects.exists()


def test_a_file_over_the_limit_is_refused_naming_the_limit(
    as_editor: Client, settings: SettingsWrapper
) -> None:
    settings.ARTICLE_MAX_UPLOAD_BYTES = 2048
    response = upload(as_editor, SEED + b"More of the body. " * 1000, "big.txt")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "file", "message": "big.txt is larger than 2 KB, the largest file accepted."}
    ]
    assert not Article.objects.exists()


def test_a_body_declared_far_over_the_limit_is_refused_unread(
    as_editor: Client, settings: SettingsWrapper
) -> None:
    settings.ARTICLE_MAX_UPLOAD_BYTES = 2048
    response = as_editor.post(
        "/api/v1/articles/upload/",
        b"x" * 10,
        content_type="multipart/form-data; boundary=zz",
        CONTENT_LENGTH=str(10 * 2**20),
    )
    assert response.status_code == 422
    assert "10 MB; the largest file accepted is 2 KB" in response.json()["errors"][0]["message"]


def test_an_upload_with_a_token_works_too(client: Client, editor) -> None:
    from api.tokens import create_api_token

    secret = create_api_token(user=editor, name="cms", read_write=True)[1]
    assert upload(client, SEED, **bearer(secret)).status_code == 201


def test_no_file_is_a_422_naming_the_field(as_editor: Client) -> None:
    response = as_editor.post("/api/v1/articles/upload/", {"other": "x"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"


def test_an_upload_never_lands_in_a_temporary_file(
    as_editor: Client, settings: SettingsWrapper, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The session's CSRF check reads the form before the endpoint runs: the upload
    # handler must be in place before that, or Django streams the file to disk.
    from articles import parsing

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    on_disk: list[list[str]] = []
    real_parse_bytes = parsing.parse_bytes

    def parse_bytes(data: bytes, *, name: str):
        on_disk.append(sorted(p.name for p in tmp_path.iterdir()))
        return real_parse_bytes(data, name=name)

    monkeypatch.setattr(parsing, "parse_bytes", parse_bytes)
    response = upload(as_editor, SEED + b"More of the body. " * 100, "story.txt")
    assert response.status_code == 201
    assert on_disk == [[]]


def test_an_editor_corrects_an_article_with_the_edit_pages_checks(as_editor: Client) -> None:
    article = ArticleFactory(title="Old title")
    changed = {**NEW, "body": article.body, "published_date": str(article.published_date)}
    response = as_editor.put(f"/api/v1/articles/{article.pk}/", changed, "application/json")
    assert response.status_code == 200, response.content
    article.refresh_from_db()
    assert article.title == "Bridge to open" and article.outlet.name == "The Example"
    assert response.json()["title"] == "Bridge to open"
    bad = {**changed, "published_date": "2025-10-17", "url": "not a link"}
    response = as_editor.put(f"/api/v1/articles/{article.pk}/", bad, "application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["url"]


def test_an_edit_to_another_articles_text_is_a_422(as_editor: Client) -> None:
    first, second = ArticleFactory(), ArticleFactory()
    same = {**NEW, "body": first.body, "published_date": str(first.published_date), "url": ""}
    response = as_editor.put(f"/api/v1/articles/{second.pk}/", same, "application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "__all__"


def test_the_upload_address_is_not_taken_for_an_article_id(as_editor: Client) -> None:
    assert upload(as_editor, SEED).status_code == 201
    # The upload's address takes POST only: a PUT there is no edit of an article "upload".
    assert as_editor.put("/api/v1/articles/upload/", NEW, "application/json").status_code == 405
