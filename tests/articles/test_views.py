import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import Article, SourceKind
from articles.views import PAGE_SIZE
from tests.factories import ArticleFactory, OutletFactory

pytestmark = pytest.mark.django_db

SEED = b" date 2025-10-17 The presidents will meet Friday.\n\nThe body of the article.\n\nMore.\n"


def titles(response) -> list[str]:
    return [a.title for a in response.context["articles"]]


def test_the_list_is_newest_first_and_pages_by_keyset(as_reader) -> None:
    for day in range(PAGE_SIZE + 5):
        ArticleFactory(title=f"Day {day}", published_date=dt.date(2025, 1, 1) + dt.timedelta(day))
    first = as_reader.get("/articles/")
    assert titles(first)[0] == f"Day {PAGE_SIZE + 4}"
    assert len(titles(first)) == PAGE_SIZE
    next_query = first.context["next_query"]
    assert "after=" in next_query
    second = as_reader.get(f"/articles/?{next_query}")
    assert titles(second) == ["Day 4", "Day 3", "Day 2", "Day 1", "Day 0"]
    assert second.context["next_query"] is None


def test_search_finds_title_body_and_outlet(as_reader) -> None:
    ArticleFactory(title="Budapest summit", body="Leaders gather.")
    ArticleFactory(title="Other", body="Talk of Tomahawk missiles.")
    ArticleFactory(title="Third", outlet=OutletFactory(name="Washington Times"))
    assert titles(as_reader.get("/articles/", {"q": "budapest"})) == ["Budapest summit"]
    assert titles(as_reader.get("/articles/", {"q": "tomahawk"})) == ["Other"]
    assert titles(as_reader.get("/articles/", {"q": "washington"})) == ["Third"]


def test_a_search_of_words_full_text_search_ignores_still_finds_titles(as_reader) -> None:
    ArticleFactory(title="Before the summit", body="Leaders gather.")
    ArticleFactory(title="After it", body="Nothing came of it.")
    assert titles(as_reader.get("/articles/", {"q": "before"})) == ["Before the summit"]


def test_filters_by_outlet_and_dates(as_reader) -> None:
    outlet = OutletFactory()
    ArticleFactory(title="Early", outlet=outlet, published_date=dt.date(2025, 1, 1))
    ArticleFactory(title="Late", outlet=outlet, published_date=dt.date(2025, 6, 1))
    ArticleFactory(title="Elsewhere", published_date=dt.date(2025, 6, 1))
    response = as_reader.get("/articles/", {"outlet": outlet.pk, "published_from": "2025-03-01"})
    assert titles(response) == ["Late"]
    response = as_reader.get("/articles/", {"published_to": "2025-03-01"})
    assert titles(response) == ["Early"]


def test_htmx_filtering_returns_only_the_results(as_reader) -> None:
    ArticleFactory(title="Budapest summit")
    html = as_reader.get("/articles/", {"q": "budapest"}, HTTP_HX_REQUEST="true").content
    assert html.decode().lstrip().startswith('<div id="article-results"')


def test_an_empty_list_says_what_to_do(as_editor) -> None:
    assert "Add one" in as_editor.get("/articles/").content.decode()


def test_paste_an_article(as_editor, editor) -> None:
    response = as_editor.post(
        "/articles/new/",
        {
            "paste-title": "Pasted",
            "paste-outlet_name": "The Daily",
            "paste-published_date": "2025-10-17",
            "paste-language": "en",
            "paste-body": "First paragraph.\r\n\r\nSecond paragraph.",
        },
    )
    article = Article.objects.get()
    assert response["Location"] == f"/articles/{article.pk}/"
    assert article.body == "First paragraph.\n\nSecond paragraph."
    assert article.outlet.name == "The Daily"
    assert article.created_by == editor
    assert article.source_kind == SourceKind.MANUAL


def test_a_pasted_articles_new_outlet_gets_the_domain_of_its_url(as_editor) -> None:
    as_editor.post(
        "/articles/new/",
        {
            "paste-title": "Pasted",
            "paste-url": "https://www.ledger.example/world/a",
            "paste-outlet_name": "The Ledger",
            "paste-published_date": "2025-10-17",
            "paste-language": "en",
            "paste-body": "Text.",
        },
    )
    assert Article.objects.get().outlet.domain == "ledger.example"


def test_pasting_the_same_text_twice_is_refused_with_a_clear_message(as_editor) -> None:
    ArticleFactory(body="Same text.", published_date=dt.date(2025, 10, 17), title="First")
    response = as_editor.post(
        "/articles/new/",
        {
            "paste-title": "Again",
            "paste-published_date": "2025-10-17",
            "paste-language": "en",
            "paste-body": "Same text.",
        },
    )
    assert response.status_code == 422
    assert "already in Claimtrack as “First”" in response.content.decode()
    assert Article.objects.count() == 1


