"""What was published. This app knows nothing of claims."""

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.base import ModelBase
from django.urls import reverse

# The field limits, the source kinds and the text's identity are the parser's too, which
# runs without models; they live there.
from .parsing import (
    AUTHORS_MAX,
    OUTLET_NAME_MAX,
    SOURCE_MAX,
    TITLE_MAX,
    URL_MAX,
    SourceKind,
    content_hash,
)

__all__ = ["Article", "Outlet", "SourceKind", "content_hash"]


class Outlet(models.Model):
    name = models.CharField(max_length=OUTLET_NAME_MAX, unique=True)
    domain = models.CharField(max_length=253, blank=True, help_text="e.g. nytimes.com")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["domain"], condition=~Q(domain=""), name="outlet_domain_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    title = models.CharField(max_length=TITLE_MAX)
    dek = models.TextField(blank=True, help_text="Standfirst or summary.")
    body = models.TextField()
    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    url = models.URLField(max_length=URL_MAX, blank=True)
    published_date = models.DateField()
    authors = models.CharField(max_length=AUTHORS_MAX, blank=True, help_text="Comma-separated.")
    language = models.CharField(max_length=16, default="en")
    source_kind = models.CharField(max_length=10, choices=SourceKind, default=SourceKind.MANUAL)
    source = models.CharField(
        max_length=SOURCE_MAX, blank=True, help_text="Seed file name, uploaded file name or URL."
    )
    content_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="article_url_unique"
            ),
            models.UniqueConstraint(fields=["content_hash"], name="article_content_hash_unique"),
            models.CheckConstraint(
                condition=~Q(content_hash=""), name="article_content_hash_present"
            ),
            models.CheckConstraint(condition=~Q(body=""), name="article_body_present"),
            models.CheckConstraint(
                condition=Q(source_kind__in=SourceKind.values), name="article_source_kind_valid"
            ),
        ]
        indexes = [
            # Article list, newest first, with keyset pagination on (published_date, id).
            models.Index(fields=["-published_date", "-id"], name="article_published"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.published_date})"

    def save(
        self,
        *,
        force_insert: bool | tuple[ModelBase, ...] = False,
        force_update: bool = False,
        using: str | None = None,
        update_fields: Iterable[str] | None = None,
    ) -> None:
        # Model.save's own keywords, so that every caller's arguments are checked.
        self.content_hash = self.compute_content_hash()
        super().save(
            force_insert=force_insert,
            force_update=force_update,
            using=using,
            update_fields=update_fields,
        )

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", args=[self.pk])

    def compute_content_hash(self) -> str:
        return content_hash(published_date=self.published_date, body=self.body)

    @property
    def author_list(self) -> list[str]:
        return [a.strip() for a in self.authors.split(",") if a.strip()]
