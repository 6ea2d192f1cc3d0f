"""Hostile input on every URL, as every role: nothing may answer 500.

The URL patterns come from the resolver, so a new page is covered the day it is added.
Each pattern is requested with hostile values in its path arguments, in every query
parameter a view reads (and a few no view reads), and in every field of the form it
posts; a role the view refuses gets the same hostile requests once, unread. Query bases
(`?view=resolved`, `?form=resolve`, `?article=1&time_phrase=…`) are harvested from the
links and htmx attributes of our own pages, so the hostile value meets the code path that
reads it (a cursor is read only by the list it belongs to).

Run on SQLite locally and on PostgreSQL in CI, which refuses more (NUL bytes in text,
offsets past ±15:59, integers past 64 bits): both must answer with a 4xx or ignore it.

Django's admin site is not ours: its own URLs are left out, except a few GETs.
"""

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import Form
from django.http import HttpResponse
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from articles.forms import ArticleForm, ArticleUploadForm
from claims.forms import (
    AssignForm,
    ClaimEditForm,
    ClaimForm,
    DeadlineForm,
    EvidenceForm,
    PublishForm,
    ReopenForm,
    ResolveForm,
    SnoozeForm,
    TakeForm,
    WebhookEndpointForm,
)
from claims.models import Channel, Claim, Reminder, WebhookEndpoint, newsroom_today
from tests.factories import ArticleFactory, ClaimFactory, TagFactory, UserFactory

# Thousands of requests: a minute on SQLite, more on PostgreSQL; out of the fast loop.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ROLES = ["anonymous", "reader", "reviewer", "editor", "admin"]

# Sent raw in the query string or the form body: bytes that are not UTF-8.
INVALID_UTF8 = object()

HOSTILE: list[object] = [
    "\x00",
    "a" * 100_000,
    "9" * 30,
    "-1",
    "9999-12-31",
    "2025-02-30",
    "0001-01-01",
    "2025-06-01T00:00:00+20:00_1",
    "9999-12-31T23:59:59-15:00_99999999999999999999",
    "<script>alert(1)</script>",
    "\u202e\ufeff\U0001f4a5",
    INVALID_UTF8,
]

# Every query parameter a view reads (grep request.GET in the views and the filter forms),
# and two no view reads.
QUERY_PARAMS = [
    "q",
    "view",
    "after",
    "who",
    "claimant",
    "outlet",
    "tag",
    "type",
    "article",
    "time_phrase",
    "phrase",
    "quote",
    "quote_start",
    "quote_end",
    "page",
    "part",
    "form",
    "version",
    "published_from",
    "published_to",
    "next",
    "cursor",
    "limit",
    "zzz",
    "a[]",
]

# Path arguments take the hostile values their converter lets through the resolver.
PATH_VALUES = ["0", "1", "99999999999999999999", "9" * 30, "-1", "abc", "%ff%fe", "a" * 2000]

ADMIN_GETS = ["/admin/", "/admin/claims/claim/", "/admin/claims/claim/?q=bridge"]

HTMX = {"HTTP_HX_REQUEST": "true"}


@dataclass
class World:
    """The rows a request can name, made afresh for each pattern so one pattern's changes
    (a claim resolved, an article edited) never hide another's code paths."""

    article_pk: int
    claim_pk: int
    reminder_pk: int
    reviewer_pk: int
    tag_slug: str
    endpoint_pk: int

    def real(self, name: str, namespace: str) -> str:
        if name == "article_pk" or namespace == "articles":
            return str(self.article_pk)
        if namespace == "notifications":
            return str(self.reminder_pk)
        if name == "kind":
            return "ical"
        if name == "endpoint_pk":
            return str(self.endpoint_pk)
        return str(self.claim_pk)

    def version(self) -> int:
        return Claim.objects.values_list("version", flat=True).get(pk=self.claim_pk)


def make_world(users: dict[str, object]) -> World:
    tag = TagFactory(name="roads", slug="roads")
    article = ArticleFactory()
    claim = ClaimFactory(article=article, assignee=users["reviewer"])
    claim.tags.add(tag)
    reminders = [
        Reminder.objects.create(
            claim=claim,
            recipient=user,
            due_date=claim.due_date,
            step=0,
            channel=Channel.IN_APP,
        )
        for user in users.values()
    ]
    endpoint = WebhookEndpoint.objects.create(
        owner=users["editor"], url="https://hooks.example/claimtrack", events=["claim.created"]
    )
    return World(article.pk, claim.pk, reminders[0].pk, users["reviewer"].pk, tag.slug, endpoint.pk)


