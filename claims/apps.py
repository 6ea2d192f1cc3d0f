from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        from articles.extensions import register_article_page_part

        from .article_page import article_claims_part

        # The article page highlights claims and lists them beside the text.
        register_article_page_part(article_claims_part)
