"""Editors' pages for outgoing webhooks: thin views over claims.webhooks.

Every endpoint is the newsroom's: any editor sees and manages them all; the owner is who
set it up, and who is told when it is paused. A secret is shown in the response that made
it only (`Cache-Control: no-store`); the pages after it never show it again.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.http import HtmxHttpRequest

from . import roles, webhooks
from .forms import WebhookEndpointForm
from .models import DeliveryStatus, WebhookEndpoint

LOG_PAGE_SIZE = 50


def _require_editor(request: HtmxHttpRequest) -> None:
    if not request.user.has_perm(roles.EDIT_PERMISSION):
        raise PermissionDenied


def _endpoint(request: HtmxHttpRequest, endpoint_pk: int) -> WebhookEndpoint:
    _require_editor(request)
    return get_object_or_404(WebhookEndpoint.objects.select_related("owner"), pk=endpoint_pk)


@require_safe
def webhook_list(request: HtmxHttpRequest) -> HttpResponse:
    _require_editor(request)
    endpoints = WebhookEndpoint.objects.select_related("owner").annotate(
        pending=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
        failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
    )
    return render(request, "claims/webhooks/list.html", {"endpoints": endpoints})


def _detail(
    request: HtmxHttpRequest, endpoint: WebhookEndpoint, *, secret: str = ""
) -> HttpResponse:
    log = endpoint.deliveries.order_by("-id")
    page = Paginator(log, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(
        request,
        "claims/webhooks/detail.html",
        {"endpoint": endpoint, "page": page, "secret": secret},
    )
    if secret:
        response["Cache-Control"] = "no-store"
    return response


@require_safe
def webhook_detail(request: HtmxHttpRequest, endpoint_pk: int) -> HttpResponse:
    return _detail(request, _endpoint(request, endpoint_pk))


@require_http_methods(["GET", "HEAD", "POST"])
def webhook_create(request: HtmxHttpRequest) -> HttpResponse:
    _require_editor(request)
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint = webhooks.create_endpoint(owner=request.user, **form.cleaned_data)
        messages.success(request, "Webhook set up.")
        return _detail(request, endpoint, secret=endpoint.secret)
    return render(request, "claims/webhooks/form.html", {"form": form, "endpoint": None})


@require_http_methods(["GET", "HEAD", "POST"])
def webhook_edit(request: HtmxHttpRequest, endpoint_pk: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_pk)
    initial = {
        "name": endpoint.name,
        "url": endpoint.url,
        "events": endpoint.events,
        "format": endpoint.format,
    }
    form = WebhookEndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        webhooks.update_endpoint(endpoint=endpoint, **form.cleaned_data)
        messages.success(request, "Webhook saved.")
        return redirect("claims:webhook_detail", endpoint.pk)
    return render(request, "claims/webhooks/form.html", {"form": form, "endpoint": endpoint})


@require_POST
def webhook_rotate(request: HtmxHttpRequest, endpoint_pk: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_pk)
    secret = webhooks.rotate_secret(endpoint=endpoint)
    messages.success(request, "New secret made: the old one no longer signs anything.")
    return _detail(request, endpoint, secret=secret)


@require_POST
def webhook_pause(request: HtmxHttpRequest, endpoint_pk: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_pk)
    if webhooks.pause_endpoint(
        endpoint=endpoint, reason=f"Paused by {request.user.get_username()}."
    ):
        messages.success(request, "Paused: events are kept until you resume it.")
    return redirect("claims:webhook_detail", endpoint.pk)


@require_POST
def webhook_resume(request: HtmxHttpRequest, endpoint_pk: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_pk)
    waiting = webhooks.resume_endpoint(endpoint=endpoint)
    messages.success(
        request, f"Resumed; {waiting} waiting event{'' if waiting == 1 else 's'} on the way."
    )
    return redirect("claims:webhook_detail", endpoint.pk)


@require_POST
def webhook_test(request: HtmxHttpRequest, endpoint_pk: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_pk)
    webhooks.send_test_event(endpoint=endpoint)
    messages.success(request, "Test event queued: its delivery shows in the log below.")
    return redirect("claims:webhook_detail", endpoint.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def webhook_delete(request: HtmxHttpRequest, endpoint_pk: int) -> HttpResponse:
    """Ask first: the page says what goes with it. Only a POST that carries the
    confirmation deletes (a bare POST shows the question again)."""
    endpoint = _endpoint(request, endpoint_pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        gone = webhooks.delete_endpoint(endpoint=endpoint)
        log = f", with its {gone} deliver{'y' if gone == 1 else 'ies'}" if gone else ""
        messages.success(request, f"Webhook “{endpoint.name or endpoint.url}” deleted{log}.")
        return redirect("claims:webhooks")
    return render(
        request,
        "claims/webhooks/delete.html",
        {
            "endpoint": endpoint,
            "deliveries": endpoint.deliveries.count(),
            "waiting": endpoint.deliveries.filter(status=DeliveryStatus.PENDING).count(),
        },
    )