# --- The forms each posting pattern takes, with a valid value for each field ---------------


# Inline changes from a dashboard row also carry the row's filters back.
ROW_FILTERS = {"from": "dashboard", "next": "/?view=overdue", "view": "overdue", "who": "all"}


def valid_post(name: str, world: World) -> dict[str, object]:
    """What a well-behaved browser posts to the pattern called `name`; hostile values then
    replace one field at a time. A posting pattern missing here fails the test."""
    today = newsroom_today()
    claim = {
        "statement": "The bridge will open",
        "claimant": "The minister",
        "claim_type": "prediction",
        "time_phrase": "within two weeks",
        "earliest_date": "2025-10-20",
        "due_date": "2025-10-31",
        "precision": "week",
        "resolution_criteria": "Cars cross it.",
        "tags": "roads, bridges",
    }
    row = dict(ROW_FILTERS)
    version = {"version": world.version()}
    api_claim = {
        "article": world.article_pk,
        "statement": "The bridge will open",
        "quote": "the bridge will open within two weeks",
        "claimant": "The minister",
        "time_phrase": "within two weeks",
        "due_date": "2025-10-31",
        "precision": "week",
        "assignee": world.reviewer_pk,
        "tags": ["roads", "bridges"],
    }
    forms: dict[str, tuple[type[Form] | None, dict[str, object]]] = {
        "claims:create": (
            ClaimForm,
            {
                **claim,
                "quote": "the bridge will open within two weeks",
                "quote_start": "",
                "quote_end": "",
                "assignee": str(world.reviewer_pk),
            },
        ),
        "claims:edit": (ClaimEditForm, {**claim, **version}),
        "claims:resolve": (
            ResolveForm,
            {
                **row,
                **version,
                "status": "not_fulfilled",
                "reason_code": "cancelled",
                "outcome_date": "2025-11-02",
                "note": "Called off.",
                "evidence_url": "https://news.example/off",
                "evidence_title": "Called off",
            },
        ),
        "claims:reopen": (ReopenForm, {**row, **version, "note": "Too early."}),
        "claims:evidence": (
            EvidenceForm,
            {**row, **version, "url": "https://news.example/a", "title": "A", "note": "B"},
        ),
        "claims:deadline": (
            DeadlineForm,
            {
                **row,
                **version,
                "due_date": "2025-12-01",
                "earliest_date": "2025-11-20",
                "reason": "Postponed by the ministry.",
            },
        ),
        "claims:snooze": (
            SnoozeForm,
            {
                **row,
                **version,
                "until": (today + dt.timedelta(days=10)).isoformat(),
                "reason": "After the summit.",
            },
        ),
        "claims:take": (TakeForm, {**row, **version}),
        "claims:assign": (AssignForm, {**row, **version, "assignee": str(world.reviewer_pk)}),
        "claims:publish": (PublishForm, {**version}),
        "claims:unpublish": (PublishForm, {**version}),
        "articles:create": (
            ArticleForm,
            {
                "paste-title": "A title",
                "paste-dek": "A dek",
                "paste-url": "https://news.example/new",
                "paste-published_date": "2025-10-17",
                "paste-authors": "A. Writer",
                "paste-language": "en",
                "paste-body": "The council said the road will reopen next week.",
                "paste-outlet_name": "The Example",
            },
        ),
        "articles:edit": (
            ArticleForm,
            {
                "paste-title": "A title",
                "paste-dek": "A dek",
                "paste-url": "https://news.example/edit",
                "paste-published_date": "2025-10-17",
                "paste-authors": "A. Writer",
                "paste-language": "en",
                "paste-body": "The minister said the bridge will open within two weeks.",
                "paste-outlet_name": "The Example",
            },
        ),
        "articles:upload": (
            ArticleUploadForm,
            {
                "upload-file": SimpleUploadedFile(
                    "a.txt", b"date 2025-10-17 A dek\n\nThe road will reopen next week.\n"
                )
            },
        ),
        # Suggestion buttons post nothing but the CSRF token: the path says what to do.
        "claims:suggest": (None, {}),
        "claims:suggestion_log": (None, {}),
        "claims:suggestion_dismiss": (None, {}),
        "claims:suggestion_source": (None, {}),
        # Renew (or, with "revoke", stop) one's feed address: the path names the feed.
        "claims:feed_token": (None, {"action": "renew"}),
        # Webhooks: an endpoint's address and events; the buttons post nothing else.
        "claims:webhook_create": (
            WebhookEndpointForm,
            {
                "name": "CMS",
                "url": "https://hooks.example/claimtrack",
                "events": "claim.created",
                "format": "json",
            },
        ),
        "claims:webhook_edit": (
            WebhookEndpointForm,
            {
                "name": "CMS",
                "url": "https://hooks.example/claimtrack",
                "events": "claim.resolved",
                "format": "slack",
            },
        ),
        "claims:webhook_rotate": (None, {}),
        "claims:webhook_pause": (None, {}),
        "claims:webhook_resume": (None, {}),
        "claims:webhook_test": (None, {}),
        "claims:webhook_delete": (None, {"confirm": "yes"}),
        # The JSON API's resources (api/): JSON bodies, so a form's fields are only noise
        # to them; each must still answer 4xx, never 500. (tests/api/ posts them as JSON.)
        "api:list_articles": (None, {"title": "A title", "body": "A body."}),
        "api:create_article": (None, {"title": "A title", "body": "A body."}),
        "api:upload_article": (
            None,
            {"file": SimpleUploadedFile("a.txt", b"date 2025-10-17 A dek\n\nA body.\n")},
        ),
        "api:add_alias": (None, {"alias": "Another name"}),
        "api:mark_read": (None, {}),
        "api:mark_all_read": (None, {}),
        "api:log_suggestion": (None, {}),
        "api:dismiss_suggestion": (None, {}),
        "api:add_as_source": (None, {"claim_id": "1"}),
        # Pages that answer a POST as a GET: nothing posted is read, all is sent hostile.
        "articles:list": (None, {}),
        "articles:detail": (None, {}),
        "notifications:read": (None, {"page": "1"}),
        "notifications:read_all": (None, {"page": "1"}),
        "login": (None, {"username": "reviewer", "password": "wrong"}),
        "logout": (None, {}),
        "password_change": (
            None,
            {"old_password": "x", "new_password1": "y", "new_password2": "y"},
        ),
        "password_reset": (None, {"email": "reviewer@example.org"}),
        "password_reset_confirm": (None, {"new_password1": "y", "new_password2": "y"}),
        # Personal API tokens on the settings page.
        "api_tokens:create": (None, {"name": "CMS sync", "access": "write"}),
        "api_tokens:revoke": (None, {}),
        # The JSON API (sent as JSON, see post()): each operation names a URL pattern of
        # its path, so POST /api/v1/claims/ (logging a claim) is list_claims' too.
        "api:create_claim": (None, api_claim),
        "api:list_claims": (None, api_claim),
        "api:resolve_claim": (
            None,
            {
                **version,
                "status": "not_fulfilled",
                "reason_code": "cancelled",
                "outcome_date": "2025-11-02",
                "note": "Called off.",
                "evidence_url": "https://news.example/off",
                "evidence_title": "Called off",
                "public_note": "Called off.",
            },
        ),
        "api:reopen_claim": (None, {**version, "note": "Too early."}),
        "api:add_evidence": (
            None,
            {**version, "url": "https://news.example/a", "title": "A", "note": "B"},
        ),
        "api:move_deadline": (
            None,
            {
                **version,
                "due_date": "2025-12-01",
                "earliest_date": "2025-11-20",
                "reason": "Postponed by the ministry.",
            },
        ),
        "api:snooze_claim": (
            None,
            {
                **version,
                "until": (today + dt.timedelta(days=10)).isoformat(),
                "reason": "After the summit.",
            },
        ),
        "api:take_claim": (None, {**version}),
        "api:assign_claim": (None, {**version, "assignee": world.reviewer_pk}),
    }
    if name not in forms:
        raise LookupError(name)
    _form, data = forms[name]
    return data


