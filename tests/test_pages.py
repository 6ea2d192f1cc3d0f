"""What every page shares: error pages in the site's layout, one log line for a 403, flash
messages a screen reader can read, and HEAD wherever GET."""

import io
import logging
from html.parser import HTMLParser

import pytest

from tests.factories import ClaimFactory


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
