"""Quotes and public change notes, listed for finding things: they are edited on their year's
page, through its rules (a change to an approved year waits for approval)."""

from django.contrib import admin
from django.utils.html import format_html

from ..models import ChangeNote, Quote


@admin.display(description="public")
def on_the_page(note):
    """A note written before its year's release is kept for the record only (ChangeNote); one
    written after it is under "Updates to this page" whenever the year is on show."""
    if not note.after_release:
        return "record only"
    return "on the page" if note.year.is_public else "when published again"


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

    list_display = ["year_link", "made_at", "text", on_the_page]
    list_filter = ["year"]
    search_fields = ["text"]
    date_hierarchy = "made_at"
