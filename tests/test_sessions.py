"""A session left idle is logged out; what an open page polls by itself is not activity."""

import datetime as dt

import pytest
import time_machine

from tests.factories import ClaimFactory, UserFactory

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def logged_in(client):
    UserFactory(username="alice", password="s3cret-pass", groups=["Reviewers"])
    return client


def log_in(client) -> None:
    response = client.post("/accounts/login/", {"username": "alice", "password": "s3cret-pass"})
    assert response.status_code == 302


def poll(client) -> None:
    """What an open dashboard does every minute."""
    client.get("/notifications/count/", **HTMX)
    client.get("/", {"part": "counters"}, **HTMX)


@pytest.mark.django_db
def test_a_session_idle_for_longer_than_the_setting_is_logged_out(logged_in, settings) -> None:
    settings.SESSION_IDLE_MINUTES = 480
    with time_machine.travel(START, tick=False) as clock:
        log_in(logged_in)
        assert logged_in.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=481))
        response = logged_in.get("/articles/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/?next=/articles/")
    assert "You were logged out after 480 minutes without activity" in response.content.decode()
    assert "_auth_user_id" not in logged_in.session


@pytest.mark.django_db
def test_a_person_at_work_stays_logged_in(logged_in, settings) -> None:
    settings.SESSION_IDLE_MINUTES = 480
    with time_machine.travel(START, tick=False) as clock:
        log_in(logged_in)
        for _ in range(6):  # twelve hours, a click every two
            clock.shift(dt.timedelta(hours=2))
            assert logged_in.get("/").status_code == 200


@pytest.mark.django_db
def test_polling_counters_do_not_keep_an_idle_session_alive(logged_in, settings) -> None:
    settings.SESSION_IDLE_MINUTES = 60
    with time_machine.travel(START, tick=False) as clock:
        log_in(logged_in)
        assert logged_in.get("/").status_code == 200
        for _ in range(60):  # the tab stays open: its counters ask every minute
            clock.shift(dt.timedelta(minutes=1))
            poll(logged_in)
        clock.shift(dt.timedelta(minutes=1))
        response = logged_in.get("/notifications/count/", **HTMX)
    # The poll that finds the session over reloads the page, which then asks to log in.
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    assert "_auth_user_id" not in logged_in.session
    assert logged_in.get("/").status_code == 302


@pytest.mark.django_db
def test_no_idle_timeout_when_the_setting_is_zero(logged_in, settings) -> None:
    settings.SESSION_IDLE_MINUTES = 0
    with time_machine.travel(START, tick=False) as clock:
        log_in(logged_in)
        assert logged_in.get("/").status_code == 200
        clock.shift(dt.timedelta(days=3))
        assert logged_in.get("/").status_code == 200


@pytest.mark.django_db
def test_the_idle_clock_starts_at_login(logged_in, settings) -> None:
    settings.SESSION_IDLE_MINUTES = 60
    with time_machine.travel(START, tick=False) as clock:
        log_in(logged_in)  # and then nothing until the next morning
        clock.shift(dt.timedelta(hours=14))
        assert logged_in.get("/").status_code == 302
    assert "_auth_user_id" not in logged_in.session


@pytest.mark.django_db
def test_the_probes_never_read_the_session(logged_in, django_assert_num_queries) -> None:
    log_in(logged_in)
    with django_assert_num_queries(0):
        assert logged_in.get("/livez").status_code == 200
        assert logged_in.head("/livez").status_code == 200


@pytest.mark.django_db
def test_a_form_sent_after_the_timeout_saves_nothing_and_returns_to_its_page(
    logged_in, settings
) -> None:
    settings.SESSION_IDLE_MINUTES = 60
    claim = ClaimFactory()
    page = f"http://testserver/claims/{claim.pk}/"
    with time_machine.travel(START, tick=False) as clock:
        log_in(logged_in)
        clock.shift(dt.timedelta(minutes=61))
        response = logged_in.post(f"/claims/{claim.pk}/take/", {"version": 1}, HTTP_REFERER=page)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/claims/{claim.pk}/"
    claim.refresh_from_db()
    assert claim.assignee is None
