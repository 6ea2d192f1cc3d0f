"""Article files and texts to articles, without the database.

Decoding (UTF-8, or the charset an HTML page declares), the seed format, and saved news pages
through articles/extraction.py. A bad file is refused here, with a one-line reason, before
anything is written; articles/importing.py and the upload view store what this returns
through articles/services.py. No model is imported here: the field limits and the text's
identity (``content_hash``) live here and the models use them.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import TextChoices

from .extraction import ExtractionError, extract_page
from .uploads import size_text

# A news page has a few thousand elements, a long one with its comments and inline SVG
# twenty thousand; past this a page is not an article but a way to stall the extractor.
MAX_HTML_ELEMENTS = 50_000

HTML_EXTENSIONS = {".html", ".htm", ".xhtml"}
UTF8_BOM = b"\xef\xbb\xbf"

# Field sizes of Article and Outlet (articles.models uses them): bulk_create skips model
# validation and PostgreSQL refuses over-long values, so parsed values are made to fit.
TITLE_MAX = 500
AUTHORS_MAX = 500
URL_MAX = 2000
SOURCE_MAX = 2000
OUTLET_NAME_MAX = 200
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


class SourceKind(TextChoices):
    SEED = "seed", "Seed file"
    URL = "url", "URL"
    UPLOAD = "upload", "Upload"
    MANUAL = "manual", "Manual entry"


def content_hash(*, published_date: object, body: str) -> str:
    """Identity of an article's text, so re-importing the same article changes nothing.

    The title is left out on purpose: an editor may retitle an article without making
    the next import of the same file a duplicate.
    """
    normalised_body = "\n".join(" ".join(line.split()) for line in body.strip().splitlines())
    payload = f"{published_date}\x1f{normalised_body}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


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
        raise ArticleImportError(os_reason(exc)) from None
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


def os_reason(exc: OSError) -> str:
    """Why a file could not be read, in a few words."""
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or str(exc)).lower()


def unexpected_reason(exc: BaseException) -> str:
    """One line for an error nobody foresaw: its kind and the first line of its message."""
    detail = (str(exc).strip().splitlines() or [""])[0]
    return f"could not be imported ({type(exc).__name__}{': ' if detail else ''}{_shorten(detail, 200)})"