def test_pasted_text_over_the_limit_is_refused(as_editor, settings) -> None:
    settings.ARTICLE_MAX_BODY_CHARS = 10
    response = as_editor.post(
        "/articles/new/",
        {
            "paste-title": "Long",
            "paste-published_date": "2025-10-17",
            "paste-language": "en",
            "paste-body": "x" * 11,
        },
    )
    assert response.status_code == 422
    assert "body is 11 characters; the limit is 10" in response.content.decode()


def test_an_impossible_date_is_refused(as_editor) -> None:
    response = as_editor.post(
        "/articles/new/",
        {"paste-title": "x", "paste-published_date": "2025-02-30", "paste-body": "Text."},
    )
    assert response.status_code == 422
    assert not Article.objects.exists()


def test_upload_a_seed_file(as_editor) -> None:
    upload = SimpleUploadedFile("story.txt", SEED)
    response = as_editor.post("/articles/upload/", {"upload-file": upload})
    article = Article.objects.get()
    assert response["Location"] == f"/articles/{article.pk}/"
    assert article.published_date == dt.date(2025, 10, 17)
    assert article.source == "story.txt" and article.source_kind == SourceKind.UPLOAD
    again = as_editor.post("/articles/upload/", {"upload-file": SimpleUploadedFile("s.txt", SEED)})
    assert again.status_code == 302 and Article.objects.count() == 1


def test_upload_a_saved_html_page(as_editor) -> None:
    page = b"""<!doctype html><html><head><title>Summit called off | The Daily</title>
    <meta property="article:published_time" content="2025-10-22T09:00:00Z"></head>
    <body><nav>Home News</nav><article><h1>Summit called off</h1>
    <p>The planned meeting in Budapest will not take place, officials said on Wednesday.</p>
    <p>Both sides blamed the other for the collapse of the talks ahead of the summit.</p>
    </article><footer>Copyright</footer></body></html>"""
    as_editor.post("/articles/upload/", {"upload-file": SimpleUploadedFile("page.html", page)})
    article = Article.objects.get()
    assert article.published_date == dt.date(2025, 10, 22)
    assert "Budapest will not take place" in article.body
    assert "<p>" not in article.body


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"date 2025-02-30 Bad\n\nBody.", "2025-02-30 is not a real date"),
        (b"no date line\n\nBody.", "date"),
        ("date 2025-10-17 Caf\u00e9\n\nBody.".encode("latin-1"), "not UTF-8"),
        (b"\x00\x01\x02\x03binary", "binary"),
        (b"", "empty"),
    ],
)
def test_a_bad_upload_names_the_file_and_the_reason(as_editor, content: bytes, reason: str) -> None:
    response = as_editor.post(
        "/articles/upload/", {"upload-file": SimpleUploadedFile("bad.txt", content)}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "bad.txt" in html or content == b""
    assert reason in html
    assert not Article.objects.exists()


def test_edit_an_article(as_editor) -> None:
    article = ArticleFactory(title="Old")
    response = as_editor.post(
        f"/articles/{article.pk}/edit/",
        {
            "paste-title": "New title",
            "paste-published_date": "2025-10-17",
            "paste-language": "en",
            "paste-body": article.body,
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "New title"


def test_search_ignores_markup_like_input_and_matches_word_forms(as_reader) -> None:
    ArticleFactory(title="Talks", body="The leaders were meeting in Budapest.")
    assert titles(as_reader.get("/articles/", {"q": "<script>"})) == []
    assert titles(as_reader.get("/articles/", {"q": "Budapest"})) == ["Talks"]


def test_the_article_form_shows_every_length_limit(as_editor, settings) -> None:
    settings.ARTICLE_MAX_BODY_CHARS = 500_000

    response = as_editor.get("/articles/new/")

    help_texts = {name: field.help_text for name, field in response.context["form"].fields.items()}
    assert help_texts["title"] == "Up to 500 characters."
    assert help_texts["dek"] == "Up to 2,000 characters."
    assert help_texts["url"] == "Up to 2,000 characters."
    assert help_texts["authors"] == "Comma-separated. Up to 500 characters."
    assert help_texts["outlet_name"] == "e.g. The Washington Times. Up to 200 characters."
    assert help_texts["body"] == "Up to 500,000 characters."
    html = response.content.decode()
    assert "Up to 2,000 characters." in html and "Up to 500,000 characters." in html


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("dek", "d" * 2001, "Ensure this value has at most 2000 characters (it has 2001)."),
        ("title", "t" * 501, "Ensure this value has at most 500 characters (it has 501)."),
        ("authors", "a" * 501, "Ensure this value has at most 500 characters (it has 501)."),
        ("outlet_name", "o" * 201, "Ensure this value has at most 200 characters (it has 201)."),
    ],
)
def test_a_field_over_its_length_limit_is_refused_naming_the_limit(
    as_editor, field: str, value: str, error: str
) -> None:
    data = {
        "paste-title": "Title",
        "paste-published_date": "2025-10-17",
        "paste-language": "en",
        "paste-body": "The body.",
        f"paste-{field}": value,
    }

    response = as_editor.post("/articles/new/", data)

    assert response.status_code == 422
    assert response.context["form"].errors[field] == [error]
    assert error in response.content.decode()
    assert not Article.objects.exists()
