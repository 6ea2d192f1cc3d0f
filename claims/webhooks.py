"""Outgoing webhooks: what editors' endpoints hear of claims, signed, retried, logged.

PRODUCT.md, "Connect"; README, "Webhooks". An outbox, as the reminders are:

1. Queue. `queue_event(kind, claim)` runs inside the transaction of the change (claims.services)
   and writes one WebhookDelivery per active endpoint subscribed to the event, with the
   body's content frozen in it; a change rolled back leaves no delivery. Once committed, one
   `claims.tasks.deliver_webhook` task per row is queued. "Claim overdue" comes from the
   sweep (`queue_overdue`), under an event id made of the claim and its due date, so the
   unique (endpoint, event_id) keeps it to once per claim and due date however often the
   sweep runs, as reminder_once_per_step does for reminders.
2. Deliver. `deliver(delivery_id)` claims the row with a conditional UPDATE (attempts + 1,
   next_attempt_at moved past the send's timeout) before anything is sent, so two workers
   never send it at once; posts it, signed; a 2xx marks it delivered; anything else tries
   again later, the pause doubling with jitter, up to WEBHOOK_MAX_ATTEMPTS. A beat task
   (`redeliver_lost`) queues again the deliveries whose task was lost.
3. Pause. After WEBHOOK_PAUSE_AFTER_FAILURES deliveries in a row failed for good, the
   endpoint is paused (no new deliveries, the pending ones wait) and its owner is told by
   email and on their notifications page. Resuming sends what waited.

Endpoints on private or loopback addresses are refused, when saved and when sent (the
address a name resolves to is checked, then connected to), unless WEBHOOK_ALLOW_PRIVATE.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import random
import secrets
import socket
import ssl
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from .models import (
    Claim,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEventKind,
    WebhookFormat,
    newsroom_today,
)

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Claimtrack-Signature"
EVENT_ID_HEADER = "Claimtrack-Event-Id"
EVENT_HEADER = "Claimtrack-Event"
# What a receiver should accept between the signature's time and its own clock.
REPLAY_TOLERANCE_SECONDS = 300
# Overdue events' ids are derived from (claim, due date) in this namespace.
OVERDUE_NAMESPACE = uuid.UUID("6f1d3c1e-6b0e-4b8e-9a4e-5c2a1b7d0e13")
# The events an endpoint can subscribe to (the test event is sent on request only).
SUBSCRIBABLE = [
    WebhookEventKind.CREATED,
    WebhookEventKind.RESOLVED,
    WebhookEventKind.DEADLINE_MOVED,
    WebhookEventKind.OVERDUE,
]
# Bytes of a receiver's answer read (and dropped): enough to reuse nothing, bounded.
MAX_RESPONSE_BYTES = 64 * 1024
# Deliveries queued again per beat run; the rest wait for the next minute.
REDELIVER_BATCH = 1000


class UnsafeAddress(Exception):
    """The endpoint's host resolves to an address webhooks may not reach."""


# --- Endpoints ------------------------------------------------------------------------------


def new_secret() -> str:
    return secrets.token_hex(32)


