import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from config.auth import role_required

from . import importing
from .extensions import annotate_article_list, article_list_columns, article_page_parts
from .forms import ArticleFilterForm, ArticleForm, ArticleUploadForm
from .models import Article, Outlet, SourceKind
from .rendering import paragraphs
from .search import search_articles
from .signals import send_articles_saved_on_commit
from .uploads import FORM_OVERHEAD_BYTES, ArticleUploadHandler, declared_size, too_large_message

PAGE_SIZE = 30


def _after(cursor: str) -> Q | None:
    """Keyset position from "YYYY-MM-DD.id": rows after it in (-published_date, -id) order."""
    try:
        day, pk = cursor.split(".")
        published, last_id = dt.date.fromisoformat(day), int(pk)
    except ValueError:
        return None
    # The first condition bounds the index range (article_published), so a page deep in the
    # list starts at the cursor instead of reading the index from the top.
    return Q(published_date__lte=published) & (
        Q(published_date__lt=published) | Q(published_date=published, id__lt=last_id)
    )


def filtered_articles(form: ArticleFilterForm) -> QuerySet[Article]:
    articles = Article.objects.select_related("outlet").order_by("-published_date", "-id")
    if not form.is_valid():
        return articles
    data = form.cleaned_data
    if data["q"]:
        articles = search_articles(articles, data["q"])
    if data["outlet"]:
        articles = articles.filter(outlet=data["outlet"])
    if data["published_from"]:
        articles = articles.filter(published_date__gte=data["published_from"])
    if data["published_to"]:
        articles = articles.filter(published_date__lte=data["published_to"])
    return articles


@role_required("articles.view_article")
def article_list(request: HttpRequest) -> HttpResponse:
    form = ArticleFilterForm(request.GET)
    articles = annotate_article_list(filtered_articles(form))
    position = _after(request.GET.get("after", ""))
    if position is not None:
        articles = articles.filter(position)
    # One row more than shown tells whether there is a next page, without a COUNT.
    page = list(articles[: PAGE_SIZE + 1])
    next_cursor = None
    if len(page) > PAGE_SIZE:
        page = page[:PAGE_SIZE]
        last = page[-1]
        params = request.GET.copy()
        params["after"] = f"{last.published_date.isoformat()}.{last.pk}"
        next_cursor = params.urlencode()
    template = "articles/article_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#article-results"
    return render(
        request,
        template,
        {
            "form": form,
            "articles": page,
            "next_query": next_cursor,
            "paged": position is not None,
            "columns": article_list_columns(),
        },
    )


@role_required("articles.view_article")
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("outlet", "created_by"), pk=pk)
    parts = article_page_parts(request, article)
    marks = [mark for part in parts for mark in part.marks]
    return render(
        request,
        "articles/article_detail.html",
        {"article": article, "paragraphs": paragraphs(article.body, marks), "parts": parts},
    )


def _outlet(name: str) -> Outlet | None:
    name = " ".join(name.split())
    if not name:
        return None
    outlet = Outlet.objects.filter(name__iexact=name).first()
    return outlet or Outlet.objects.create(name=name)


def _duplicate_of(article: Article) -> Article | None:
    return (
        Article.objects.filter(content_hash=article.compute_content_hash())
        .exclude(pk=article.pk)
        .first()
    )


def _save_form(request: HttpRequest, form: ArticleForm) -> Article | None:
    article = form.save(commit=False)
    duplicate = _duplicate_of(article)
    if duplicate:
        form.add_error(None, f"The same text is already in Claimtrack as “{duplicate.title}”.")
        return None
    article.outlet = _outlet(form.cleaned_data["outlet_name"])
    if article.pk is None:
        article.created_by = request.user
        article.source_kind = SourceKind.MANUAL
        article.source = "pasted text"
    article.save()
    send_articles_saved_on_commit([article.pk])
    return article


@role_required("articles.add_article")
@require_http_methods(["GET", "HEAD", "POST"])
def article_create(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None, prefix="paste")
    upload = ArticleUploadForm(prefix="upload")
    if request.method == "POST" and form.is_valid():
        article = _save_form(request, form)
        if article:
            messages.success(request, "Article added. Select a passage to log a claim.")
            return redirect(article)
    status = 422 if form.errors else 200
    return render(
        request, "articles/article_form.html", {"form": form, "upload": upload}, status=status
    )


@csrf_exempt  # checked by _article_upload, once the upload handler is in place
@role_required("articles.add_article")
@require_http_methods(["POST"])
def article_upload(request: HttpRequest) -> HttpResponse:
    # Handlers are chosen before anything reads the body; CsrfViewMiddleware would read it
    # first, so the CSRF check moves into _article_upload.
    handler = ArticleUploadHandler(request)
    request.upload_handlers = [handler]
    size = declared_size(request)
    if size > settings.ARTICLE_MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES:
        # Refused unread: a 50 MB file costs the worker nothing. Changes nothing, so no
        # CSRF check is needed to say so.
        upload = ArticleUploadForm({}, {}, prefix="upload", refused=too_large_message(size=size))
        upload.is_valid()
        return _upload_page(request, upload, status=413)
    return _article_upload(request, handler)


@csrf_protect
def _article_upload(request: HttpRequest, handler: ArticleUploadHandler) -> HttpResponse:
    data, files = request.POST, request.FILES  # reads the body, through the handler
    refused = handler.refused.get("upload-file")
    upload = ArticleUploadForm(
        data,
        files,
        prefix="upload",
        refused=too_large_message(name=refused) if refused is not None else None,
    )
    if upload.is_valid():
        file = upload.cleaned_data["file"]
        try:
            parsed = importing.parse_bytes(file.read(), name=file.name)
            parsed.source_kind = SourceKind.UPLOAD
            article, created = importing.save_article(parsed, created_by=request.user)
        except importing.ArticleImportError as exc:
            upload.add_error("file", f"{file.name}: {exc}")
        else:
            if created:
                messages.success(request, f"Imported “{article.title}” from {file.name}.")
            else:
                messages.info(request, f"{file.name} was imported before; nothing changed.")
            return redirect(article)
    return _upload_page(request, upload, status=413 if upload.refused else 422)


def _upload_page(request: HttpRequest, upload: ArticleUploadForm, *, status: int) -> HttpResponse:
    return render(
        request,
        "articles/article_form.html",
        {"form": ArticleForm(prefix="paste"), "upload": upload},
        status=status,
    )


@role_required("articles.change_article")
@require_http_methods(["GET", "HEAD", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    form = ArticleForm(request.POST or None, instance=article, prefix="paste")
    if request.method == "POST" and form.is_valid():
        saved = _save_form(request, form)
        if saved:
            messages.success(request, "Article saved.")
            return redirect(saved)
    status = 422 if form.errors else 200
    return render(
        request, "articles/article_form.html", {"form": form, "article": article}, status=status
    )
