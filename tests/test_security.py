"""CSRF on every POST, article and user text always inert, a strict CSP, and login
rate limiting."""

import datetime as dt
import ipaddress
from html.parser import HTMLParser

import pytest
import time_machine
from django.test import Client, RequestFactory

from claims import services
from config.auth import client_ip
from tests.factories import ArticleFactory, ClaimFactory, UserFactory
from tests.test_permissions import routes

PAYLOADS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '" hx-get="/admin/" hx-trigger="load',
    "' onmouseover='alert(1)",
    '<a href="javascript:alert(1)">click</a>',
]
EVIL = " ".join(PAYLOADS)


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.found


def assert_inert(html: str) -> None:
    for tag, attrs in elements(html):
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), attrs
        if tag == "img":
            raise AssertionError(f"unexpected img: {attrs}")
        for name, value in attrs.items():
            if name.startswith("hx-") and name not in ("hx-headers", "hx-swap-oob"):
                assert "/admin/" not in (value or ""), (tag, attrs)
            if name == "href":
                assert not (value or "").lower().startswith("javascript:"), attrs
        assert "style" not in attrs, (tag, attrs)


@pytest.mark.django_db
def test_every_post_url_refuses_a_request_without_the_csrf_token(admin_user) -> None:
    article = ArticleFactory()
    claim = ClaimFactory(article=article)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    post_urls = [url for method, url, _ in routes(article.pk, claim.pk) if method == "POST"]
    post_urls.append("/accounts/logout/")
    for url in post_urls:
        assert client.post(url, {}).status_code == 403, url