def encode(value: object) -> str:
    if value is INVALID_UTF8:
        return "%ff%fe"
    return quote(str(value), safe="")


def query_string(params: dict[str, object]) -> str:
    return "&".join(f"{quote(k, safe='')}={encode(v)}" for k, v in params.items())


def post(client: Client, url: str, data: dict[str, object], **headers: str) -> int:
    """POST `data`, as multipart if it holds a file (or hostile bytes in place of one),
    otherwise url-encoded byte for byte so INVALID_UTF8 reaches the server as it is; to the
    JSON API as JSON, INVALID_UTF8 as those bytes inside a JSON string (but an upload to the
    API, which takes a file, as multipart too)."""
    has_file = any(isinstance(v, SimpleUploadedFile) for v in data.values())
    if url.startswith("/api/") and not has_file:
        marker = "\ue000invalid\ue000"
        body = json.dumps(
            {k: marker if v is INVALID_UTF8 else v for k, v in data.items()}, ensure_ascii=False
        ).encode()
        body = body.replace(json.dumps(marker, ensure_ascii=False).encode(), b'"\xff\xfe"')
        return client.post(url, body, content_type="application/json", **headers).status_code
    if has_file:
        files = {}
        for key, value in data.items():
            if isinstance(value, SimpleUploadedFile):
                value.seek(0)
                files[key] = value
            elif value is INVALID_UTF8:
                files[key] = SimpleUploadedFile("x.txt", b"\xff\xfe")
            else:
                files[key] = str(value)
        return client.post(url, files, **headers).status_code
    body = query_string(data)
    return client.post(
        url, body, content_type="application/x-www-form-urlencoded", **headers
    ).status_code


