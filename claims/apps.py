from typing import Any

from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from articles.extensions import (
            ArticleListColumn,
            register_article_list_column,
            register_article_page_part,
        )
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


def _queue_suggestions(sender: Any, article_ids: list[int], **kwargs: Any) -> None:
    from .tasks import queue_suggestions

    queue_suggestions(article_ids)


def _claim_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    # A claim logged from an article by hand or through "Edit & log" settles the suggestion
    # over the same passage, so it does not wait for review any more.
    if created and instance.quote_start is not None:
        from .intake import settle_suggestions_for

        settle_suggestions_for(instance)
