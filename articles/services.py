"""Every write of an article or an outlet, shared by the views and the importer.

Identity: an article is the same article when it has the same ``url`` or, failing that, the
same text (``Article.content_hash``: published date and body). Saving the same text again
writes nothing, so an editor's later changes to title or dek survive a re-import. New text at
a known url updates that article.
"""

from __future__ import annotations

from enum import Enum
from urllib.parse import urlsplit

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction

from . import parsing
from .models import Article, Outlet
from .parsing import ArticleImportError, ParsedArticle, SourceKind
from .signals import send_articles_saved_on_commit

# Who saved an article: a view's request.user (role_required lets only a signed-in user
# through), an importing command's user, or nobody.
Author = User | AnonymousUser | None


class Outcome(Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class DuplicateArticle(Exception):
    """The text is already stored, as ``duplicate``."""

    def __init__(self, duplicate: Article) -> None:
        super().__init__(f"the same text is already article {duplicate.pk}")
        self.duplicate = duplicate


def find_duplicate(
    *, content_hash: str, url: str = "", exclude: Article | None = None
) -> Article | None:
    """The stored article at ``url``, or else with the same text; never ``exclude``."""
    articles = Article.objects.all()
    if exclude is not None and exclude.pk is not None:
        articles = articles.exclude(pk=exclude.pk)
    if url:
        article = articles.filter(url=url).first()
        if article is not None:
            return article
    return articles.filter(content_hash=content_hash).first()


def find_or_create_outlet(name: str, *, url: str = "") -> Outlet | None:
    """The outlet called ``name`` (in any case), created with the domain of ``url`` when new.

    Safe when two requests save the same new outlet at once: the loser of the race finds the
    winner's row. A domain another outlet has already is left blank for an editor to sort
    out, as the unique domain constraint requires.
    """
    name = " ".join(name.split())
    if not name:
        return None
    domain = (urlsplit(url).hostname or "").removeprefix("www.") if url else ""
    for _attempt in range(3):
        outlet = Outlet.objects.filter(name__iexact=name).first()
        if outlet is not None:
            return outlet
        if domain and Outlet.objects.filter(domain=domain).exists():
            domain = ""
        try:
            # A savepoint, so a lost race leaves the caller's transaction usable.
            with transaction.atomic():
                return Outlet.objects.create(name=name, domain=domain)
        except IntegrityError:
            # Another request created this name, or took this domain, meanwhile: look again.
            continue
    return Outlet.objects.get(name__iexact=name)


def save_article_form(*, article: Article, outlet_name: str, by: Author) -> Article:
    """Save an article typed in or corrected in the form; raises DuplicateArticle when its
    text is already stored as another article."""
    with transaction.atomic():
        duplicate = find_duplicate(content_hash=article.compute_content_hash(), exclude=article)
        if duplicate is not None:
            raise DuplicateArticle(duplicate)
        article.outlet = find_or_create_outlet(outlet_name, url=article.url)
        if article.pk is None:
            article.created_by = _user(by)
            article.source_kind = SourceKind.MANUAL
            article.source = "pasted text"
        article.save()
        send_articles_saved_on_commit([article.pk])
    return article


def save_upload(*, data: bytes, name: str, by: Author) -> tuple[Article, bool]:
    """Store an uploaded article file (the upload form's and the API's); returns (article,
    created). Raises ArticleImportError with a one-line reason naming the file."""
    try:
        parsed = parsing.parse_bytes(data, name=name)
    except ArticleImportError as exc:
        raise ArticleImportError(f"{name}: {exc}") from None
    parsed.source_kind = SourceKind.UPLOAD
    return save_article(parsed, created_by=by)


def save_article(parsed: ParsedArticle, *, created_by: Author = None) -> tuple[Article, bool]:
    """Store a parsed article unless it is already there; returns (article, created).

    The same text again writes nothing at all, not even ``updated_at``.
    """
    article, outcome = save_parsed(parsed, created_by=created_by)
    if outcome is not Outcome.UNCHANGED:
        send_articles_saved_on_commit([article.pk])
    return article, outcome is Outcome.CREATED


def save_parsed(
    parsed: ParsedArticle,
    *,
    created_by: Author = None,
    outlets: dict[str, Outlet] | None = None,
) -> tuple[Article, Outcome]:
    """``save_article``, saying whether the article was created, updated or unchanged;
    ``outlets`` keeps the outlets found by name across the calls of one import."""
    parsed_hash = parsed.content_hash
    with transaction.atomic():
        existing = find_duplicate(content_hash=parsed_hash, url=parsed.url)
        if existing is None:
            article = new_article(
                parsed,
                parsed_hash=parsed_hash,
                outlet=outlet_of(parsed, outlets=outlets),
                created_by=created_by,
            )
            try:
                with transaction.atomic():
                    article.save()
            except IntegrityError:
                # A concurrent import of the same article won the race.
                existing = find_duplicate(content_hash=parsed_hash, url=parsed.url)
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
        existing.outlet = outlet_of(parsed, outlets=outlets)
        existing.save()
        return existing, Outcome.UPDATED


def new_article(
    parsed: ParsedArticle,
    *,
    parsed_hash: str,
    outlet: Outlet | None,
    created_by: Author,
) -> Article:
    """An unsaved Article of ``parsed``, ready for ``save()`` or ``bulk_create``."""
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
        created_by=_user(created_by),
    )


def outlet_of(parsed: ParsedArticle, *, outlets: dict[str, Outlet] | None = None) -> Outlet | None:
    """The outlet a parsed article names, looked up once per name in ``outlets``."""
    name = parsed.outlet_name
    if outlets is None or not name:
        return find_or_create_outlet(name, url=parsed.url)
    if name not in outlets:
        outlet = find_or_create_outlet(name, url=parsed.url)
        if outlet is None:
            return None
        outlets[name] = outlet
    return outlets[name]


def _user(author: Author) -> User | None:
    return author if isinstance(author, User) else None
