from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Claim, newsroom_today


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    today = newsroom_today()
    overdue = (
        Claim.objects.overdue(today)
        .select_related("claimant", "article", "article__outlet", "assignee")
        .order_by("due_date", "id")[:50]
    )
    return render(request, "claims/dashboard.html", {"overdue": overdue, "today": today})


@login_required
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(
        Claim.objects.select_related("article", "article__outlet", "claimant", "assignee"), pk=pk
    )
    return render(request, "claims/claim_detail.html", {"claim": claim})
