"""Import articles from seed-format text files and saved HTML pages.

Parsing (``parse_seed_text``, ``parse_html``, ``parse_file``) never touches the database, so a
bad file is refused before anything is written. ``save_article`` stores one parsed article;
``import_paths`` imports files and folders in batches, for the management command.

Identity: an article is the same article when it has the same ``url`` or, failing that, the
same text (``Article.content_hash``: published date and body). Importing the same text again
writes nothing, so an editor's later changes to title or dek survive a re-import. New text at
a known url updates that article.
"""

from __future__ import annotations

import codecs
import datetime as dt
import logging
import os
import re
import stat
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DataError, IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Q
from tqdm import tqdm

from .extraction import ExtractionError, extract_page
from .models import Article, Outlet, SourceKind, content_hash
from .signals import send_articles_saved_on_commit
from .uploads import size_text

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

# Large enough that per-query overhead vanishes, small enough that a chunk's rows and its
# IN (...) look-up stay well inside every backend's parameter limits.
CHUNK_SIZE = 500
# A news page has a few thousand elements, a long one with its comments and inline SVG
# twenty thousand; past this a page is not an article but a way to stall the extractor.
MAX_HTML_ELEMENTS = 50_000
# A bar for a handful of files is noise.
PROGRESS_MIN_FILES = 20

HTML_EXTENSIONS = {".html", ".htm", ".xhtml"}
UTF8_BOM = b"\xef\xbb\xbf"

# Field sizes of Article/Outlet: bulk_create skips model validation and PostgreSQL refuses
# over-long values, so parsed values are made to fit.
TITLE_MAX = Article._meta.get_field("title").max_length
AUTHORS_MAX = Article._meta.get_field("authors").max_length
URL_MAX = Article._meta.get_field("url").max_length
SOURCE_MAX = Article._meta.get_field("source").max_length
OUTLET_NAME_MAX = Outlet._meta.get_field("name").max_length
# The dek is a TextField, but a standfirst is a sentence or two: past this it is body text
# on the date line. The article form has the same limit.
DEK_MAX = 2000

_DATE_TOKEN = re.compile(r"\d{4}-\d{2}-\d{2}")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_LANGUAGE = re.compile(r"[a-z]{2,3}")
# Codecs Python calls text encodings that no browser reads a page in (WHATWG Encoding has
# none of them); utf-7 is refused by browsers because it smuggles markup past filters.
_NOT_PAGE_ENCODINGS = {
    "undefined",
    "idna",
    "punycode",
    "unicode-escape",
    "raw-unicode-escape",
    "utf-7",
}
# Control bytes that never occur in text; tab, newlines, form feed and escape do.
_BINARY_BYTES = bytes(set(range(32)) - {9, 10, 12, 13, 27}) + b"\x7f"
_TEXT_BYTES = bytes(set(range(256)) - set(_BINARY_BYTES))
_url_validator = URLValidator(schemes=["http", "https"])
logger = logging.getLogger(__name__)


class ArticleImportError(ValueError):
    """A file or text that cannot be imported; ``str()`` is a one-line reason for the user."""


@dataclass(kw_only=True)
class ParsedArticle:
    title: str
    dek: str
    body: str
    published_date: dt.date
    url: str = ""
    authors: str = ""
    language: str = "en"
    outlet_name: str = ""
    source_kind: str = SourceKind.MANUAL
    source: str = ""

    @property
    def content_hash(self) -> str:
        return content_hash(published_date=self.published_date, body=self.body)


@dataclass
class ImportSummary:
    imported: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.imported) + len(self.updated) + len(self.unchanged) + len(self.failed)


