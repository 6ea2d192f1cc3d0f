"""Articles: the list with the article page's search and filters, one article, a new one
typed in as JSON, and a file uploaded through the importer, as on the "Add an article"
page. Every rule is the pages' own: the filters are articles.views.filtered_articles, the
checks ArticleForm's, the writes articles.services'."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from api.paging import Page, PageQuery, keyset_page
from api.permissions import require
from api.schemas import ObjectId, ShortText, Text
from articles import services
from articles.forms import ArticleFilterForm, ArticleForm
from articles.models import Article
from articles.parsing import ArticleImportError
from articles.uploads import (
    FORM_OVERHEAD_BYTES,
    ArticleUploadHandler,
    declared_size,
    too_large_message,
)
from articles.views import ORDER, filtered_articles

router = Router(tags=["articles"])

# The multipart field that carries the file.
FILE_FIELD = "file"


class OutletRef(Schema):
    id: int
    name: str


class ArticleSummary(Schema):
    id: int
    title: str
    dek: str
    outlet: OutletRef | None
    url: str
    published_date: dt.date
    authors: str
    language: str
    source_kind: str
    source: str
    created_at: dt.datetime
    updated_at: dt.datetime


class ArticleOut(ArticleSummary):
    body: str


class ArticlePage(Page[ArticleSummary]):
    pass


class ArticleFilters(Schema):
    q: ShortText = ""
    outlet: ObjectId | None = None
    published_from: dt.date | None = None
    published_to: dt.date | None = None


class ArticleIn(Schema):
    """As the "Paste an article" form: the same fields, limits and messages."""

    title: Text
    body: Text
    published_date: dt.date
    dek: Text = ""
    url: Text = ""
    authors: Text = ""
    language: Text = "en"
    outlet_name: Text = ""


class UploadOut(Schema):
    created: bool
    article: ArticleOut


def _filter_form(filters: ArticleFilters) -> ArticleFilterForm:
    data = {
        "q": filters.q,
        "outlet": filters.outlet or "",
        "published_from": filters.published_from or "",
        "published_to": filters.published_to or "",
    }
    return ArticleFilterForm(data)


@router.get("/", response=ArticlePage, summary="List articles")
def list_articles(
    request: HttpRequest, filters: Query[ArticleFilters], paging: Query[PageQuery]
) -> dict[str, Any]:
    """Newest first, searched and filtered as the article list page does. An outlet that
    does not exist matches nothing."""
    require(request, "articles.view_article")
    form = _filter_form(filters)
    articles = filtered_articles(form)
    if filters.outlet and "outlet" in form.errors:
        # The page's form drops an unknown outlet; a program asked for that outlet.
        articles = articles.none()
    return keyset_page(request, articles, ORDER, paging)


@router.post("/", response={201: ArticleOut}, summary="Add an article typed in as JSON")
def create_article(request: HttpRequest, data: ArticleIn) -> Status[Article]:
    """The same checks as the "Paste an article" form; the same text already stored is a
    422 naming it."""
    require(request, "articles.add_article")
    article = _save(request, ArticleForm(data.dict()))
    return Status(201, article)


def _save(request: HttpRequest, form: ArticleForm) -> Article:
    """The article form's checks, then articles.services; the same text stored as another
    article is a 422 naming it."""
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    try:
        return services.save_article_form(
            article=form.save(commit=False),
            outlet_name=form.cleaned_data["outlet_name"],
            by=request.user,
        )
    except services.DuplicateArticle as exc:
        raise ValidationError(
            f"The same text is already in Claimtrack as “{exc.duplicate.title}” "
            f"(article {exc.duplicate.pk})."
        ) from None


UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FILE_FIELD],
                    "properties": {
                        FILE_FIELD: {
                            "type": "string",
                            "format": "binary",
                            "description": (
                                "A seed-format text file (first line “date YYYY-MM-DD …”) or a "
                                "saved HTML page, up to ARTICLE_MAX_UPLOAD_BYTES."
                            ),
                        }
                    },
                }
            }
        },
    }
}


def _refused(message: str) -> ValidationError:
    return ValidationError({FILE_FIELD: [message]})


# Before "/{article_id}/", which would take "upload" for an id.
@router.post(
    "/upload/",
    response={200: UploadOut, 201: UploadOut},
    summary="Import an article file",
    openapi_extra=UPLOAD_BODY,
)
def upload_article(request: HttpRequest) -> Status[dict[str, Any]]:
    """Multipart, the file in `file`: imported as by the upload form. 201 with the new
    article; 200 with the stored one when the same text was imported before (nothing
    changes). Too large, or not an article: 422 with the form's one-line reason."""
    require(request, "articles.add_article")
    size = declared_size(request)
    if size > settings.ARTICLE_MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES:
        # Refused unread, as the page does.
        raise _refused(too_large_message(size=size))
    handler = _upload_handler(request)
    files = request.FILES
    refused = handler.refused.get(FILE_FIELD) if handler else None
    if refused is not None:
        raise _refused(too_large_message(name=refused))
    file = files.get(FILE_FIELD)
    if file is None:
        raise _refused("Send the article file in the multipart field “file”.")
    if file.size is not None and file.size > settings.ARTICLE_MAX_UPLOAD_BYTES:
        raise _refused(too_large_message(name=file.name or "", size=file.size))
    try:
        article, created = services.save_upload(
            data=file.read(), name=file.name or "upload", by=request.user
        )
    except ArticleImportError as exc:
        raise _refused(str(exc)) from None
    article = Article.objects.select_related("outlet").get(pk=article.pk)
    return Status(201 if created else 200, {"created": created, "article": article})


@router.get("/{article_id}/", response=ArticleOut, summary="One article, with its text")
def get_article(request: HttpRequest, article_id: ObjectId) -> Article:
    require(request, "articles.view_article")
    return get_object_or_404(Article.objects.select_related("outlet"), pk=article_id)


@router.put("/{article_id}/", response=ArticleOut, summary="Correct an article")
def edit_article(request: HttpRequest, article_id: ObjectId, data: ArticleIn) -> Article:
    """Every field as given, as the article's "Edit" page saves them, with its checks."""
    require(request, "articles.change_article")
    article = get_object_or_404(Article, pk=article_id)
    saved = _save(request, ArticleForm(data.dict(), instance=article))
    return Article.objects.select_related("outlet").get(pk=saved.pk)


def _upload_handler(request: HttpRequest) -> ArticleUploadHandler | None:
    handlers = getattr(request, "_upload_handlers", None) or []
    for handler in handlers:
        if isinstance(handler, ArticleUploadHandler):
            return handler
    return None


def install_upload_handler(request: HttpRequest) -> None:
    """Before anything reads the body (the session's CSRF check reads a POST's form): a file
    is held in memory up to ARTICLE_MAX_UPLOAD_BYTES and never written to disk, as on the
    upload page (articles.uploads). Called for every API request (api.api)."""
    if request.method == "POST" and request.content_type == "multipart/form-data":
        request.upload_handlers = [ArticleUploadHandler(request)]
