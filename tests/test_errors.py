"""Error pages in the site's own layout, one log line for a 403, and HEAD wherever GET."""

import io
import logging

import pytest


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
