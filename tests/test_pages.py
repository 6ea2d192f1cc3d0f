"""What every page shares: error pages in the site's layout, one log line for a 403, flash
messages a screen reader can read, and HEAD wherever GET."""

import io
import logging
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from tests.factories import ArticleFactory, ClaimFactory


@pytest.fixture
def console(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """What the log handlers print to the console, from every logger configured."""
    out = io.StringIO()
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    for logger in loggers:
        for handler in getattr(logger, "handlers", []):
            if type(handler) is logging.StreamHandler:  # not pytest's own capture
                monkeypatch.setattr(handler, "stream", out)
    return out


@pytest.mark.django_db
def test_a_403_is_logged_as_one_line_without_a_traceback(client, reader, settings, console) -> None:
    # With DEBUG, Django's own console handler used to print each record a second time.
    settings.DEBUG = True
    client.force_login(reader)
    assert client.get("/articles/new/").status_code == 403
    printed = console.getvalue()
    assert printed.count("Forbidden (Permission denied): /articles/new/") == 1, printed
    assert "Traceback" not in printed


def nav_links(html: str) -> list[str]:
    nav = html.split('<nav class="nav" aria-label="Main">')[1].split("</nav>")[0]
    return [part.split('"')[0] for part in nav.split('href="')[1:]]


@pytest.mark.django_db
def test_a_page_that_does_not_exist_is_a_styled_404_with_the_navigation(as_reader) -> None:
    response = as_reader.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html and "/static/css/app.css" in html
    assert "/articles/" in nav_links(html) and "Log out" in html


@pytest.mark.django_db
def test_a_page_beyond_ones_role_is_a_styled_403_with_the_navigation(as_reader) -> None:
    response = as_reader.get("/articles/new/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Your role does not allow" in html and "/static/css/app.css" in html
    assert "/articles/" in nav_links(html)


def test_a_server_error_is_a_styled_500_even_with_the_database_down(monkeypatch) -> None:
    # Not marked django_db: any query, from the view or the error page, raises here.
    from django.contrib.auth.views import LoginView
    from django.db import OperationalError
    from django.test import Client

    def broken(*args: object, **kwargs: object) -> None:
        raise OperationalError("the database is down")

    monkeypatch.setattr(LoginView, "get", broken)
    response = Client(raise_request_exception=False).get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html and "/static/css/app.css" in html
    assert nav_links(html) == ["/", "/", "/articles/"]


class Tree(HTMLParser):
    """Each element's tag, attributes and its parent's, enough to check list markup."""

    VOID = {"meta", "link", "input", "br", "img", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.found: list[tuple[str, dict[str, str | None], tuple[str, dict[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = (tag, dict(attrs))
        self.found.append((tag, element[1], self.stack[-1] if self.stack else ("", {})))
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1][0] == tag:
            self.stack.pop()


@pytest.mark.django_db
def test_flash_messages_are_a_plain_list_inside_a_status_region(as_reviewer) -> None:
    claim = ClaimFactory()
    response = as_reviewer.post(f"/claims/{claim.pk}/take/", {"version": 1}, follow=True)
    html = response.content.decode()
    assert "The claim is yours." in html
    tree = Tree()
    tree.feed(html)
    items = [(attrs, parent) for tag, attrs, parent in tree.found if tag == "li"]
    messages = [parent for attrs, parent in items if "message" in (attrs.get("class") or "")]
    assert messages, "no message rendered"
    # axe's `listitem`: an <li> sits directly in a <ul>/<ol> that kept its list role;
    # `aria-allowed-role`: a live-region role goes on an element allowed to carry it.
    for parent_tag, parent_attrs in messages:
        assert parent_tag in ("ul", "ol") and "role" not in parent_attrs
    for tag, attrs, _ in tree.found:
        if attrs.get("role") == "status":
            assert tag in ("div", "p", "output", "section"), tag


PK = 4242


def every_url(patterns: list | None = None, prefix: str = "") -> list[str]:
    """Each URL pattern of the project as an address, its arguments filled with PK."""
    urls = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = str(entry.pattern)
        if isinstance(entry.pattern, RegexPattern):
            if route.startswith("^") and not route.strip("^$"):
                route = ""  # the empty include() of a regex urlconf
            else:
                continue  # the admin's per-app index, a regex of app labels
        route = re.sub(r"<[^>]+>", str(PK), route)
        if isinstance(entry, URLResolver):
            urls += every_url(entry.url_patterns, prefix + route)
        else:
            urls.append("/" + prefix + route)
    return urls


@pytest.mark.django_db
def test_every_url_answers_head_wherever_it_answers_get(admin_user) -> None:
    # Uptime monitors ask with HEAD; a 405 there reads as "down".
    article = ArticleFactory(pk=PK)
    ClaimFactory(pk=PK, article=article)
    client = Client()
    client.force_login(admin_user)
    urls = every_url()
    assert "/claims/4242/" in urls and "/healthz" in urls and "/accounts/login/" in urls
    refused = []
    for url in urls:
        get, head = client.get(url), client.head(url)
        if head.status_code == 405 and get.status_code != 405:
            refused.append(url)
        assert head.content == b"", url
    assert refused == []


@pytest.mark.django_db
def test_head_answers_like_get_without_a_body(as_reader) -> None:
    claim = ClaimFactory()
    get = as_reader.get(f"/claims/{claim.pk}/")
    head = as_reader.head(f"/claims/{claim.pk}/")
    assert head.status_code == get.status_code == 200
    assert head["Content-Type"] == get["Content-Type"] and head.content == b""


@pytest.mark.django_db
def test_a_form_sent_without_its_security_token_gets_the_styled_403(reviewer) -> None:
    claim = ClaimFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    response = client.post(f"/claims/{claim.pk}/take/", {"version": 1})
    html = response.content.decode()
    assert response.status_code == 403
    assert "This form has expired" in html and "/static/css/app.css" in html
    claim.refresh_from_db()
    assert claim.assignee is None
