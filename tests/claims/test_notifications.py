"""In-app notifications: the list, the unread count in the navigation, marking read."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from claims.models import Channel, Claim, Reminder
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def notify(user: User, claim: Claim | None = None, **fields: object) -> Reminder:
    """An in-app reminder as the sweep records it."""
    claim = claim or ClaimFactory(assignee=user)
    return Reminder.objects.create(
        claim=claim,
        recipient=user,
        due_date=claim.due_date,
        step=fields.pop("step", 0),
        channel=fields.pop("channel", Channel.IN_APP),
        sent_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def reviewer_client(client: Client, reviewer: User) -> Client:
    client.force_login(reviewer)
    return client


# --- Anonymous visitors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [("get", "list", []), ("post", "read", [1]), ("post", "read_all", [])],
)
def test_anonymous_visitors_are_sent_to_the_login_page(
    client: Client, method: str, name: str, args: list[int]
) -> None:
    url = reverse(f"notifications:{name}", args=args)

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_count_tells_htmx_to_stop_polling_when_the_session_has_ended(client: Client) -> None:
    # A redirect would put the login page inside the navigation.
    response = client.get(reverse("notifications:count"), headers=HTMX)

    assert response.status_code == 286
    assert response.content == b""


def test_the_login_page_has_no_notifications_link(client: Client) -> None:
    assert b"notifications" not in client.get(reverse("login")).content.lower()


# --- The navigation -----------------------------------------------------------------------


def test_every_page_asks_for_the_unread_count_once_loaded(reviewer_client: Client) -> None:
    html = reviewer_client.get(reverse("claims:dashboard")).content.decode()

    assert (
        '<li class="nav-notifications"><a href="/notifications/" hx-get="/notifications/count/" '
        'hx-trigger="load" hx-swap="outerHTML">Notifications</a></li>'
    ) in html


def test_the_count_shows_the_unread_notifications_and_refreshes_itself(
    reviewer_client: Client, reviewer: User, settings: Settings
) -> None:
    settings.NOTIFICATIONS_REFRESH_SECONDS = 60
    notify(reviewer)
    notify(reviewer)
    notify(reviewer, read_at=timezone.now())
    notify(reviewer, channel=Channel.EMAIL)
    notify(UserFactory(username="someone"))

    response = reviewer_client.get(reverse("notifications:count"), headers=HTMX)

    html = response.content.decode()
    assert 'aria-label="Notifications, 2 unread"' in html
    assert 'Notifications<span class="notification-count" aria-hidden="true">2</span>' in html
    assert 'hx-trigger="every 60s, notifications-changed from:body"' in html
    assert 'hx-get="/notifications/count/"' in html
    assert "no-cache" in response.headers["Cache-Control"]


def test_the_count_shows_no_badge_when_all_is_read(reviewer_client: Client) -> None:
    html = reviewer_client.get(reverse("notifications:count"), headers=HTMX).content.decode()

    assert 'aria-label="Notifications, 0 unread"' in html
    assert "notification-count" not in html


def test_the_count_stops_at_99_plus(reviewer_client: Client, reviewer: User) -> None:
    claim = ClaimFactory(assignee=reviewer)
    Reminder.objects.bulk_create(
        Reminder(
            claim=claim,
            recipient=reviewer,
            due_date=claim.due_date - dt.timedelta(days=i),
            step=0,
            channel=Channel.IN_APP,
        )
        for i in range(120)
    )

    html = reviewer_client.get(reverse("notifications:count"), headers=HTMX).content.decode()

    assert 'aria-label="Notifications, more than 99 unread"' in html
    assert ">99+</span>" in html


def test_the_count_marks_the_link_current_on_the_notifications_page(
    reviewer_client: Client,
) -> None:
    headers = {**HTMX, "HX-Current-URL": "http://testserver/notifications/?page=2"}

    html = reviewer_client.get(reverse("notifications:count"), headers=headers).content.decode()

    assert 'aria-current="page"' in html


# --- The list -------------------------------------------------------------------------------


def test_the_list_shows_my_in_app_notifications_newest_first(
    reviewer_client: Client, reviewer: User
) -> None:
    older = notify(reviewer, ClaimFactory(statement="Older claim"))
    Reminder.objects.filter(pk=older.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    notify(reviewer, ClaimFactory(statement="Newer claim"), step=1)
    notify(reviewer, ClaimFactory(statement="Emailed only"), channel=Channel.EMAIL)
    notify(UserFactory(username="someone"), ClaimFactory(statement="Someone else's"))

    response = reviewer_client.get(reverse("notifications:list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Newer claim") < html.index("Older claim")
    assert "Second reminder, " in html
    assert "First reminder, " in html
    assert "Emailed only" not in html
    assert "Someone else" not in html
    assert f'href="{older.claim.get_absolute_url()}"' in html


def test_unread_notifications_are_highlighted_and_can_be_marked_read(
    reviewer_client: Client, reviewer: User
) -> None:
    unread = notify(reviewer)
    notify(reviewer, read_at=timezone.now())

    html = reviewer_client.get(reverse("notifications:list")).content.decode()

    assert html.count('class="unread"') == 1
    assert html.count("Mark read<") == 1
    assert f'action="/notifications/{unread.pk}/read/"' in html
    assert "Mark all read" in html


def test_the_list_escapes_article_text(reviewer_client: Client, reviewer: User) -> None:
    notify(reviewer, ClaimFactory(statement="<script>alert(1)</script>"))

    html = reviewer_client.get(reverse("notifications:list")).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_empty_list_says_what_will_appear_there(reviewer_client: Client) -> None:
    html = reviewer_client.get(reverse("notifications:list")).content.decode()

    assert 'class="empty"' in html
    assert "Mark all read" not in html


def test_htmx_gets_only_the_list_fragment(reviewer_client: Client, reviewer: User) -> None:
    notify(reviewer)

    html = reviewer_client.get(reverse("notifications:list"), headers=HTMX).content.decode()

    assert html.lstrip().startswith('<section id="notifications"')
    assert "<html" not in html


# --- Marking read -------------------------------------------------------------------------


def test_a_form_post_marks_one_read_and_comes_back_to_the_list(
    reviewer_client: Client, reviewer: User
) -> None:
    first, second = notify(reviewer), notify(reviewer)

    response = reviewer_client.post(reverse("notifications:read", args=[first.pk]))

    assert response.status_code == 302
    assert response.url == reverse("notifications:list")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None


def test_marking_read_twice_keeps_the_first_time(reviewer_client: Client, reviewer: User) -> None:
    first_read = timezone.now() - dt.timedelta(hours=1)
    reminder = notify(reviewer, read_at=first_read)

    reviewer_client.post(reverse("notifications:read", args=[reminder.pk]))

    reminder.refresh_from_db()
    assert reminder.read_at == first_read


def test_htmx_marks_read_and_gets_the_refreshed_list_and_a_nudge_for_the_count(
    reviewer_client: Client, reviewer: User
) -> None:
    reminder = notify(reviewer)

    response = reviewer_client.post(
        reverse("notifications:read", args=[reminder.pk]), {"page": "1"}, headers=HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == '{"notifications-changed": {}}'
    assert html.lstrip().startswith('<section id="notifications"')
    assert 'class="unread"' not in html
    assert "Read</span>" in html


def test_someone_elses_notification_is_not_found(reviewer_client: Client) -> None:
    theirs = notify(UserFactory(username="someone"))

    response = reviewer_client.post(reverse("notifications:read", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_an_email_reminder_cannot_be_marked_read(reviewer_client: Client, reviewer: User) -> None:
    email = notify(reviewer, channel=Channel.EMAIL)

    assert reviewer_client.post(reverse("notifications:read", args=[email.pk])).status_code == 404


def test_marking_read_needs_a_post(reviewer_client: Client, reviewer: User) -> None:
    reminder = notify(reviewer)

    assert reviewer_client.get(reverse("notifications:read", args=[reminder.pk])).status_code == 405
    assert reviewer_client.get(reverse("notifications:read_all")).status_code == 405


def test_mark_all_read_marks_only_mine(reviewer_client: Client, reviewer: User) -> None:
    mine = [notify(reviewer), notify(reviewer)]
    theirs = notify(UserFactory(username="someone"))

    response = reviewer_client.post(reverse("notifications:read_all"), follow=True)

    assert response.redirect_chain == [(reverse("notifications:list"), 302)]
    assert "Marked 2 notifications as read." in response.content.decode()
    assert all(Reminder.objects.get(pk=r.pk).read_at for r in mine)
    assert Reminder.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_read_with_htmx_returns_the_list(reviewer_client: Client, reviewer: User) -> None:
    notify(reviewer)

    response = reviewer_client.post(reverse("notifications:read_all"), headers=HTMX)

    assert response.headers["HX-Trigger"] == '{"notifications-changed": {}}'
    assert 'class="unread"' not in response.content.decode()
    assert "Mark all read" not in response.content.decode()


def test_a_form_post_keeps_the_page_it_came_from(reviewer_client: Client, reviewer: User) -> None:
    reminder = notify(reviewer)

    response = reviewer_client.post(
        reverse("notifications:read", args=[reminder.pk]), {"page": "3"}
    )

    assert response.url == reverse("notifications:list") + "?page=3"


def test_posts_need_the_csrf_token_which_htmx_sends_as_a_header(reviewer: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    reminder = notify(reviewer)
    url = reverse("notifications:read", args=[reminder.pk])

    assert client.post(url, headers=HTMX).status_code == 403

    page = client.get(reverse("notifications:list")).content.decode()
    token = client.cookies["csrftoken"].value
    assert 'hx-headers=\'{"x-csrftoken": "' in page
    assert client.post(url, headers={**HTMX, "X-CSRFToken": token}).status_code == 200


# --- In plain words ---------------------------------------------------------------------


def test_notifications_say_which_reminder_and_how_overdue_in_plain_words(
    reviewer_client: Client, reviewer: User, settings: Settings
) -> None:
    settings.REMINDER_FOLLOW_UP_DAYS = [3, 7]
    settings.REMINDER_ESCALATE_AFTER_DAYS = 14
    claim = ClaimFactory(assignee=reviewer, due_date=dt.date(2025, 10, 31))
    for step, days, escalation in [(0, 1, False), (2, 7, False), (3, 14, True)]:
        Reminder.objects.create(
            claim=claim,
            recipient=reviewer,
            due_date=claim.due_date,
            step=step,
            escalation=escalation,
            channel=Channel.IN_APP,
            created_at=dt.datetime(2025, 10, 31, 12, tzinfo=dt.UTC) + dt.timedelta(days=days),
        )

    html = reviewer_client.get(reverse("notifications:list")).content.decode()

    assert "First reminder, due date passed" in html
    assert "Third reminder, 7 days overdue" in html
    assert "Escalated to the editors, 14 days overdue" in html
    assert "Follow-up" not in html
