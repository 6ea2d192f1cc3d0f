"""In-app notifications: the reminders a person got, the unread count, marking them read.

Thin views over Reminder.objects (claims.models.ReminderQuerySet). Every action answers htmx with the fragment it replaces
and plain form posts with a redirect, so the page works without JavaScript too.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import trigger_client_event

from config.http import HtmxHttpRequest

from .models import UNREAD_COUNT_CAP, Channel, Reminder, WebhookEndpoint, newsroom_today

PAGE_SIZE = 50
# Listened to by the count in the navigation: it refreshes at once after a change.
CHANGED_EVENT = "notifications-changed"
# htmx stops polling on this status; the count answers it to a session that has ended.
HTMX_STOP_POLLING = 286


def _list_context(request: HtmxHttpRequest, page_number: str | None) -> dict[str, object]:
    page = Paginator(Reminder.objects.notifications_for(request.user), PAGE_SIZE).get_page(
        page_number
    )
    page.object_list = list(page.object_list)
    return {
        "page": page,
        "has_unread": any(reminder.read_at is None for reminder in page),
        "today": newsroom_today(),
        # Webhooks paused after failing (claims.webhooks) are told to their owner here.
        "paused_webhooks": WebhookEndpoint.objects.filter(
            owner=request.user, paused_at__isnull=False
        ).exclude(paused_reason__startswith="Paused by "),
    }


@require_safe
def notification_list(request: HtmxHttpRequest) -> HttpResponse:
    template = "claims/notifications/list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#notifications"
    return render(request, template, _list_context(request, request.GET.get("page")))


@login_not_required  # answers a session that has ended itself (below)
@never_cache
@require_safe
def unread_count(request: HtmxHttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        # Not a redirect to the login page: htmx would swap that page into the navigation.
        return HttpResponse(status=HTMX_STOP_POLLING)
    list_url = reverse("notifications:list")
    current = request.htmx.current_url_abs_path or request.path
    return render(
        request,
        "claims/notifications/count.html",
        {
            "unread": Reminder.objects.unread_count(request.user),
            "cap": UNREAD_COUNT_CAP,
            "refresh_seconds": settings.NOTIFICATIONS_REFRESH_SECONDS,
            "on_list": current.split("?")[0] == list_url,
        },
    )


def _after_change(request: HtmxHttpRequest, message: str) -> HttpResponse:
    """The refreshed list to htmx (and a nudge to the count); a redirect to plain posts."""
    page_number = request.POST.get("page")
    if request.htmx:
        response = render(
            request,
            "claims/notifications/list.html#notifications",
            _list_context(request, page_number),
        )
        return trigger_client_event(response, CHANGED_EVENT)
    messages.success(request, message)
    url = reverse("notifications:list")
    if page_number and page_number.isdigit() and page_number != "1":
        url += f"?page={page_number}"
    return redirect(url)


@require_POST
def mark_read(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    # Someone else's notification is "not found", not "forbidden": ids reveal nothing.
    reminder = get_object_or_404(Reminder, pk=pk, recipient=request.user, channel=Channel.IN_APP)
    Reminder.objects.filter(pk=reminder.pk).mark_read()
    return _after_change(request, "Marked as read.")


@require_POST
def mark_all_read(request: HtmxHttpRequest) -> HttpResponse:
    count = Reminder.objects.in_app_for(request.user).mark_read()
    return _after_change(
        request, f"Marked {count} notification{'' if count == 1 else 's'} as read."
    )