def _addresses(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def safe_addresses(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to, if every one may be reached; UnsafeAddress if not.

    Every one: a name resolving to a public and a private address could be connected to
    either.
    """
    try:
        addresses = _addresses(host, port)
    except (OSError, UnicodeError) as exc:
        raise UnsafeAddress(f"{host} does not resolve ({exc})") from exc
    if not addresses:
        raise UnsafeAddress(f"{host} does not resolve")
    if not settings.WEBHOOK_ALLOW_PRIVATE:
        private = [a for a in addresses if not _is_public(a)]
        if private:
            raise UnsafeAddress(f"{host} resolves to a private address ({private[0]})")
    return addresses


def check_url(url: str) -> None:
    """Refuse an endpoint address webhooks cannot or may not post to (a ValidationError)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("Give an http:// or https:// address.")
    if parts.username or parts.password:
        raise ValidationError("Leave the user name and password out of the address.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        safe_addresses(parts.hostname, port)
    except ValueError as exc:  # a port out of range
        raise ValidationError(f"The address is not valid: {exc}.") from exc
    except UnsafeAddress as exc:
        raise ValidationError(
            f"Webhooks cannot be sent there: {exc}. Use an address on the internet."
        ) from exc


def create_endpoint(
    *, owner: Any, url: str, events: Sequence[str], format: str, name: str = ""
) -> WebhookEndpoint:
    """Set up an endpoint; its secret is on the returned object, to be shown once."""
    check_url(url)
    return WebhookEndpoint.objects.create(
        owner=owner,
        name=name.strip(),
        url=url,
        events=[e for e in SUBSCRIBABLE if e in events],
        format=format,
        secret=new_secret(),
    )


def update_endpoint(
    *, endpoint: WebhookEndpoint, url: str, events: Sequence[str], format: str, name: str = ""
) -> WebhookEndpoint:
    check_url(url)
    endpoint.url = url
    endpoint.name = name.strip()
    endpoint.events = [e for e in SUBSCRIBABLE if e in events]
    endpoint.format = format
    endpoint.save(update_fields=["url", "name", "events", "format"])
    return endpoint


def rotate_secret(*, endpoint: WebhookEndpoint) -> str:
    """A new secret; deliveries signed from now on use it (pending ones included)."""
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint.secret


def pause_endpoint(*, endpoint: WebhookEndpoint, reason: str) -> bool:
    """Pause, unless paused already; True if this call paused it."""
    paused = WebhookEndpoint.objects.filter(pk=endpoint.pk, paused_at__isnull=True).update(
        paused_at=timezone.now(), paused_reason=reason[:300]
    )
    endpoint.refresh_from_db()
    return paused == 1


def resume_endpoint(*, endpoint: WebhookEndpoint) -> int:
    """Resume, and send the deliveries that waited now; how many there are."""
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            paused_at=None, paused_reason="", failure_streak=0
        )
        waiting = endpoint.deliveries.filter(status=DeliveryStatus.PENDING)
        ids = list(waiting.values_list("pk", flat=True))
        waiting.update(next_attempt_at=timezone.now())
        transaction.on_commit(lambda: enqueue(ids))
    endpoint.refresh_from_db()
    return len(ids)


def delete_endpoint(*, endpoint: WebhookEndpoint) -> int:
    """Remove an endpoint with its delivery log; events still waiting are dropped with it
    (a running delivery that claimed one finds its row gone and sends nothing more). How
    many deliveries went with it."""
    with transaction.atomic():
        deliveries = endpoint.deliveries.count()
        WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()
    return deliveries


def send_test_event(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A "test" event to this endpoint, paused or not subscribed, logged like the others."""
    event_id = uuid.uuid4()
    payload = {
        "id": str(event_id),
        "event": WebhookEventKind.TEST.value,
        "created_at": timezone.now().isoformat(),
        "claim": None,
        "link": settings.SITE_URL + reverse("claims:webhook_detail", args=[endpoint.pk]),
    }
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event_id=event_id, kind=WebhookEventKind.TEST, payload=payload
        )
        transaction.on_commit(lambda: enqueue([delivery.pk]))
    return delivery


# --- Queueing events ------------------------------------------------------------------------


def claim_link(claim: Claim) -> str:
    return settings.SITE_URL + claim.get_absolute_url()


def claim_body(claim: Claim) -> dict[str, object]:
    """The claim as every event carries it, as it stands when the event is queued."""
    return {
        "id": claim.pk,
        "statement": claim.statement,
        "claimant": claim.claimant.name if claim.claimant else None,
        "claim_type": claim.claim_type,
        "status": claim.status,
        "status_label": claim.get_status_display(),
        "reason_code": claim.reason_code or None,
        "time_phrase": claim.time_phrase,
        "earliest_date": claim.earliest_date.isoformat() if claim.earliest_date else None,
        "due_date": claim.due_date.isoformat() if claim.due_date else None,
        "window": claim.window_display(),
        "outcome_date": claim.outcome_date.isoformat() if claim.outcome_date else None,
        "article": {"title": claim.article.title, "url": claim.article.url},
        "link": claim_link(claim),
    }


def _subscribed(kind: str) -> list[WebhookEndpoint]:
    # Filtered here rather than with a JSON lookup, which SQLite lacks: endpoints are few.
    active = WebhookEndpoint.objects.filter(paused_at__isnull=True)
    return [endpoint for endpoint in active if kind in endpoint.events]


def _payload(
    *, event_id: uuid.UUID, kind: str, claim: Claim, now: dt.datetime, data: dict[str, object]
) -> dict[str, object]:
    return {
        "id": str(event_id),
        "event": kind,
        "created_at": now.isoformat(),
        "claim": claim_body(claim),
        "link": claim_link(claim),
        **({"data": data} if data else {}),
    }


def queue_event(kind: str, claim: Claim, *, data: dict[str, object] | None = None) -> int:
    """Write the deliveries of one event, in the caller's transaction; queue them on commit.

    How many were written (one per active endpoint subscribed to `kind`).
    """
    endpoints = _subscribed(kind)
    if not endpoints:
        return 0
    now = timezone.now()
    event_id = uuid.uuid4()
    payload = _payload(event_id=event_id, kind=kind, claim=claim, now=now, data=data or {})
    rows = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event_id=event_id,
            kind=kind,
            claim=claim,
            payload=payload,
            next_attempt_at=now,
            created_at=now,
        )
        for endpoint in endpoints
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: enqueue(ids))
    return len(ids)


def overdue_event_id(claim_id: int, due_date: dt.date) -> uuid.UUID:
    """The one id of "claim overdue" for a claim and its due date."""
    return uuid.uuid5(OVERDUE_NAMESPACE, f"{claim_id}:{due_date.isoformat()}")


def queue_overdue(claims: Iterable[tuple[int, dt.date]]) -> int:
    """ "Claim overdue" for these (claim id, due date), in the sweep's transaction.

    Conflicts are ignored: the event id is the same every time for a claim and due date,
    so a sweep that sees the claim again (a later step, a retried sweep) writes nothing.
    """
    endpoints = _subscribed(WebhookEventKind.OVERDUE)
    due = dict(claims)
    if not endpoints or not due:
        return 0
    now = timezone.now()
    rows: list[WebhookDelivery] = []
    event_ids: list[uuid.UUID] = []
    for claim in Claim.objects.filter(pk__in=due).select_related("article", "claimant"):
        event_id = overdue_event_id(claim.pk, due[claim.pk])
        event_ids.append(event_id)
        payload = _payload(
            event_id=event_id,
            kind=WebhookEventKind.OVERDUE,
            claim=claim,
            now=now,
            data={"days_overdue": (newsroom_today(now) - due[claim.pk]).days},
        )
        rows.extend(
            WebhookDelivery(
                endpoint=endpoint,
                event_id=event_id,
                kind=WebhookEventKind.OVERDUE,
                claim=claim,
                payload=payload,
                next_attempt_at=now,
                created_at=now,
            )
            for endpoint in endpoints
        )
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)

    def queue_new() -> None:
        # Those never tried: the ids of rows just written (conflicts give back none).
        ids = WebhookDelivery.objects.filter(
            event_id__in=event_ids, status=DeliveryStatus.PENDING, attempts=0
        ).values_list("pk", flat=True)
        enqueue(list(ids))

    transaction.on_commit(queue_new)
    return len(rows)


def enqueue(ids: Sequence[int]) -> int:
    """Queue one delivery task per id; never raises. With the broker away the rows wait in
    the outbox, and the beat task queues them again (`redeliver_lost`)."""
    from . import tasks

    queued = 0
    for delivery_id in ids:
        try:
            tasks.deliver_webhook.apply_async(args=(delivery_id,), retry=False)
        except Exception as exc:  # kombu and redis-py raise many kinds of errors
            logger.warning(
                "Could not queue %d webhook deliveries (%s: %s); beat will queue them again",
                len(ids) - queued,
                type(exc).__name__,
                exc,
            )
            break
        queued += 1
    return queued


def redeliver_lost(now: dt.datetime | None = None) -> int:
    """Queue again the pending deliveries of active endpoints overdue by
    WEBHOOK_REDELIVER_AFTER_SECONDS: their task was lost, or their worker died mid-send
    (the claim's lease ran out). A second task for a row still queued costs nothing: the
    claim lets one send it."""
    now = now or timezone.now()
    late = now - dt.timedelta(seconds=settings.WEBHOOK_REDELIVER_AFTER_SECONDS)
    ids = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=late,
            endpoint__paused_at__isnull=True,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:REDELIVER_BATCH]
    )
    return enqueue(ids)


def prune_log(now: dt.datetime | None = None) -> int:
    """Forget deliveries settled (delivered, or failed for good) more than WEBHOOK_LOG_DAYS
    ago: the log is for seeing what an endpoint got lately, and the outbox would otherwise
    grow by every event forever. Pending deliveries are kept whatever their age. How many
    went."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.WEBHOOK_LOG_DAYS)
    deleted, _ = WebhookDelivery.objects.filter(
        status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.FAILED], created_at__lt=cutoff
    ).delete()
    return deleted


# --- Signing --------------------------------------------------------------------------------


def signature(*, body: bytes, secret: str, timestamp: int) -> str:
    """The Claimtrack-Signature header: t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(
    *,
    body: bytes,
    header: str,
    secret: str,
    now: float,
    tolerance: int = REPLAY_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does (README, "Verifying signatures"): recompute, compare in
    constant time, and refuse a timestamp further than `tolerance` seconds from now."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(body=body, secret=secret, timestamp=timestamp)
    return hmac.compare_digest(
        expected.encode(), f"t={fields['t']},v1={fields.get('v1', '')}".encode()
    )


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_text(payload: dict[str, Any]) -> str:
    """The event as one Slack mrkdwn message, the claim linked."""
    label = dict(WebhookEventKind.choices).get(payload["event"], payload["event"])
    claim = payload.get("claim")
    if not claim:
        return f"*{label}* from Claimtrack: <{payload['link']}|this endpoint works>."
    statement = _slack_escape(claim["statement"][:300])
    lines = [f"*{label}*: <{claim['link']}|{statement}>"]
    details = []
    if claim.get("claimant"):
        details.append(_slack_escape(claim["claimant"]))
    details.append(_slack_escape(claim["window"]))
    details.append(claim["status_label"])
    lines.append(" · ".join(details))
    return "\n".join(lines)


def body_of(delivery: WebhookDelivery, endpoint: WebhookEndpoint) -> bytes:
    if endpoint.format == WebhookFormat.SLACK:
        return json.dumps({"text": slack_text(delivery.payload)}).encode()
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def headers_for(
    *, delivery: WebhookDelivery, endpoint: WebhookEndpoint, body: bytes, now: dt.datetime
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "Claimtrack-Webhooks/1",
        EVENT_HEADER: delivery.kind,
        EVENT_ID_HEADER: str(delivery.event_id),
        SIGNATURE_HEADER: signature(
            body=body, secret=endpoint.secret, timestamp=int(now.timestamp())
        ),
    }


# --- Delivering -----------------------------------------------------------------------------


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, not to whatever the name resolves to by
    then (DNS rebinding); the Host header stays the name."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address
        self._create_connection = self._connect_pinned

    def _connect_pinned(self, target: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        return socket.create_connection((self._address, target[1]), *args, **kwargs)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As _PinnedHTTPConnection, the certificate checked against the name (SNI too)."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address
        self._create_connection = self._connect_pinned

    def _connect_pinned(self, target: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        return socket.create_connection((self._address, target[1]), *args, **kwargs)


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST to `url` (its address checked again); the status code. Redirects are not
    followed: one could lead to a private address."""
    parts = urlsplit(url)
    if parts.hostname is None:
        raise UnsafeAddress("the address has no host")
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    address = safe_addresses(parts.hostname, port)[0]
    connection_class = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
    conn = connection_class(parts.hostname, port, address=address, timeout=timeout)
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(MAX_RESPONSE_BYTES)
        return response.status
    finally:
        conn.close()


def backoff(attempts: int) -> dt.timedelta:
    """The pause after the `attempts`-th failed attempt: doubling from the base, at most the
    maximum, with "equal jitter" (between half and all of it) so that the deliveries that
    failed together (a receiver down) do not all come back at the same second."""
    delay = min(
        settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1),
        settings.WEBHOOK_RETRY_MAX_SECONDS,
    )
    return dt.timedelta(seconds=delay * random.uniform(0.5, 1.0))


def _lease() -> dt.timedelta:
    # Longer than a send can take (connect + answer timeouts), plus room for the worker.
    return dt.timedelta(seconds=2 * settings.WEBHOOK_TIMEOUT_SECONDS + 30)


@dataclass(frozen=True)
class Outcome:
    result: str  # "delivered", "retry", "failed", "skipped"
    status_code: int | None = None
    retry_in: float | None = None


def deliver(delivery_id: int, *, now: dt.datetime | None = None) -> Outcome:
    """Send one delivery if it is due and its endpoint active; record what happened.

    The conditional UPDATE is the claim: of two workers given the same row, one matches it
    (and moves next_attempt_at past the send), the other does nothing.
    """
    now = now or timezone.now()
    state = (
        WebhookDelivery.objects.filter(pk=delivery_id)
        .values_list("kind", "endpoint__paused_at")
        .first()
    )
    if state is None:
        return Outcome("skipped")
    kind, paused_at = state
    if paused_at is not None and kind != WebhookEventKind.TEST:
        # A paused endpoint's deliveries wait; the test event goes to it all the same.
        return Outcome("skipped")
    # Conditions on the row's own columns only: with a join, Django moves them into a
    # subquery that PostgreSQL does not check again once a concurrent claim commits, and
    # both workers would send (seen in test_two_workers_given_the_same_delivery_send_it_once).
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + _lease())
    if claimed != 1:
        return Outcome("skipped")
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    body = body_of(delivery, endpoint)
    status_code: int | None = None
    error = ""
    try:
        status_code = post(
            endpoint.url,
            body=body,
            headers=headers_for(delivery=delivery, endpoint=endpoint, body=body, now=now),
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
        )
    except UnsafeAddress as exc:
        error = f"Refused: {exc}"
    except (OSError, http.client.HTTPException, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if status_code is not None and 200 <= status_code < 300:
        return _delivered(delivery, status_code=status_code)
    if status_code is not None:
        error = f"HTTP {status_code}"
    return _failed(delivery, status_code=status_code, error=error)


def _delivered(delivery: WebhookDelivery, *, status_code: int) -> Outcome:
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.DELIVERED,
            delivered_at=timezone.now(),
            last_status_code=status_code,
            last_error="",
        )
        # Written only when there is a streak to end: one UPDATE less per delivery.
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, failure_streak__gt=0).update(
            failure_streak=0
        )
    return Outcome("delivered", status_code)


