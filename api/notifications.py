"""Notifications: the in-app reminders of the person asking, newest first, and marking one
or all of them read, as the notifications page does (claims.models.ReminderQuerySet).
Everyone logged in has their own; nobody sees another's (another's id is a 404)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from api.paging import Page, PageQuery, keyset_page
from api.schemas import ObjectId
from claims.models import UNREAD_COUNT_CAP, Reminder
from config.paging import Keyset

router = Router(tags=["notifications"])

# Newest first, as the page lists them (index reminder_unread_in_app for the unread).
NOTIFICATION_ORDER = Keyset("created_at", dt.datetime, descending=True)


class ClaimRef(Schema):
    id: int
    statement: str
    status: str
    claimant: str | None

    @staticmethod
    def resolve_claimant(claim: Any) -> str | None:
        return claim.claimant.name if claim.claimant else None


class NotificationOut(Schema):
    id: int
    claim: ClaimRef
    description: str
    due_date: dt.date
    step: int
    escalation: bool
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(Page[NotificationOut]):
    pass


class NotificationQuery(Schema):
    unread: bool = False


class Marked(Schema):
    marked: int = Field(description="How many were unread and are now read.")
    unread: int = Field(description=f"Unread left, counted up to {UNREAD_COUNT_CAP}.")


def _mine(request: HttpRequest) -> Any:
    return Reminder.objects.notifications_for(request.user)


@router.get("/", response=NotificationPage, summary="Your notifications")
def list_notifications(
    request: HttpRequest, query: Query[NotificationQuery], paging: Query[PageQuery]
) -> dict[str, Any]:
    """Newest first; `unread=true` for the unread ones only."""
    reminders = _mine(request)
    if query.unread:
        reminders = reminders.unread()
    return keyset_page(request, reminders, NOTIFICATION_ORDER, paging)


def _marked(request: HttpRequest, count: int) -> dict[str, int]:
    # Counted as the navigation counts, up to UNREAD_COUNT_CAP.
    return {"marked": count, "unread": Reminder.objects.unread_count(request.user)}


@router.post("/{notification_id}/read/", response=Marked, summary="Mark one read")
def mark_read(request: HttpRequest, notification_id: ObjectId) -> dict[str, int]:
    reminder = get_object_or_404(_mine(request), pk=notification_id)
    return _marked(request, Reminder.objects.filter(pk=reminder.pk).mark_read())


@router.post("/read-all/", response=Marked, summary="Mark all read")
def mark_all_read(request: HttpRequest) -> dict[str, int]:
    return _marked(request, Reminder.objects.in_app_for(request.user).mark_read())
