"""Announcements and preview links; quotes and notes are edited on their year's page."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from ..models import ChangeNote, NextRelease, PreviewLink, Quote


class EditedOnTheYearPage:
    """Read-only lists for finding things; changes go through the year's page and its rules."""

    list_select_related = ["year"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Only as part of deleting a draft that was never public nor scheduled (an approved
        # year's rows change through its page, held for approval).
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not obj.year.approved_at)

    def get_actions(self, request):
        # No bulk delete: it would skip the check above for each row.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="year")
    def year_link(self, obj):
        return format_html('<a href="../year/{}/change/">{}</a>', obj.year_id, obj.year)


@admin.register(Quote)
class QuoteAdmin(EditedOnTheYearPage, admin.ModelAdmin):
    list_display = ["speaker_name", "speaker_role", "year_link", "order"]
    list_filter = ["year"]
    search_fields = ["speaker_name", "speaker_role", "text"]


@admin.register(ChangeNote)
class ChangeNoteAdmin(EditedOnTheYearPage, admin.ModelAdmin):
    """Append-only: a mistake in a public note is put right by a new note."""

    def has_delete_permission(self, request, obj=None):
        return False

    list_display = ["year_link", "made_at", "text"]
    list_filter = ["year"]
    search_fields = ["text"]
    date_hierarchy = "made_at"


@admin.register(NextRelease)
class NextReleaseAdmin(SimpleHistoryAdmin):
    list_display = ["label", "expected_at", "note"]


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "shared_with",
        "created_by",
        "created_at",
        "expires_at",
        "status",
        "times_used",
    ]
    list_filter = ["year"]
    readonly_fields = [
        "year",
        "shared_with",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
        "uses_list",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # made from the year's page, where the link is shown once

    @admin.display(description="status")
    def status(self, link):
        if link.revoked_at:
            return "Revoked"
        return "Working" if link.is_usable else "Expired"

    @admin.display(description="times used")
    def times_used(self, link):
        return link.uses.count()

    @admin.display(description="uses")
    def uses_list(self, link):
        rows = [
            f"{timezone.localtime(u.used_at):%d %b %Y %H:%M} from {u.ip_address}"
            for u in link.uses.all()
        ]
        return "; ".join(rows) or "Not used yet"

    @admin.action(description="Revoke the selected links now", permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {count} link(s).", messages.SUCCESS)
