"""Notifications over the API: each person's own in-app reminders, newest first, marked
read one at a time or all at once."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from claims.models import Channel, Reminder
from tests.api.resources import remind
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def test_a_person_sees_their_own_newest_first(as_reviewer: Client, reviewer, editor) -> None:
    claim = ClaimFactory()
    now = timezone.now()
    older = remind(claim, reviewer, step=0, created_at=now - dt.timedelta(days=2))
    newer = remind(claim, reviewer, step=1, created_at=now - dt.timedelta(days=1))
    remind(claim, editor)
    Reminder.objects.create(
        claim=claim, recipient=reviewer, due_date=claim.due_date, step=2, channel=Channel.EMAIL
    )
    body = as_reviewer.get("/api/v1/notifications/").json()
    assert [n["id"] for n in body["items"]] == [newer.pk, older.pk]
    first = body["items"][0]
    assert first["claim"]["id"] == claim.pk and first["claim"]["claimant"] == claim.claimant.name
    assert first["read_at"] is None and first["description"]


def test_pages_follow_the_newest_first_order(as_reviewer: Client, reviewer) -> None:
    claim = ClaimFactory()
    now = timezone.now()
    made = [
        remind(claim, reviewer, step=n, created_at=now - dt.timedelta(hours=n % 2))
        for n in range(5)
    ]
    expected = [r.pk for r in sorted(made, key=lambda r: (r.created_at, r.pk), reverse=True)]
    seen, url = [], "/api/v1/notifications/?limit=2"
    while url:
        body = as_reviewer.get(url).json()
        seen += [n["id"] for n in body["items"]]
        url = body["next"]
    assert seen == expected


def test_unread_only(as_reviewer: Client, reviewer) -> None:
    claim = ClaimFactory()
    unread = remind(claim, reviewer, step=0)
    remind(claim, reviewer, step=1, read_at=timezone.now())
    body = as_reviewer.get("/api/v1/notifications/?unread=true").json()
    assert [n["id"] for n in body["items"]] == [unread.pk]


def test_marking_one_read(as_reviewer: Client, reviewer) -> None:
    claim = ClaimFactory()
    one, other = remind(claim, reviewer, step=0), remind(claim, reviewer, step=1)
    response = as_reviewer.post(f"/api/v1/notifications/{one.pk}/read/")
    assert response.json() == {"marked": 1, "unread": 1}
    one.refresh_from_db(), other.refresh_from_db()
    assert one.read_at is not None and other.read_at is None
    assert as_reviewer.post(f"/api/v1/notifications/{one.pk}/read/").json()["marked"] == 0


def test_someone_elses_notification_is_not_found(as_reviewer: Client, editor) -> None:
    theirs = remind(ClaimFactory(), editor)
    response = as_reviewer.post(f"/api/v1/notifications/{theirs.pk}/read/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_all_read_touches_only_ones_own(as_reviewer: Client, reviewer, editor) -> None:
    claim = ClaimFactory()
    mine = [remind(claim, reviewer, step=n) for n in range(3)]
    theirs = remind(claim, editor)
    assert as_reviewer.post("/api/v1/notifications/read-all/").json() == {"marked": 3, "unread": 0}
    assert all(Reminder.objects.get(pk=r.pk).read_at for r in mine)
    assert Reminder.objects.get(pk=theirs.pk).read_at is None