def _failed(delivery: WebhookDelivery, *, status_code: int | None, error: str) -> Outcome:
    now = timezone.now()
    if delivery.attempts < settings.WEBHOOK_MAX_ATTEMPTS and delivery.kind != WebhookEventKind.TEST:
        wait = backoff(delivery.attempts)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=now + wait, last_status_code=status_code, last_error=error[:500]
        )
        return Outcome("retry", status_code, wait.total_seconds())
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, last_status_code=status_code, last_error=error[:500]
        )
        if delivery.kind == WebhookEventKind.TEST:
            return Outcome("failed", status_code)
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(
            failure_streak=F("failure_streak") + 1
        )
        endpoint = WebhookEndpoint.objects.get(pk=delivery.endpoint_id)
        if endpoint.failure_streak >= settings.WEBHOOK_PAUSE_AFTER_FAILURES:
            reason = (
                f"{endpoint.failure_streak} deliveries in a row failed after "
                f"{settings.WEBHOOK_MAX_ATTEMPTS} attempts each; the last: {error}."
            )
            if pause_endpoint(endpoint=endpoint, reason=reason):
                transaction.on_commit(lambda: tell_owner_paused(endpoint))
    return Outcome("failed", status_code)


def tell_owner_paused(endpoint: WebhookEndpoint) -> None:
    """Email the owner (their notifications page shows it too, from paused_at)."""
    owner = endpoint.owner
    if not owner.email:
        return
    link = settings.SITE_URL + reverse("claims:webhook_detail", args=[endpoint.pk])
    try:
        send_mail(
            subject=f"Webhook paused: {endpoint}",
            message=(
                f"Claimtrack paused your webhook {endpoint} ({endpoint.url}).\n\n"
                f"{endpoint.paused_reason}\n\n"
                "Events are kept while it is paused. Fix the receiver, then resume it here:\n"
                f"{link}\n"
            ),
            from_email=None,
            recipient_list=[owner.email],
        )
    except Exception as exc:  # the page says it too; a mail server away must not fail the task
        logger.warning("Could not email %s that webhook %s was paused: %s", owner, endpoint.pk, exc)
