import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from config.auth import role_required
from config.http import HtmxHttpRequest
from config.paging import Keyset, split_page

from . import parsing, services
from .extensions import annotate_article_list, article_list_columns, article_page_parts
from .forms import ArticleFilterForm, ArticleForm, ArticleUploadForm
from .models import Article
from .rendering import paragraphs
from .search import search_articles
from .uploads import FORM_OVERHEAD_BYTES, ArticleUploadHandler, declared_size, too_large_message

PAGE_SIZE = 30
# The list's order, -published_date then -id, as the article_published index serves it.
ORDER = Keyset("published_date", dt.date, descending=True)


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
def article_list(request: HtmxHttpRequest) -> HttpResponse:
    form = ArticleFilterForm(request.GET)
    articles = annotate_article_list(filtered_articles(form))
    position = ORDER.after(request.GET.get("after", ""))
    if position is not None:
        articles = articles.filter(position)
    page, last = split_page(articles[: PAGE_SIZE + 1], PAGE_SIZE)
    next_cursor = None
    if last is not None:
        params = request.GET.copy()
        params["after"] = ORDER.cursor(last)
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
def article_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("outlet", "created_by"), pk=pk)
    parts = article_page_parts(request, article)
    marks = [mark for part in parts for mark in part.marks]
    return render(
        request,
        "articles/article_detail.html",
        {"article": article, "paragraphs": paragraphs(article.body, marks), "parts": parts},
    )


def _save_form(request: HtmxHttpRequest, form: ArticleForm) -> Article | None:
    try:
        return services.save_article_form(
            article=form.save(commit=False),
            outlet_name=form.cleaned_data["outlet_name"],
            by=request.user,
        )
    except services.DuplicateArticle as exc:
        title = exc.duplicate.title
        form.add_error(None, f"The same text is already in Claimtrack as “{title}”.")
        return None


@role_required("articles.add_article")
@require_http_methods(["GET", "HEAD", "POST"])
def article_create(request: HtmxHttpRequest) -> HttpResponse:
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
def article_upload(request: HtmxHttpRequest) -> HttpResponse:
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
def _article_upload(request: HtmxHttpRequest, handler: ArticleUploadHandler) -> HttpResponse:
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
            article, created = services.save_upload(
                data=file.read(), name=file.name, by=request.user
            )
        except parsing.ArticleImportError as exc:
            upload.add_error("file", str(exc))
        else:
            if created:
                messages.success(request, f"Imported “{article.title}” from {file.name}.")
            else:
                messages.info(request, f"{file.name} was imported before; nothing changed.")
            return redirect(article)
    return _upload_page(request, upload, status=413 if upload.refused else 422)


def _upload_page(
    request: HtmxHttpRequest, upload: ArticleUploadForm, *, status: int
) -> HttpResponse:
    return render(
        request,
        "articles/article_form.html",
        {"form": ArticleForm(prefix="paste"), "upload": upload},
        status=status,
    )


@role_required("articles.change_article")
@require_http_methods(["GET", "HEAD", "POST"])
def article_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
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
