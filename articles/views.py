from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Article


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.select_related("outlet")[:50]
    return render(request, "articles/article_list.html", {"articles": articles})


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("outlet"), pk=pk)
    return render(request, "articles/article_detail.html", {"article": article})
