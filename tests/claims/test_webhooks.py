"""Outgoing webhooks (claims.webhooks): the outbox, signing, retries, pausing, the pages."""

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import time_machine
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connections, transaction
from django.utils import timezone

from claims import services, sweep, tasks, webhooks
from claims.models import (
    ClaimStatus,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEventKind,
    WebhookFormat,
)
from config.celery import app as celery_app
from tests.factories import ArticleFactory, ClaimFactory, UserFactory

ALL_EVENTS = [kind.value for kind in webhooks.SUBSCRIBABLE]


class Receiver:
    """A local HTTP server standing in for a newsroom's receiver: it records every request
    and answers the statuses queued in `answers` (then 200), after `delay` seconds."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.answers: list[int] = []
        self.delay = 0.0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(receiver.delay)
                with receiver.lock:
                    receiver.requests.append((dict(self.headers.items()), body))
                    status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks?src=claimtrack"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    settings.WEBHOOK_ALLOW_PRIVATE = True
    server = Receiver()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def queued(monkeypatch, settings) -> list[int]:
    """The delivery tasks queued (ids), instead of a broker."""
    settings.SITE_URL = "https://claimtrack.example"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    settings.WEBHOOK_RETRY_MAX_SECONDS = 600
    settings.WEBHOOK_PAUSE_AFTER_FAILURES = 2
    calls: list[int] = []

    def apply_async(args: tuple[int], **options: object) -> None:
        calls.append(args[0])

    monkeypatch.setattr(tasks.deliver_webhook, "apply_async", apply_async)
    return calls


def endpoint_for(receiver: Receiver, **kwargs: object) -> WebhookEndpoint:
    owner = kwargs.pop("owner", None) or UserFactory(
        username="desk", email="desk@example.org", groups=["Editors"]
    )
    return webhooks.create_endpoint(
        owner=owner,
        url=receiver.url,
        events=kwargs.pop("events", ALL_EVENTS),
        format=kwargs.pop("format", WebhookFormat.JSON),
        name="CMS",
    )


def log_claim(editor=None):
    article = ArticleFactory(published_date=dt.date(2026, 3, 1))
    return services.create_claim(
        article=article,
        by=editor,
        statement="The bridge will open",
        claimant="The minister",
        due_date=dt.date(2026, 3, 20),
    )


# --- The outbox -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_logged_claim_writes_one_delivery_per_subscribed_endpoint_and_queues_it(
    receiver, queued, django_capture_on_commit_callbacks
) -> None:
    cms = endpoint_for(receiver)
    endpoint_for(receiver, owner=cms.owner, events=[WebhookEventKind.RESOLVED])
    with django_capture_on_commit_callbacks(execute=True):
        claim = log_claim()
    delivery = WebhookDelivery.objects.get()
    assert delivery.endpoint == cms
    assert delivery.kind == WebhookEventKind.CREATED
    assert delivery.claim == claim
    assert delivery.payload["claim"]["statement"] == "The bridge will open"
    assert delivery.payload["link"] == f"https://claimtrack.example/claims/{claim.pk}/"
    assert queued == [delivery.pk]


@pytest.mark.django_db
def test_a_change_rolled_back_leaves_no_delivery_and_queues_nothing(
    receiver, queued, django_capture_on_commit_callbacks
) -> None:
    endpoint_for(receiver)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        log_claim()
        raise RuntimeError("the change fails after the event was queued")
    assert WebhookDelivery.objects.count() == 0
    assert queued == []


@pytest.mark.django_db
def test_resolving_rerating_and_moving_the_deadline_each_send_their_event(receiver, editor) -> None:
    endpoint_for(receiver)
    claim = log_claim(editor)
    claim = services.change_deadline(
        claim=claim,
        by=editor,
        version=claim.version,
        due_date=dt.date(2026, 4, 30),
        reason="Postponed by the ministry.",
    )
    claim = services.resolve_claim(
        claim=claim, by=editor, version=claim.version, status=ClaimStatus.FULFILLED
    )
    claim = services.resolve_claim(
        claim=claim,
        by=editor,
        version=claim.version,
        status=ClaimStatus.NOT_FULFILLED,
        reason_code="cancelled",
    )
    kinds = list(WebhookDelivery.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["claim.created", "claim.deadline_moved", "claim.resolved", "claim.resolved"]
    moved, _, rerated = WebhookDelivery.objects.order_by("id")[1:]
    assert moved.payload["data"]["before"]["due_date"] == "2026-03-20"
    assert moved.payload["claim"]["due_date"] == "2026-04-30"
    assert rerated.payload["data"]["before"]["status"] == "fulfilled"
    assert rerated.payload["claim"]["status"] == "not_fulfilled"


@pytest.mark.django_db
def test_paused_and_unsubscribed_endpoints_get_nothing(receiver) -> None:
    paused = endpoint_for(receiver)
    webhooks.pause_endpoint(endpoint=paused, reason="Paused by desk.")
    endpoint_for(receiver, owner=paused.owner, events=[WebhookEventKind.OVERDUE])
    log_claim()
    assert WebhookDelivery.objects.count() == 0


@pytest.mark.django_db
def test_the_sweep_sends_claim_overdue_once_per_claim_and_due_date(receiver, editor) -> None:
    endpoint_for(receiver, events=[WebhookEventKind.OVERDUE])
    claim = ClaimFactory(due_date=dt.date(2026, 3, 5), next_reminder_on=dt.date(2026, 3, 6))
    sweep.sweep_overdue()
    sweep.sweep_overdue()
    with time_machine.travel(dt.datetime(2026, 3, 16, 9, tzinfo=dt.UTC)):  # the next step
        sweep.sweep_overdue()
    overdue = WebhookDelivery.objects.get()
    assert overdue.kind == WebhookEventKind.OVERDUE
    assert overdue.event_id == webhooks.overdue_event_id(claim.pk, dt.date(2026, 3, 5))
    assert overdue.payload["data"] == {"days_overdue": 6}
    claim.refresh_from_db()
    services.change_deadline(
        claim=claim, by=editor, version=claim.version, due_date=dt.date(2026, 3, 12), reason="x"
    )
    WebhookEndpoint.objects.update(events=[WebhookEventKind.OVERDUE])
    with time_machine.travel(dt.datetime(2026, 3, 14, 9, tzinfo=dt.UTC)):
        sweep.sweep_overdue()
    assert WebhookDelivery.objects.filter(kind=WebhookEventKind.OVERDUE).count() == 2


# --- Signing ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_delivery_is_signed_with_the_endpoints_secret_over_time_and_body(receiver) -> None:
    endpoint = endpoint_for(receiver)
    log_claim()
    delivery = WebhookDelivery.objects.get()
    assert webhooks.deliver(delivery.pk).result == "delivered"
    ((headers, body),) = receiver.requests
    assert headers["Claimtrack-Event-Id"] == str(delivery.event_id)
    assert headers["Claimtrack-Event"] == "claim.created"
    assert headers["Content-Type"] == "application/json"
    t, v1 = (part.split("=", 1)[1] for part in headers["Claimtrack-Signature"].split(","))
    expected = hmac.new(endpoint.secret.encode(), f"{t}.".encode() + body, hashlib.sha256)
    assert v1 == expected.hexdigest()
    assert abs(int(t) - time.time()) < 60
    assert json.loads(body)["id"] == str(delivery.event_id)
    assert webhooks.verify_signature(
        body=body, header=headers["Claimtrack-Signature"], secret=endpoint.secret, now=time.time()
    )


@pytest.mark.django_db
def test_a_signature_fails_for_another_body_another_secret_or_an_old_timestamp() -> None:
    body = b'{"event":"claim.created"}'
    header = webhooks.signature(body=body, secret="s3cret", timestamp=1_700_000_000)
    check = webhooks.verify_signature
    assert check(body=body, header=header, secret="s3cret", now=1_700_000_299)
    assert not check(body=body + b" ", header=header, secret="s3cret", now=1_700_000_000)
    assert not check(body=body, header=header, secret="other", now=1_700_000_000)
    # Replayed after the window: refused, though the signature itself is right.
    assert not check(body=body, header=header, secret="s3cret", now=1_700_000_301)
    assert not check(body=body, header=header, secret="s3cret", now=1_699_999_699)
    # A forged timestamp breaks the signature.
    forged = header.replace("t=1700000000", "t=1700000290")
    assert not check(body=body, header=forged, secret="s3cret", now=1_700_000_300)
    assert not check(body=body, header="garbage", secret="s3cret", now=1_700_000_000)


@pytest.mark.django_db
def test_a_slack_endpoint_gets_a_text_message_linking_the_claim(receiver) -> None:
    endpoint_for(receiver, format=WebhookFormat.SLACK)
    claim = log_claim()
    webhooks.deliver(WebhookDelivery.objects.get().pk)
    ((_headers, body),) = receiver.requests
    text = json.loads(body)["text"]
    assert list(json.loads(body)) == ["text"]
    assert text.startswith(
        f"*Claim created*: <https://claimtrack.example/claims/{claim.pk}/|The bridge will open>"
    )
    assert "The minister" in text


# --- Retries, backoff, pausing ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_failed_delivery_is_retried_after_a_growing_pause_then_delivered(receiver) -> None:
    endpoint_for(receiver)
    log_claim()
    delivery = WebhookDelivery.objects.get()
    receiver.answers = [503, 500]
    start = timezone.now()
    first = webhooks.deliver(delivery.pk)
    assert first.result == "retry" and first.status_code == 503
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert (delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        1,
        503,
        "HTTP 503",
    )
    # Base 30 s with jitter: between half and all of it.
    assert start + dt.timedelta(seconds=15) <= delivery.next_attempt_at
    assert delivery.next_attempt_at <= timezone.now() + dt.timedelta(seconds=30)
    assert webhooks.deliver(delivery.pk).result == "skipped"  # not due yet
    with time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1)):
        second = webhooks.deliver(delivery.pk)
        assert second.result == "retry"
        assert 30 <= second.retry_in <= 60  # doubled
    delivery.refresh_from_db()
    with time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1)):
        assert webhooks.deliver(delivery.pk).result == "delivered"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)
    assert len(receiver.requests) == 3
    assert len({headers["Claimtrack-Event-Id"] for headers, _ in receiver.requests}) == 1


def test_backoff_doubles_with_jitter_up_to_the_maximum(settings) -> None:
    settings.WEBHOOK_RETRY_BASE_SECONDS = 10
    settings.WEBHOOK_RETRY_MAX_SECONDS = 100
    for attempts, full in [(1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (9, 100)]:
        waits = {webhooks.backoff(attempts).total_seconds() for _ in range(50)}
        assert all(full / 2 <= wait <= full for wait in waits)
        assert len(waits) > 1  # jittered


@pytest.mark.django_db
def test_a_receiver_that_is_down_is_retried_with_the_error_logged(receiver) -> None:
    endpoint = endpoint_for(receiver)
    receiver.close()
    log_claim()
    outcome = webhooks.deliver(WebhookDelivery.objects.get().pk)
    assert outcome.result == "retry"
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status_code is None
    assert "ConnectionRefusedError" in delivery.last_error
    endpoint.refresh_from_db()
    assert endpoint.active


@pytest.mark.django_db
def test_an_endpoint_that_keeps_failing_is_paused_and_its_owner_told(
    receiver, client, django_capture_on_commit_callbacks
) -> None:
    endpoint = endpoint_for(receiver)
    receiver.answers = [500] * 20
    for _ in range(2):
        log_claim()
    for delivery in WebhookDelivery.objects.all():
        for attempt in range(3):
            with (
                time_machine.travel(timezone.now() + dt.timedelta(hours=attempt + 1)),
                django_capture_on_commit_callbacks(execute=True),
            ):
                webhooks.deliver(delivery.pk)
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"failed"}
    endpoint.refresh_from_db()
    assert endpoint.paused_at is not None
    assert "2 deliveries in a row failed" in endpoint.paused_reason
    (email,) = mail.outbox
    assert email.to == ["desk@example.org"]
    assert "paused" in email.subject and endpoint.url in email.body
    client.force_login(endpoint.owner)
    page = client.get("/notifications/").content.decode()
    assert "Your webhook" in page and "was paused" in page
    # Paused: new events are not written for it.
    log_claim()
    assert WebhookDelivery.objects.count() == 2


@pytest.mark.django_db
def test_a_delivery_succeeding_ends_the_failure_streak(receiver) -> None:
    endpoint = endpoint_for(receiver)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failure_streak=1)
    log_claim()
    webhooks.deliver(WebhookDelivery.objects.get().pk)
    endpoint.refresh_from_db()
    assert endpoint.failure_streak == 0 and endpoint.active


@pytest.mark.django_db
def test_resuming_sends_the_events_that_waited(
    receiver, queued, django_capture_on_commit_callbacks
) -> None:
    endpoint = endpoint_for(receiver)
    log_claim()
    waiting = WebhookDelivery.objects.get()
    webhooks.pause_endpoint(endpoint=endpoint, reason="Paused by desk.")
    assert webhooks.deliver(waiting.pk).result == "skipped"
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.resume_endpoint(endpoint=endpoint) == 1
    assert queued == [waiting.pk]
    assert webhooks.deliver(waiting.pk).result == "delivered"


@pytest.mark.django_db
def test_beat_queues_again_only_deliveries_whose_task_was_lost(receiver, queued, settings) -> None:
    settings.WEBHOOK_REDELIVER_AFTER_SECONDS = 300
    endpoint = endpoint_for(receiver)
    log_claim()
    log_claim()
    lost, fresh = WebhookDelivery.objects.order_by("id")
    WebhookDelivery.objects.filter(pk=lost.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(minutes=6)
    )
    queued.clear()
    assert webhooks.redeliver_lost() == 1
    assert queued == [lost.pk]
    webhooks.pause_endpoint(endpoint=endpoint, reason="Paused by desk.")
    queued.clear()
    assert webhooks.redeliver_lost() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_given_the_same_delivery_send_it_once(receiver) -> None:
    endpoint_for(receiver)
    log_claim()
    delivery_id = WebhookDelivery.objects.get().pk
    receiver.delay = 0.3
    start = threading.Barrier(2)
    results: list[str] = []

    def worker() -> None:
        try:
            start.wait(10)
            results.append(webhooks.deliver(delivery_id).result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == ["delivered", "skipped"]
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get().attempts == 1


# --- Private addresses ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.0.0.5/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "ftp://example.org/hook",
    ],
)
def test_private_addresses_are_refused_unless_allowed(settings, url) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(webhooks.ValidationError):
        webhooks.check_url(url)


@pytest.mark.django_db
def test_an_address_gone_private_since_it_was_saved_is_refused_when_sent(
    receiver, settings
) -> None:
    endpoint_for(receiver)
    log_claim()
    settings.WEBHOOK_ALLOW_PRIVATE = False
    assert webhooks.deliver(WebhookDelivery.objects.get().pk).result == "retry"
    assert receiver.requests == []
    assert WebhookDelivery.objects.get().last_error.startswith("Refused: 127.0.0.1 resolves")


# --- Editors' pages ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_editors_see_the_webhook_pages(client, reviewer, receiver) -> None:
    endpoint = endpoint_for(receiver)
    client.force_login(reviewer)
    assert client.get("/settings/webhooks/").status_code == 403
    assert client.get(f"/settings/webhooks/{endpoint.pk}/").status_code == 403
    assert client.post(f"/settings/webhooks/{endpoint.pk}/rotate/").status_code == 403


@pytest.mark.django_db
def test_an_editor_adds_a_webhook_and_sees_its_secret_once(as_editor, editor, receiver) -> None:
    response = as_editor.post(
        "/settings/webhooks/new/",
        {
            "name": "Newsroom Slack",
            "url": receiver.url,
            "events": ["claim.resolved", "claim.overdue"],
            "format": "slack",
        },
    )
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.owner, endpoint.name, endpoint.format) == (editor, "Newsroom Slack", "slack")
    assert endpoint.events == ["claim.resolved", "claim.overdue"]
    assert endpoint.secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    later = as_editor.get(f"/settings/webhooks/{endpoint.pk}/").content.decode()
    assert endpoint.secret not in later
    assert "Claim resolved, Claim overdue" in later
    rotated = as_editor.post(f"/settings/webhooks/{endpoint.pk}/rotate/")
    old = endpoint.secret
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in rotated.content.decode()
    listing = as_editor.get("/settings/webhooks/").content.decode()
    assert "Newsroom Slack" in listing and "Active" in listing


@pytest.mark.django_db
def test_the_form_refuses_a_private_address_and_no_events(as_editor, settings) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = False
    response = as_editor.post(
        "/settings/webhooks/new/", {"url": "http://127.0.0.1:9/x", "format": "json"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Webhooks cannot be sent there" in page and "Choose at least one event." in page
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.django_db
def test_an_editor_edits_pauses_resumes_and_tests_a_webhook(
    as_editor, receiver, queued, django_capture_on_commit_callbacks
) -> None:
    endpoint = endpoint_for(receiver)
    response = as_editor.post(
        f"/settings/webhooks/{endpoint.pk}/edit/",
        {"name": "CMS 2", "url": receiver.url, "events": ["claim.created"], "format": "json"},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.events) == ("CMS 2", ["claim.created"])
    as_editor.post(f"/settings/webhooks/{endpoint.pk}/pause/")
    endpoint.refresh_from_db()
    assert not endpoint.active
    page = as_editor.get(f"/settings/webhooks/{endpoint.pk}/").content.decode()
    assert "Paused" in page and "Resume" in page
    as_editor.post(f"/settings/webhooks/{endpoint.pk}/resume/")
    endpoint.refresh_from_db()
    assert endpoint.active
    with django_capture_on_commit_callbacks(execute=True):
        as_editor.post(f"/settings/webhooks/{endpoint.pk}/test/")
    test = WebhookDelivery.objects.get(kind=WebhookEventKind.TEST)
    assert queued == [test.pk]
    receiver.answers = [418]
    webhooks.deliver(test.pk)
    log = as_editor.get(f"/settings/webhooks/{endpoint.pk}/").content.decode()
    assert "Test event" in log and "HTTP 418" in log and "Failed" in log


def test_the_readmes_verification_snippet_accepts_our_signature_and_refuses_a_replay() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("**Verifying signatures.**", 1)[1]
    snippet = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}
    exec(snippet, namespace)  # the receiver's code, as documented
    verify = namespace["verify"]
    body = b'{"event":"claim.created"}'
    now = int(time.time())
    assert verify(body, webhooks.signature(body=body, secret="k", timestamp=now), "k")
    assert not verify(body, webhooks.signature(body=body, secret="k", timestamp=now - 301), "k")
    assert not verify(b"{}", webhooks.signature(body=body, secret="k", timestamp=now), "k")


@pytest.mark.django_db
def test_the_task_queues_its_own_retry_for_when_the_backoff_ends(receiver, queued) -> None:
    endpoint_for(receiver)
    log_claim()
    delivery = WebhookDelivery.objects.get()
    queued.clear()
    receiver.answers = [500]
    assert tasks.deliver_webhook.apply(args=(delivery.pk,)).get() == "retry"
    assert queued == [delivery.pk]
    queued.clear()
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert tasks.deliver_webhook.apply(args=(delivery.pk,)).get() == "delivered"
    assert queued == []


@pytest.mark.slow
@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_delivers_an_event_retrying_a_failed_attempt(
    receiver, monkeypatch, settings
) -> None:
    monkeypatch.undo()  # the real apply_async: the task goes through Redis
    settings.WEBHOOK_RETRY_BASE_SECONDS = 1
    signals.task_postrun.connect(close_connections, weak=False)
    celery_app.control.purge()
    endpoint_for(receiver)
    receiver.answers = [503]
    try:
        # The worker runs in a thread of this process, so it uses the test database.
        with start_worker(
            celery_app,
            pool="solo",
            perform_ping_check=False,
            shutdown_timeout=30,
            loglevel="WARNING",
        ):
            log_claim()  # queues the delivery once committed
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).exists():
                    break
                time.sleep(0.2)
    finally:
        signals.task_postrun.disconnect(close_connections)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert [headers["Claimtrack-Event-Id"] for headers, _ in receiver.requests] == [
        str(delivery.event_id)
    ] * 2


def close_connections(**kwargs: object) -> None:
    # The in-thread worker keeps its own connection, which would stop pytest-django from
    # dropping the test database at the end.
    connections.close_all()


def test_an_editor_deletes_a_webhook_after_confirming_and_its_log_goes_with_it(
    as_editor, receiver, django_capture_on_commit_callbacks
) -> None:
    endpoint = endpoint_for(receiver)
    other = endpoint_for(receiver)
    with django_capture_on_commit_callbacks(execute=False):
        webhooks.send_test_event(endpoint=endpoint)
        webhooks.send_test_event(endpoint=other)
    question = as_editor.get(f"/settings/webhooks/{endpoint.pk}/delete/").content.decode()
    assert "Delete this webhook?" in question and "1 delivery" in question
    assert "still waiting to be sent is dropped" in question
    # A POST without the confirmation only asks again.
    again = as_editor.post(f"/settings/webhooks/{endpoint.pk}/delete/")
    assert again.status_code == 200 and "Delete this webhook?" in again.content.decode()
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    response = as_editor.post(f"/settings/webhooks/{endpoint.pk}/delete/", {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == "/settings/webhooks/"
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    assert not WebhookDelivery.objects.filter(endpoint_id=endpoint.pk).exists()
    assert WebhookDelivery.objects.filter(endpoint=other).count() == 1
    listing = as_editor.get("/settings/webhooks/").content.decode()
    assert "deleted, with its 1 delivery" in listing


def test_only_editors_delete_webhooks(client, reviewer, receiver) -> None:
    endpoint = endpoint_for(receiver)
    client.force_login(reviewer)
    assert (
        client.post(f"/settings/webhooks/{endpoint.pk}/delete/", {"confirm": "yes"}).status_code
        == 403
    )
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


@pytest.mark.django_db
def test_the_log_forgets_settled_deliveries_after_the_kept_days_but_never_pending_ones(
    receiver, settings, django_capture_on_commit_callbacks
) -> None:
    settings.WEBHOOK_LOG_DAYS = 30
    endpoint = endpoint_for(receiver)
    with django_capture_on_commit_callbacks(execute=False):
        rows = [webhooks.send_test_event(endpoint=endpoint) for _ in range(4)]
    old = timezone.now() - dt.timedelta(days=31)
    statuses = [
        DeliveryStatus.DELIVERED,
        DeliveryStatus.FAILED,
        DeliveryStatus.PENDING,
        DeliveryStatus.DELIVERED,
    ]
    for row, status in zip(rows, statuses, strict=True):
        WebhookDelivery.objects.filter(pk=row.pk).update(status=status, created_at=old)
    # The last one is recent: kept.
    WebhookDelivery.objects.filter(pk=rows[3].pk).update(created_at=timezone.now())
    assert tasks.prune_webhook_log() == 2
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {rows[2].pk, rows[3].pk}
