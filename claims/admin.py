from django.contrib import admin
from django.http import HttpRequest

from config.forms import ADMIN_URL_FIELDS

from .models import Claim, ClaimEvent, Evidence, Person, PersonAlias, Reminder, Tag


class PersonAliasInline(admin.TabularInline):
    model = PersonAlias
    extra = 1


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "description", "created_at"]
    search_fields = ["name", "aliases__alias"]
    inlines = [PersonAliasInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class EvidenceInline(admin.TabularInline):
    formfield_overrides = ADMIN_URL_FIELDS
    model = Evidence
    extra = 0
    raw_id_fields = ["added_by"]


class ClaimEventInline(admin.TabularInline):
    model = ClaimEvent
    extra = 0
    can_delete = False
    # Shown, and none of them editable: the timeline is append-only.
    fields = readonly_fields = ("created_at", "kind", "actor", "note", "data")

    def has_add_permission(self, request: HttpRequest, obj: Claim | None = None) -> bool:
        return False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = [
        "statement",
        "claimant",
        "claim_type",
        "due_date",
        "status",
        "assignee",
        "article",
    ]
    list_filter = ["status", "claim_type", "precision", "vague", "tags", "due_date"]
    search_fields = ["statement", "quote", "time_phrase", "claimant__name", "article__title"]
    date_hierarchy = "due_date"
    list_select_related = ["claimant", "assignee", "article"]
    raw_id_fields = ["article", "claimant", "assignee", "resolved_by", "created_by"]
    filter_horizontal = ["tags"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [EvidenceInline, ClaimEventInline]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_URL_FIELDS
    list_display = ["__str__", "claim", "url", "added_by", "added_at"]
    search_fields = ["title", "url", "note"]
    list_select_related = ["claim", "added_by"]
    raw_id_fields = ["claim", "added_by"]


@admin.register(ClaimEvent)
class ClaimEventAdmin(admin.ModelAdmin):
    """Read-only: the timeline is append-only."""

    list_display = ["created_at", "kind", "claim", "actor", "note"]
    list_filter = ["kind", "created_at"]
    search_fields = ["note", "claim__statement"]
    list_select_related = ["claim", "actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ClaimEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ClaimEvent | None = None) -> bool:
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = [
        "claim",
        "recipient",
        "due_date",
        "step",
        "escalation",
        "channel",
        "created_at",
        "sent_at",
        "read_at",
        "attempts",
    ]
    list_filter = ["channel", "step", "escalation", "sent_at", "read_at"]
    search_fields = ["claim__statement", "recipient__username", "recipient__email"]
    list_select_related = ["claim", "recipient"]
    raw_id_fields = ["claim", "recipient"]