@pytest.mark.django_db
def test_htmx_sends_the_csrf_token_from_the_body_headers(admin_user) -> None:
    claim = ClaimFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    body = next(attrs for tag, attrs in elements(page) if tag == "body")
    token = body["hx-headers"].split('"x-csrftoken": "')[1].split('"')[0]
    response = client.post(
        f"/claims/{claim.pk}/take/",
        {"version": 1},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_article_and_user_text_is_rendered_inert_everywhere(admin_user) -> None:
    article = ArticleFactory(
        title=f"Title {EVIL}", dek=f"Dek {EVIL}", body=f"Body {EVIL}\n\nMore text here."
    )
    quote = PAYLOADS[1]
    user = UserFactory()
    claim = services.create_claim(
        article=article,
        by=user,
        statement=f"Statement {EVIL}",
        quote=quote,
        claimant=f"Person {PAYLOADS[2]}",
        time_phrase=f"next week {PAYLOADS[0]}",
        resolution_criteria=EVIL,
        tags=PAYLOADS[3],
    )
    services.add_evidence(
        claim=claim, by=user, version=1, url="https://x.example/?q=<b>", title=EVIL, note=EVIL
    )
    services.resolve_claim(claim=claim, by=user, version=2, status="void", note=EVIL)
    client = Client()
    client.force_login(admin_user)
    for url in [
        f"/articles/{article.pk}/",
        "/articles/",
        f"/claims/{claim.pk}/",
        f"/claims/{claim.pk}/edit/",
        f"/articles/{article.pk}/edit/",
        f"/claims/window/?article={article.pk}&time_phrase={PAYLOADS[0]}",
        "/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_inert(html)
        assert "<script>alert" not in html
        assert 'onerror="alert(1)"' not in html
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(client, reader) -> None:
    client.force_login(reader)
    policy = client.get("/articles/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["object-src"] == "'none'"


@pytest.mark.django_db
def test_htmx_is_served_from_our_own_static_files(client, reader) -> None:
    client.force_login(reader)
    html = client.get("/articles/").content.decode()
    scripts = [attrs["src"] for tag, attrs in elements(html) if tag == "script"]
    assert any("htmx" in src for src in scripts)
    assert all(src.startswith("/static/") for src in scripts)
    assert "http://" not in " ".join(scripts) and "https://" not in " ".join(scripts)


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_for_a_while(client, settings) -> None:
    UserFactory(username="victim", password="the right one")
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = client.post("/accounts/login/", {"username": "victim", "password": "wrong"})
        # The failure that reaches the limit is already answered with the lockout.
        assert response.status_code == (429 if attempt == settings.AXES_FAILURE_LIMIT else 200)
    locked = client.post("/accounts/login/", {"username": "victim", "password": "the right one"})
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_good_login_works_and_lands_on_the_dashboard(client) -> None:
    UserFactory(username="alice", password="s3cret-pass", groups=["Readers"])
    response = client.post("/accounts/login/", {"username": "alice", "password": "s3cret-pass"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_anonymous_users_are_sent_to_the_login_page(client, db) -> None:
    response = client.get("/articles/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


PROXY = "10.0.0.2"


def login(client: Client, password: str, *, via: str | None = None, remote: str = PROXY) -> int:
    """Log in as `victim` from the client address `via`, through the proxy at `remote`."""
    extra = {"REMOTE_ADDR": remote}
    if via is not None:
        extra["HTTP_X_FORWARDED_FOR"] = via
    data = {"username": "victim", "password": password}
    return client.post("/accounts/login/", data, **extra).status_code


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("198.51.100.7", "", "198.51.100.7"),
        # Not from a trusted proxy: the header is the client's own say-so.
        ("198.51.100.7", "203.0.113.5", "198.51.100.7"),
        (PROXY, "", PROXY),
        (PROXY, "203.0.113.5", "203.0.113.5"),
        # The client wrote the left part itself; the proxy appended what it saw.
        (PROXY, "1.2.3.4, 203.0.113.5", "203.0.113.5"),
        # Two trusted proxies in a row: the right-most untrusted entry is the client.
        (PROXY, "1.2.3.4, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (PROXY, "203.0.113.5:51234", "203.0.113.5"),
        (PROXY, "[2001:db8::5]:443", "2001:db8::5"),
        ("::ffff:10.0.0.2", "203.0.113.5", "203.0.113.5"),
        # Garbage no proxy writes: the last address a trusted proxy vouched for.
        (PROXY, "203.0.113.5, not-an-address", PROXY),
        (PROXY, "10.0.0.9", "10.0.0.9"),
    ],
)
def test_the_client_address_is_believed_only_as_far_as_trusted_proxies_wrote_it(
    settings, remote: str, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8")]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_behind_a_trusted_proxy_an_attacker_cannot_lock_a_user_out_for_everyone(
    client, settings
) -> None:
    settings.TRUSTED_PROXIES = [ipaddress.ip_network(PROXY)]
    UserFactory(username="victim", password="the right one")
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        login(client, "wrong", via="203.0.113.5")
    assert login(client, "the right one", via="203.0.113.5") == 429
    # The same user at their own desk, through the same proxy, still gets in.
    assert login(Client(), "the right one", via="198.51.100.7") == 302


@pytest.mark.django_db
def test_an_attacker_cannot_dodge_the_lockout_by_writing_x_forwarded_for(client, settings) -> None:
    settings.TRUSTED_PROXIES = [ipaddress.ip_network(PROXY)]
    UserFactory(username="victim", password="the right one")
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, "wrong", via=f"192.0.2.{n}, 203.0.113.5")
    assert login(client, "the right one", via="192.0.2.99, 203.0.113.5") == 429
    # Straight to the app, not through the proxy, the header counts for nothing.
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, "wrong", via=f"192.0.2.{n}", remote="198.51.100.50")
    assert login(client, "the right one", via="192.0.2.99", remote="198.51.100.50") == 429


@pytest.mark.django_db
def test_failures_during_a_lockout_do_not_extend_it(client, settings) -> None:
    UserFactory(username="victim", password="the right one")
    cooloff = settings.AXES_COOLOFF_TIME
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)) as clock:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            login(client, "wrong", remote="203.0.113.5")
        # The attacker keeps trying through the lockout, every minute.
        for _ in range(int(cooloff.total_seconds() // 60) - 1):
            clock.shift(dt.timedelta(minutes=1))
            assert login(client, "wrong", remote="203.0.113.5") == 429
        clock.shift(dt.timedelta(minutes=2))
        assert login(client, "the right one", remote="203.0.113.5") == 302


@pytest.mark.django_db
def test_there_is_no_public_password_reset_to_flood_an_inbox(client, mailoutbox) -> None:
    UserFactory(username="victim", email="victim@example.org")
    for url in ["/accounts/password_reset/", "/accounts/reset/MQ/set-password/"]:
        assert client.get(url).status_code == 404
        assert client.post(url, {"email": "victim@example.org"}).status_code == 404
    assert mailoutbox == []
    login = client.get("/accounts/login/").content.decode()
    assert "An administrator of your newsroom sets a new one" in login


@pytest.mark.django_db
def test_a_logged_in_user_changes_their_own_password(client) -> None:
    user = UserFactory(username="alice", password="old-pass-1234", groups=["Readers"])
    client.force_login(user)
    page = client.get("/accounts/password_change/").content.decode()
    assert "Change your password" in page and "/static/css/app.css" in page
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "old-pass-1234",
            "new_password1": "a-much-better-one-42",
            "new_password2": "a-much-better-one-42",
        },
        follow=True,
    )
    assert "Password changed" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("a-much-better-one-42")
