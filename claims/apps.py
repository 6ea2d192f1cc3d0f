from typing import Any

from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_save

        from articles.extensions import (
            ArticleListColumn,
            register_article_list_column,
            register_article_page_part,
        )
        from articles.models import Article
        from articles.signals import articles_saved

        from .article_page import (
            annotate_intake_counts,
            article_claims_part,
            article_suggestions_part,
        )
        from .models import Claim

        # The article page highlights claims and lists them beside the text.
        register_article_page_part(article_claims_part)
        # ...and the claims suggested in it, their passages marked (issue 11).
        register_article_page_part(article_suggestions_part)
        register_article_list_column(
            ArticleListColumn(
                header="Claims",
                annotate=annotate_intake_counts,
                template="claims/intake/list_counts.html",
            )
        )
        articles_saved.connect(_queue_suggestions, dispatch_uid="claims.queue_suggestions")
        post_save.connect(_claim_saved, sender=Claim, dispatch_uid="claims.intake_claim_saved")
        # An article's outlet changing moves its claims' scorecard counts to the new outlet,
        # in the transaction of the save. Not on articles_saved: that is sent after the
        # commit, once per import chunk, and no longer knows which outlet the article had.
        # Claims saved as instances keep the scorecard counts (claims.scorecard_counts).
        pre_save.connect(_claim_saving, sender=Claim, dispatch_uid="claims.claim_counts")
        post_save.connect(_claim_counted, sender=Claim, dispatch_uid="claims.claim_counts")
        post_delete.connect(_claim_deleted, sender=Claim, dispatch_uid="claims.claim_counts")
        pre_save.connect(_article_saving, sender=Article, dispatch_uid="claims.article_outlet")
        post_save.connect(_article_saved, sender=Article, dispatch_uid="claims.article_outlet")


def _queue_suggestions(sender: Any, article_ids: list[int], **kwargs: Any) -> None:
    from .tasks import queue_suggestions

    queue_suggestions(article_ids)


def _claim_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    # A claim logged from an article by hand or through "Edit & log" settles the suggestion
    # over the same passage, so it does not wait for review any more.
    if created and instance.quote_start is not None:
        from .intake import settle_suggestions_for

        settle_suggestions_for(instance)


def _article_saving(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    # The outlet as stored, read before the UPDATE replaces it.
    if raw or instance.pk is None:
        return
    from articles.models import Article

    instance._claims_stored_outlet = (
        Article.objects.filter(pk=instance.pk).values_list("outlet_id", flat=True).first()
    )


def _article_saved(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw or created or not hasattr(instance, "_claims_stored_outlet"):
        return
    stored = instance.__dict__.pop("_claims_stored_outlet")
    if stored == instance.outlet_id:
        return
    from django.db import transaction

    from .scorecard_counts import move_article_counts

    with transaction.atomic():
        move_article_counts(instance.pk, stored, instance.outlet_id)


def _claim_saving(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        from .scorecard_counts import claim_saving

        claim_saving(instance)


def _claim_counted(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if not raw:
        from .scorecard_counts import claim_saved

        claim_saved(instance, created)


def _claim_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from .scorecard_counts import claim_deleted

    claim_deleted(instance)
