"""Import article files and folders in batches, for the management command.

Files are parsed by articles/parsing.py (no database) and stored through
articles/services.py, whose rules say when an article is new, updated or unchanged. Here:
collecting the files, chunks written together, the progress bar, and a line per bad file.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from django.db import DataError, IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Q
from tqdm import tqdm

from . import parsing, services
from .models import Article, Outlet
from .parsing import ArticleImportError, ParsedArticle, os_reason, unexpected_reason
from .services import Author, Outcome
from .signals import send_articles_saved_on_commit

# Large enough that per-query overhead vanishes, small enough that a chunk's rows and its
# IN (...) look-up stay well inside every backend's parameter limits.
CHUNK_SIZE = 500
# A bar for a handful of files is noise.
PROGRESS_MIN_FILES = 20

logger = logging.getLogger(__name__)

# The files of a chunk parsed: (name, article, its content hash), and (name, reason) of
# those that could not be.
ParsedChunk = tuple[list[tuple[str, ParsedArticle, str]], list[tuple[str, str]]]


@dataclass
class ImportSummary:
    imported: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.imported) + len(self.updated) + len(self.unchanged) + len(self.failed)


def import_paths(
    paths: Iterable[Path | str],
    *,
    created_by: Author = None,
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
        waiting = iter(chunks)

        def parse_next() -> Future[ParsedChunk] | None:
            chunk = next(waiting, None)
            return None if chunk is None else parser.submit(_parse_chunk, chunk, bar=bar)

        ahead = parse_next()
        while ahead is not None:
            parsed, failed = ahead.result()
            ahead = parse_next()
            summary.failed.extend(failed)
            _save_chunk(parsed, summary=summary, created_by=created_by, outlets=outlets)
    return summary


def _parse_chunk(paths: list[Path], *, bar: tqdm) -> ParsedChunk:
    parsed: list[tuple[str, ParsedArticle, str]] = []
    failed: list[tuple[str, str]] = []
    for path in paths:
        try:
            article = parsing.parse_file(path)
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
    created_by: Author,
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
                        services.new_article(
                            parsed,
                            parsed_hash=parsed_hash,
                            outlet=services.outlet_of(parsed, outlets=outlets),
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
            saved, outcome = services.save_parsed(parsed, created_by=created_by, outlets=outlets)
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
            summary.failed.append((str(exc.filename), os_reason(exc)))

        for dirpath, dirnames, filenames in os.walk(path, onerror=unreadable):
            # Hidden entries are editor and VCS clutter (.git, .DS_Store), not articles.
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            files.extend(Path(dirpath, f) for f in sorted(filenames) if not f.startswith("."))
    return files


def _database_reason(exc: Exception) -> str:
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"refused by the database: {first_line}"