# --- URL patterns ------------------------------------------------------------------------


@dataclass
class Pattern:
    route: str
    name: str  # namespaced: "claims:detail"
    namespace: str
    converters: dict[str, object] = field(default_factory=dict)

    def paths(self, world: World) -> Iterator[str]:
        """The path with real ids, then with each argument hostile in turn."""
        names = re.findall(r"<(?:\w+:)?(\w+)>", self.route)
        real = {n: world.real(n, self.namespace) for n in names}
        yield self.fill(real)
        for name in names:
            regex = self.converters[name].regex
            for value in PATH_VALUES:
                if value != real[name] and re.fullmatch(regex, value):
                    yield self.fill({**real, name: value})

    def fill(self, values: dict[str, str]) -> str:
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], self.route)


def patterns(
    resolvers: list | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[Pattern]:
    for entry in get_resolver().url_patterns if resolvers is None else resolvers:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin is not ours: a few GETs below, no more.
            yield from patterns(entry.url_patterns, prefix + route, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            converters = {**getattr(entry.pattern, "converters", {})}
            yield Pattern(prefix + route, name, namespace, converters)


# --- Harvesting query bases from our own pages ----------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "hx-get", "action") and value:
                self.urls.append(value)


def harvest_queries(client: Client, paths: list[str]) -> dict[str, list[dict[str, str]]]:
    """Query strings our pages put on each pattern's URLs, by the pattern's name: the modes
    each view is entered in."""
    found: dict[str, list[dict[str, str]]] = {}
    for path in paths:
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for url in parser.urls:
            parts = urlsplit(url)
            target = parts.path or path
            if parts.netloc or not parts.query:
                continue
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            try:
                match = resolve(target)
            except Resolver404:
                continue
            bases = found.setdefault(match.view_name, [])
            if query not in bases:
                bases.append(query)
    # A handful of distinct modes per path is enough: the first of each set of keys and
    # each `view`/`form`/`part` they name.
    for target, bases in found.items():
        kept: dict[tuple, dict[str, str]] = {}
        for query in bases:
            mode = (
                tuple(sorted(query)),
                query.get("view"),
                query.get("form"),
                query.get("part"),
            )
            kept.setdefault(mode, query)
        found[target] = list(kept.values())[:4]
    return found


# --- The test -------------------------------------------------------------------------------


@pytest.fixture
def users(db) -> dict[str, object]:
    return {
        "reader": UserFactory(username="reader", groups=["Readers"]),
        "reviewer": UserFactory(username="reviewer", groups=["Reviewers"]),
        "editor": UserFactory(username="editor", groups=["Editors"]),
        "admin": UserFactory(username="admin", is_staff=True, is_superuser=True),
    }


def client_for(role: str, users: dict[str, object]) -> Client:
    # Exceptions become the 500 a user would get, so one failure names its request and the
    # others are still tried.
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(users[role])
    return client


def refused(response: HttpResponse) -> bool:
    """The role cannot use the view at all: sent to log in, or forbidden."""
    if response.status_code == 302:
        return "login" in response["Location"]
    return response.status_code in (401, 403)


def first_allowed(clients: dict[str, Client], method: str, path: str) -> str | None:
    """The least privileged role the view lets in; it gets the field-by-field matrix, the
    other roles only everything hostile at once (the same code reads the same input)."""
    for role in ROLES:
        client = clients[role]
        response = client.get(path) if method == "GET" else client.post(path, {})
        if response.status_code == 405:
            return None
        if not refused(response):
            return role
    return None


@pytest.mark.parametrize("role", ROLES)
def test_no_hostile_value_anywhere_gets_a_500(role: str, users: dict[str, object]) -> None:
    clients = {name: client_for(name, users) for name in ROLES}
    client = clients[role]
    failures: list[str] = []

    def get(url: str, what: str) -> HttpResponse:
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"{role} GET {url[:120]} [{what[:80]}] -> {response.status_code}")
        return response

    all_patterns = list(patterns())
    assert any(p.name == "claims:dashboard" for p in all_patterns)
    world = make_world(users)
    modes = harvest_queries(
        clients["admin"],
        ["/", f"/claims/{world.claim_pk}/", f"/articles/{world.article_pk}/claims/new/"],
    )
    for pattern in all_patterns:
        world = make_world(users)
        for name, each in clients.items():
            # Logging out, or a new password, is one of the things posted.
            if name != "anonymous":
                each.force_login(users[name])
        path, *hostile_paths = pattern.paths(world)
        for hostile_path in hostile_paths:
            get(hostile_path, "path")
        full = first_allowed(clients, "GET", path) == role
        for value in HOSTILE:
            for mode in [{}, *modes.get(pattern.name, [])]:
                # Every parameter hostile at once, the mode's own ones kept...
                params = {**dict.fromkeys(QUERY_PARAMS, value), **mode}
                get(f"{path}?{query_string(params)}", f"all = {value!r}")
                if not full:
                    break
                # ...and each of the mode's own parameters hostile in turn.
                for key in mode:
                    get(f"{path}?{query_string({**mode, key: value})}", f"{key} = {value!r}")
        full = first_allowed(clients, "POST", path) == role
        failures.extend(check_posts(client, role, pattern, world, full=full))
    for url in ADMIN_GETS:
        get(url, "admin")
    assert not failures, "\n".join(failures)


def check_posts(
    client: Client, role: str, pattern: Pattern, world: World, *, full: bool
) -> list[str]:
    failures = []
    path, *hostile_paths = pattern.paths(world)
    response = client.post(path, {})
    if response.status_code == 405:
        return []  # GET only
    if response.status_code >= 500:
        return [f"{role} POST {path} [empty] -> {response.status_code}"]
    try:
        fields = list(valid_post(pattern.name, world))
    except LookupError:
        if not refused(response):
            return [f"{pattern.name} takes POST: add its form to valid_post()"]
        fields = []
    for value in HOSTILE:
        data = dict.fromkeys(fields, value)
        for extra in ("q", "after", "claimant", "outlet", "tag", "type", "page", "zzz"):
            data.setdefault(extra, value)
        status = post(client, path, data)
        if status >= 500:
            failures.append(f"{role} POST {path} [all = {value!r}] -> {status}"[:200])
    if not full:
        return failures
    # Each field hostile in turn, the others valid, so the value reaches the service; a
    # dashboard row's filters ride along (and are hostile all at once above).
    for key in [*(f for f in fields if f not in ROW_FILTERS), "q", "after"]:
        for value in HOSTILE:
            data = {**valid_post(pattern.name, world), key: value}
            status = post(client, path, data, **HTMX)
            if status >= 500:
                failures.append(f"{role} POST {path} [{key} = {value!r}] -> {status}"[:200])
    # Valid fields to the paths with hostile ids.
    for hostile_path in hostile_paths:
        status = post(client, hostile_path, valid_post(pattern.name, world))
        if status >= 500:
            failures.append(f"{role} POST {hostile_path} [valid fields] -> {status}"[:200])
    return failures


def test_a_login_with_a_username_longer_than_its_column_is_refused_not_a_500(users) -> None:
    # django-axes records the failure; PostgreSQL refused its 100,000-character username.
    client = Client(raise_request_exception=False)
    response = client.post("/accounts/login/", {"username": "a" * 100_000, "password": "x"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get().username == "a" * 255
