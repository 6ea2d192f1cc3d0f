from django.contrib import admin

from config.forms import ADMIN_URL_FIELDS

from .models import Article, Outlet


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "domain"]
    search_fields = ["name", "domain"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_URL_FIELDS
    list_display = ["title", "outlet", "published_date", "source_kind", "source", "created_at"]
    list_filter = ["source_kind", "language", "outlet", "published_date"]
    search_fields = ["title", "dek", "url", "source"]
    date_hierarchy = "published_date"
    list_select_related = ["outlet"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["content_hash", "created_at", "updated_at"]