class Outcome(Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


# --- Parsing ------------------------------------------------------------------------------


def decode_file(data: bytes, *, name: str = "") -> str:
    """Text of a file that must be UTF-8, or of an HTML page in the charset it declares.

    ``name`` tells HTML pages (by extension) from text files when the content does not.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ArticleImportError("not UTF-8 text (UTF-16; save it as UTF-8)")
    if _looks_binary(data):
        raise ArticleImportError("binary file, not text")
    offset = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    encoding = "utf-8"
    if not offset and _is_html(data, name=name):
        encoding = _declared_charset(data) or encoding
    what = "UTF-8 text" if encoding == "utf-8" else f"{encoding} text as the page declares"
    try:
        return data[offset:].decode(encoding)
    except UnicodeDecodeError as exc:
        byte = exc.object[exc.start]
        raise ArticleImportError(
            f"not {what} (invalid byte 0x{byte:02x} at position {exc.start + offset})"
        ) from None
    except Exception as exc:
        # A codec that fails otherwise (any of Python's many) is this file's problem alone.
        raise ArticleImportError(f"cannot be read as {what} ({type(exc).__name__})") from None


def parse_seed_text(text: str, *, source: str = "", title: str = "") -> ParsedArticle:
    """Parse the seed format: a line ``date YYYY-MM-DD <dek>``, a blank line, then the body.

    White space before ``date`` and blank lines before it are tolerated. The body is kept
    exactly as written, apart from line endings and the white space around it.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((n for n, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise ArticleImportError("empty file")
    date_line = lines[first].strip()
    parts = date_line.split(maxsplit=2)
    if parts[0].lower() != "date":
        raise ArticleImportError(
            f'no date line: the first line must be "date YYYY-MM-DD <dek>", not "{_shorten(date_line, 40)}"'
        )
    if len(parts) < 2:
        raise ArticleImportError('the date line has no date: expected "date YYYY-MM-DD <dek>"')
    published_date = _parse_iso_date(parts[1])
    dek = " ".join(parts[2].split()) if len(parts) > 2 else ""
    if len(dek) > DEK_MAX:
        raise ArticleImportError(
            f"the dek on the date line is {len(dek):,} characters; the limit is {DEK_MAX:,}"
        )

    after = lines[first + 1 :]
    if not any(line.strip() for line in after):
        raise ArticleImportError("empty body: nothing after the date line")
    if after[0].strip():
        raise ArticleImportError("missing blank line after the date line")
    body = "\n".join(after[1:]).strip()
    check_body(body)
    return ParsedArticle(
        title=_shorten(title or dek, TITLE_MAX) or _shorten(_first_paragraph(body), 200),
        dek=dek,
        body=body,
        published_date=published_date,
        source_kind=SourceKind.SEED,
        source=source[:SOURCE_MAX],
    )


def parse_html(data: bytes, *, source: str = "") -> ParsedArticle:
    """Title, date, authors, outlet, url and body text of a saved news page."""
    text = decode_file(data, name=source)
    try:
        page = extract_page(
            text,
            seconds=settings.ARTICLE_EXTRACT_SECONDS,
            memory_mb=settings.ARTICLE_EXTRACT_MEMORY_MB,
            max_elements=MAX_HTML_ELEMENTS,
        )
    except ExtractionError as exc:
        raise ArticleImportError(str(exc)) from None
    if page is None or not page.body:
        raise ArticleImportError("no article text found in the page")
    body = page.body
    check_body(body)
    if not page.date:
        raise ArticleImportError("no publication date found in the page")
    url = page.url
    try:
        _url_validator(url)
    except ValidationError:
        url = ""
    return ParsedArticle(
        title=_shorten(page.title, TITLE_MAX) or _shorten(_first_paragraph(body), 200),
        # The page's metadata is fitted to the limits, as the title is: the editor did not
        # write it, and refusing a page over its description would help nobody.
        dek=_shorten(page.description, DEK_MAX),
        body=body,
        published_date=dt.date.fromisoformat(page.date),
        url=url if len(url) <= URL_MAX else "",
        authors=_authors(page.author),
        language=page.language if _LANGUAGE.fullmatch(page.language) else "en",
        outlet_name=_shorten(page.sitename, OUTLET_NAME_MAX),
        source_kind=SourceKind.UPLOAD,
        source=source[:SOURCE_MAX],
    )


def parse_file(path: Path) -> ParsedArticle:
    """Parse a seed-format text file or a saved HTML page; the source is the file's name."""
    path = Path(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ArticleImportError("is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise ArticleImportError("not a regular file")
        # Files are read into memory whole, so the size is checked first; the limit is the
        # upload form's, so a file the command takes can be uploaded too.
        limit = settings.ARTICLE_MAX_UPLOAD_BYTES
        if info.st_size > limit:
            raise ArticleImportError(
                f"file is {size_text(info.st_size)}; the limit is {size_text(limit)}"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleImportError(_os_reason(exc)) from None
    return parse_bytes(data, name=path.name)


def parse_bytes(data: bytes, *, name: str) -> ParsedArticle:
    """Parse a file's content, such as an upload; ``name`` becomes the article's source.

    An HTML page (by extension or by its first tag) goes to ``parse_html``, anything else to
    ``parse_seed_text``.
    """
    if not data.removeprefix(UTF8_BOM).strip():
        raise ArticleImportError("empty file")
    if _is_html(data, name=name):
        return parse_html(data, source=name)
    return parse_seed_text(decode_file(data, name=name), source=name)


# --- Saving -------------------------------------------------------------------------------


def save_article(
    parsed: ParsedArticle, *, created_by: AbstractBaseUser | None = None
) -> tuple[Article, bool]:
    """Store a parsed article unless it is already there; returns (article, created).

    The same text again writes nothing at all, not even ``updated_at``.
    """
    article, outcome = _save_one(parsed, created_by=created_by, outlets={})
    if outcome is not Outcome.UNCHANGED:
        send_articles_saved_on_commit([article.pk])
    return article, outcome is Outcome.CREATED


def import_paths(
    paths: Iterable[Path | str],
    *,
    created_by: AbstractBaseUser | None = None,
    progress: bool = False,
    progress_file: TextIO | None = None,
) -> ImportSummary:
    """Import files, and folders recursively; a bad file is reported, the others imported.

    Files go in chunks: every file of a chunk is parsed before anything is written, then the
    new articles are inserted together. Each article is one row, so a file is all or nothing.
    """
    summary = ImportSummary()
    files = _collect_files(paths, summary)
    chunks = [files[start : start + CHUNK_SIZE] for start in range(0, len(files), CHUNK_SIZE)]
    show_bar = progress and len(files) > PROGRESS_MIN_FILES
    outlets: dict[str, Outlet] = {}
    with (
        tqdm(
            total=len(files),
            unit="file",
            file=progress_file or sys.stderr,
            # None hides the bar when the stream is not a terminal, e.g. in cron mail.
            disable=None if show_bar else True,
        ) as bar,
        # Parsing the next chunk while this one is written keeps the CPU busy while the
        # database works. Only this thread touches the database.
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-parse") as parser,
    ):
        # One chunk read ahead at most, so memory stays bounded for any number of files.
        ahead = parser.submit(_parse_chunk, chunks[0], bar=bar) if chunks else None
        for number in range(len(chunks)):
            parsed, failed = ahead.result()
            if number + 1 < len(chunks):
                ahead = parser.submit(_parse_chunk, chunks[number + 1], bar=bar)
            summary.failed.extend(failed)
            _save_chunk(parsed, summary=summary, created_by=created_by, outlets=outlets)
    return summary


def _parse_chunk(
    paths: list[Path], *, bar: tqdm
) -> tuple[list[tuple[str, ParsedArticle, str]], list[tuple[str, str]]]:
    parsed: list[tuple[str, ParsedArticle, str]] = []
    failed: list[tuple[str, str]] = []
    for path in paths:
        try:
            article = parse_file(path)
            parsed.append((str(path), article, article.content_hash))
        except ArticleImportError as exc:
            failed.append((str(path), str(exc)))
        except Exception as exc:
            # A bug or a third-party parser tripping on one file must not cost the batch
            # the good files: that file gets its line, the traceback goes to the log.
            logger.debug("Unexpected error importing %s", path, exc_info=True)
            failed.append((str(path), unexpected_reason(exc)))
        bar.update()
    return parsed, failed


def _save_chunk(
    hashed: list[tuple[str, ParsedArticle, str]],
    *,
    summary: ImportSummary,
    created_by: AbstractBaseUser | None,
    outlets: dict[str, Outlet],
) -> None:
    if not hashed:
        return
    lookup = Q(content_hash__in={h for _, _, h in hashed})
    urls = {parsed.url for _, parsed, _ in hashed if parsed.url}
    if urls:
        lookup |= Q(url__in=urls)
    known_hashes: set[str] = set()
    hash_by_url: dict[str, str] = {}
    for url, known_hash in Article.objects.filter(lookup).values_list("url", "content_hash"):
        known_hashes.add(known_hash)
        if url:
            hash_by_url[url] = known_hash

    new: list[tuple[str, ParsedArticle, str]] = []
    one_by_one: list[tuple[str, ParsedArticle]] = []
    new_hashes: set[str] = set()
    new_urls: set[str] = set()
    for name, parsed, parsed_hash in hashed:
        if parsed.url in hash_by_url:
            if hash_by_url[parsed.url] == parsed_hash:
                summary.unchanged.append(name)
            else:
                one_by_one.append((name, parsed))
        elif parsed_hash in known_hashes:
            summary.unchanged.append(name)
        elif parsed_hash in new_hashes or parsed.url in new_urls:
            # The same article twice in one chunk: after the insert, the second one finds
            # the first as save_article would.
            one_by_one.append((name, parsed))
        else:
            new.append((name, parsed, parsed_hash))
            new_hashes.add(parsed_hash)
            if parsed.url:
                new_urls.add(parsed.url)

    saved_ids: list[int] = []
    if new:
        try:
            with transaction.atomic():
                created = Article.objects.bulk_create(
                    [
                        _new_article(
                            parsed,
                            parsed_hash=parsed_hash,
                            outlet=_outlet(parsed, outlets=outlets),
                            created_by=created_by,
                        )
                        for _, parsed, parsed_hash in new
                    ]
                )
        except (OperationalError, InterfaceError):
            raise
        except Exception:
            # Another import took one of these keys meanwhile, or a row broke a constraint:
            # saving one at a time finds which file it was and still imports the rest.
            outlets.clear()  # outlets created in the rolled-back transaction are gone
            one_by_one = [(name, parsed) for name, parsed, _ in new] + one_by_one
        else:
            summary.imported.extend(name for name, _, _ in new)
            saved_ids.extend(article.pk for article in created)

    for name, parsed in one_by_one:
        try:
            saved, outcome = _save_one(parsed, created_by=created_by, outlets=outlets)
        except ArticleImportError as exc:
            summary.failed.append((name, str(exc)))
            continue
        except (IntegrityError, DataError) as exc:
            outlets.clear()
            summary.failed.append((name, _database_reason(exc)))
            continue
        except (OperationalError, InterfaceError):
            raise  # the database is gone: no other file can be saved either
        except Exception as exc:
            logger.debug("Unexpected error saving %s", name, exc_info=True)
            outlets.clear()
            summary.failed.append((name, unexpected_reason(exc)))
            continue
        {
            Outcome.CREATED: summary.imported,
            Outcome.UPDATED: summary.updated,
            Outcome.UNCHANGED: summary.unchanged,
        }[outcome].append(name)
        if outcome is not Outcome.UNCHANGED:
            saved_ids.append(saved.pk)
    # One signal per chunk: a listener queueing work per article would cost import speed.
    send_articles_saved_on_commit(saved_ids)


def _save_one(
    parsed: ParsedArticle,
    *,
    created_by: AbstractBaseUser | None,
    outlets: dict[str, Outlet],
) -> tuple[Article, Outcome]:
    parsed_hash = parsed.content_hash
    with transaction.atomic():
        existing = _find_existing(parsed, parsed_hash)
        if existing is None:
            article = _new_article(
                parsed,
                parsed_hash=parsed_hash,
                outlet=_outlet(parsed, outlets=outlets),
                created_by=created_by,
            )
            try:
                with transaction.atomic():
                    article.save()
            except IntegrityError:
                # A concurrent import of the same article won the race.
                existing = _find_existing(parsed, parsed_hash)
                if existing is None:
                    raise
                return existing, Outcome.UNCHANGED
            return article, Outcome.CREATED
        if existing.content_hash == parsed_hash:
            return existing, Outcome.UNCHANGED

        # New text at a known url: the page was updated since it was imported.
        clash = Article.objects.filter(content_hash=parsed_hash).exclude(pk=existing.pk).first()
        if clash is not None:
            raise ArticleImportError(
                f"{parsed.url} now has the same text as article {clash.pk} ({clash.source or clash.url})"
            )
        for name in ("title", "dek", "body", "published_date", "authors", "language"):
            setattr(existing, name, getattr(parsed, name))
        existing.source_kind = parsed.source_kind
        existing.source = parsed.source
        existing.outlet = _outlet(parsed, outlets=outlets)
        existing.save()
        return existing, Outcome.UPDATED


def _find_existing(parsed: ParsedArticle, parsed_hash: str) -> Article | None:
    if parsed.url:
        article = Article.objects.filter(url=parsed.url).first()
        if article is not None:
            return article
    return Article.objects.filter(content_hash=parsed_hash).first()


def _new_article(
    parsed: ParsedArticle,
    *,
    parsed_hash: str,
    outlet: Outlet | None,
    created_by: AbstractBaseUser | None,
) -> Article:
    return Article(
        title=parsed.title,
        dek=parsed.dek,
        body=parsed.body,
        outlet=outlet,
        url=parsed.url,
        published_date=parsed.published_date,
        authors=parsed.authors,
        language=parsed.language,
        source_kind=parsed.source_kind,
        source=parsed.source,
        # bulk_create does not call save(), which usually sets it.
        content_hash=parsed_hash,
        created_by=created_by,
    )


def _outlet(parsed: ParsedArticle, *, outlets: dict[str, Outlet]) -> Outlet | None:
    name = parsed.outlet_name
    if not name:
        return None
    if name not in outlets:
        outlet = Outlet.objects.filter(name__iexact=name).first()
        if outlet is None:
            domain = (urlsplit(parsed.url).hostname or "").removeprefix("www.")
            if domain and Outlet.objects.filter(domain=domain).exists():
                domain = ""  # another outlet has it; the editor can sort that out
            outlet, _ = Outlet.objects.get_or_create(name=name, defaults={"domain": domain})
        outlets[name] = outlet
    return outlets[name]


# --- Helpers ------------------------------------------------------------------------------


def _collect_files(paths: Iterable[Path | str], summary: ImportSummary) -> list[Path]:
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if not path.is_dir():
            if not path.exists() and not path.is_symlink():
                summary.failed.append((str(path), "no such file or directory"))
            else:
                files.append(path)
            continue

        def unreadable(exc: OSError) -> None:
            summary.failed.append((str(exc.filename), _os_reason(exc)))

        for dirpath, dirnames, filenames in os.walk(path, onerror=unreadable):
            # Hidden entries are editor and VCS clutter (.git, .DS_Store), not articles.
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            files.extend(Path(dirpath, f) for f in sorted(filenames) if not f.startswith("."))
    return files


def check_body(body: str) -> None:
    if not body:
        raise ArticleImportError("empty body")
    limit = settings.ARTICLE_MAX_BODY_CHARS
    if len(body) > limit:
        raise ArticleImportError(f"body is {len(body):,} characters; the limit is {limit:,}")
    if "\x00" in body:
        raise ArticleImportError("text contains NUL characters")


def _parse_iso_date(token: str) -> dt.date:
    if not _DATE_TOKEN.fullmatch(token):
        raise ArticleImportError(f'malformed date "{_shorten(token, 40)}": expected YYYY-MM-DD')
    year, month, day = (int(part) for part in token.split("-"))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ArticleImportError(f"{token} is not a real date") from None


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    sample = data[:8192]
    controls = len(sample.translate(None, _TEXT_BYTES))
    return controls > len(sample) * 0.05


def _is_html(data: bytes, *, name: str) -> bool:
    if os.path.splitext(name)[1].lower() in HTML_EXTENSIONS:
        return True
    start = data[:512].removeprefix(UTF8_BOM).lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html"))


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    try:
        codec = codecs.lookup(match.group(1).decode("ascii"))
    except LookupError:
        return None
    encoding = codec.name
    # A page names its charset, not any codec Python has: rot13, base64 or zlib transform
    # bytes, "undefined" always fails, and the escape and IDNA codecs are no page's encoding.
    # Browsers ignore a label they do not know; so do we, and read the page as UTF-8.
    if not codec._is_text_encoding or encoding in _NOT_PAGE_ENCODINGS:
        return None
    # As browsers do (WHATWG Encoding): a page that is readable as it declares cannot be
    # UTF-16, and "latin-1"/"ascii" pages are really windows-1252.
    if encoding.startswith(("utf-16", "utf-32", "utf-8")):
        return None
    if encoding in {"latin-1", "iso8859-1", "ascii"}:
        return "cp1252"
    return encoding


def _authors(raw: str) -> str:
    names = [" ".join(name.split()) for name in re.split(r"[;,]", raw)]
    kept: list[str] = []
    for name in filter(None, names):
        if len(", ".join([*kept, name])) > AUTHORS_MAX:
            break
        kept.append(name)
    return ", ".join(kept)


def _first_paragraph(body: str) -> str:
    return body.strip().split("\n\n", 1)[0]


def _shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or str(exc)).lower()


def unexpected_reason(exc: BaseException) -> str:
    """One line for an error nobody foresaw: its kind and the first line of its message."""
    detail = (str(exc).strip().splitlines() or [""])[0]
    return f"could not be imported ({type(exc).__name__}{': ' if detail else ''}{_shorten(detail, 200)})"


def _database_reason(exc: Exception) -> str:
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"refused by the database: {first_line}"
