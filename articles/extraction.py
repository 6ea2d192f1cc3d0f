"""Text and metadata of a saved news page, extracted in a child process with limits.

Why a child process: trafilatura (over lxml) is fast on news pages but not on every page.
A 1 MB page of 75,000 small inline tags kept it busy for minutes, and a 5.6 MB page took
1.5 GB of memory; in the web worker or the import command, such a file killed the process
and every other request or file with it. Neither can be bounded from inside: Python cannot
interrupt a long call into lxml's C code, and a memory limit set on the worker would hold
for all of its requests. So each page is extracted in its own short-lived process with an
address-space limit, which the parent kills when it takes too long. A limit on the page's
element count comes first, checked right after parsing: it refuses the obviously
pathological page at once and in plain words, while the time and memory limits catch what
no count predicts (one paragraph of 10,000 inline tags is slow well under any sane count).

The children come from a "forkserver": a clean, single-threaded process started once,
with trafilatura already imported, that forks one child per page in a few milliseconds.
Forking the worker itself would copy its threads' locks (gunicorn threads, the import's
parser thread) in whatever state they were; spawning a fresh interpreter per page would
cost a second each.

This module imports nothing from Django, so the forkserver and its children never load
the project's settings or touch the database.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import ModuleType
from typing import TYPE_CHECKING

import trafilatura

resource: ModuleType | None
try:
    import resource
except ImportError:  # Windows: no limits but time
    resource = None

if TYPE_CHECKING:
    from lxml.etree import _Element

# No forkserver on Windows: a fresh interpreter per page there, slower but as bounded in time.
_context = (
    multiprocessing.get_context("forkserver")
    if "forkserver" in multiprocessing.get_all_start_methods()
    else multiprocessing.get_context("spawn")
)
# trafilatura is imported once, in the server. "__main__" is multiprocessing's default
# preload, kept; but Python 3.11's forkserver skips it, so each child runs the top level of
# the parent's script again before extracting. manage.py, gunicorn and celery keep their
# work under `if __name__ == "__main__"`, so that costs a few milliseconds; a script that
# sets Django up at its top level would pay that for every page (see bench/bench_import.py).
if _context.get_start_method() == "forkserver":
    _context.set_forkserver_preload(["__main__", __name__])


class ExtractionError(Exception):
    """The page could not be extracted; ``str()`` is a one-line reason for the user."""


@dataclass(frozen=True, kw_only=True)
class ExtractedPage:
    """What the importer needs from a page: plain strings, so it crosses the process line."""

    language: str
    title: str
    description: str
    date: str
    url: str
    author: str
    sitename: str
    body: str


def extract_page(
    text: str, *, seconds: float, memory_mb: int, max_elements: int
) -> ExtractedPage | None:
    """Extract ``text`` (a decoded HTML page) in a child process; None if it has no article.

    Raises ExtractionError when the page has more than ``max_elements`` elements, takes more
    than ``seconds`` or more than ``memory_mb`` of memory, or breaks the extractor.
    """
    receiver, sender = _context.Pipe(duplex=False)
    child = _context.Process(
        target=_extract_in_child,
        args=(sender, text),
        kwargs={"seconds": seconds, "memory_mb": memory_mb, "max_elements": max_elements},
        name="claimtrack-extract",
        daemon=True,  # never outlives the worker that asked
    )
    try:
        try:
            child.start()
        except OSError as exc:  # out of processes or memory: this page cannot be read now
            raise ExtractionError(f"could not start the extractor ({exc.strerror})") from None
        sender.close()  # so recv() sees EOF if the child dies without answering
        if not receiver.poll(seconds):
            raise ExtractionError(f"too complex to extract: it took longer than {seconds:g} s")
        try:
            outcome, value = receiver.recv()
        except EOFError:
            child.join(1)
            raise ExtractionError(_died(child.exitcode, memory_mb=memory_mb)) from None
    finally:
        if child.pid is not None:
            child.kill()
            child.join()
            child.close()
        receiver.close()
        sender.close()
    if outcome == "error":
        raise ExtractionError(value)
    return value


def _died(exitcode: int | None, *, memory_mb: int) -> str:
    # A child killed by a signal was most likely out of memory (an allocation failing in C
    # code, or the kernel's OOM killer) or past its CPU limit.
    if exitcode is not None and exitcode < 0:
        return f"too complex to extract: the extractor ran out of memory ({memory_mb:,} MB) or time"
    return f"could not read the page (the extractor stopped with status {exitcode})"


def _extract_in_child(
    sender: Connection, text: str, *, seconds: float, memory_mb: int, max_elements: int
) -> None:
    _limit_resources(seconds=seconds, memory_mb=memory_mb)
    try:
        outcome: tuple[str, object] = ("ok", _extract(text, max_elements=max_elements))
    except ExtractionError as exc:
        outcome = ("error", str(exc))
    except MemoryError:
        outcome = (
            "error",
            f"too complex to extract: it needed more than {memory_mb:,} MB of memory",
        )
    except Exception as exc:
        # Saved pages are untrusted input to a third-party parser: whatever breaks it is
        # one bad file to report.
        detail = (str(exc).strip().splitlines() or [""])[0]
        outcome = ("error", f"could not read the page ({type(exc).__name__}: {detail})")
    sender.send(outcome)
    sender.close()


def _limit_resources(*, seconds: float, memory_mb: int) -> None:
    if resource is None:
        return
    # The address space the child already has (the interpreter, trafilatura, the page) plus
    # the allowance; a page past it gets MemoryError instead of swapping the machine.
    try:
        with open("/proc/self/statm") as statm:
            in_use = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # not Linux: no baseline to add to, so no limit
        in_use = None
    if in_use is not None:
        limit = in_use + memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # The parent kills the child after `seconds`; this backstop ends it even if the parent
    # itself was killed first and could not.
    cpu = int(seconds) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def _extract(text: str, *, max_elements: int) -> ExtractedPage | None:
    tree = trafilatura.load_html(text)
    if tree is None:
        return None
    elements = sum(1 for _ in tree.iter())
    if elements > max_elements:
        raise ExtractionError(
            f"too complex to extract: {elements:,} HTML elements; the limit is {max_elements:,}"
        )
    language = (tree.get("lang") or "").split("-")[0].strip().lower()
    document = trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        # Only dates the page states in its markup: the extensive search guesses from any
        # date in the text (a copyright line makes 1 January).
        date_extraction_params={
            "extensive_search": False,
            "original_date": True,
            "max_date": dt.date.today().isoformat(),
        },
    )
    # A Document unless as_dict=True is passed, which it is not.
    if document is None or isinstance(document, dict) or document.body is None:
        return None
    title = " ".join((document.title or "").split())
    return ExtractedPage(
        language=language,
        title=title,
        description=document.description or "",
        date=document.date or "",
        url=document.url or "",
        author=document.author or "",
        sitename=document.sitename or "",
        body=_body_text(document.body, title=title),
    )


def _body_text(body: _Element, *, title: str) -> str:
    """Plain text from trafilatura's XML: one paragraph per block, blank lines between."""
    blocks: list[str] = []
    for element in body:
        if element.tag == "list":
            text = "\n".join(f"- {_inline_text(item)}" for item in element if item.tag == "item")
        elif element.tag == "table":
            text = "\n".join(
                " | ".join(_inline_text(cell) for cell in row) for row in element.iter("row")
            )
        else:
            text = _inline_text(element)
        if text.strip():
            blocks.append(text)
    # The headline usually opens the article body too; it is already the title.
    if blocks and title and " ".join(blocks[0].split()) == title:
        blocks.pop(0)
    return "\n\n".join(blocks)


def _inline_text(element: _Element) -> str:
    parts: list[str] = []

    def walk(node: _Element) -> None:
        parts.append(node.text or "")
        for child in node:
            if child.tag == "lb":
                parts.append("\n")
            else:
                walk(child)
            parts.append(child.tail or "")

    walk(element)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)
