"""A year is entered on one page: its text, a grid of figures, its quotes and change notes.

A year a publisher has approved (published, or scheduled) is never changed in place: a save
is held as a pending correction for another publisher to approve (stats/rules/corrections.py), so
the public keeps seeing what was approved.
"""

from dataclasses import dataclass

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from stats.models.enums import YearState
from stats.rules import corrections
from stats.rules.figure_grid import figure_rows_for

from ..models import ChangeNote, Figure, Quote, Year
from .figure_grid import FigureForm, FigureFormSet
from .forms import QuoteFormSet, YearForm
from .lists import on_the_page
from .workflow import YearWorkflowMixin


def grid_rows(request, year):
    """The figure grid's rows, worked out once per request (the count of empty rows and the
    rows themselves are asked for separately)."""
    if getattr(request, "figure_grid_rows", None) is None:
        request.figure_grid_rows = figure_rows_for(year)
    return request.figure_grid_rows


@dataclass
class HeldSave:
    """A save of an approved year on its way to being held as a correction: the savepoint it
    is made in, the year's content before it, and what became of it."""

    HELD, UNCHANGED, TAKEN = "held", "unchanged", "taken"

    savepoint: str
    before: dict
    outcome: str = ""


class FigureInline(admin.TabularInline):
    model = Figure
    form = FigureForm
    formset = FigureFormSet
    template = "admin/stats/year/figure_grid.html"
    fields = FigureForm.Meta.fields + ["confirm_unusual"]
    verbose_name_plural = "Figures"

    def get_extra(self, request, obj=None, **kwargs):
        return sum(1 for _, initial in grid_rows(request, obj) if initial)


class QuoteInline(admin.StackedInline):
    model = Quote
    formset = QuoteFormSet
    fields = [("speaker_name", "speaker_role"), "text", "order"]
    extra = 1  # a first (or next) quote can be typed in without JavaScript


class ChangeNoteInline(admin.TabularInline):
    """Change notes are append-only: added with a correction, never edited here."""

    model = ChangeNote
    fields = ["made_at", "text", on_the_page]
    readonly_fields = ["made_at", "text", on_the_page]
    extra = 0
    verbose_name = "change note"
    verbose_name_plural = "Change notes (“Updates to this page” once the year is released)"

    def get_queryset(self, request):
        # Each row's "public" column asks its note's year: one query for all of them.
        return super().get_queryset(request).select_related("year")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Year)
class YearAdmin(YearWorkflowMixin, admin.ModelAdmin):
    form = YearForm
    list_display = ["label", "title", "status", "published_at", "updated_at", "figure_count"]
    list_filter = ["state"]
    search_fields = ["label", "title", "introduction"]
    ordering = ["-period_end"]
    readonly_fields = ["status", "published_at", "approved_at", "updated_at"]
    inlines = [FigureInline, QuoteInline, ChangeNoteInline]
    change_form_template = "admin/stats/year/change_form.html"

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": [("label", "slug"), "title", ("period_start", "period_end")]}),
            ("What residents read first", {"fields": ["introduction", "other_results"]}),
            (
                "Photo (optional)",
                {
                    "fields": ["photo", "photo_alt", "photo_caption", "photo_credit"],
                    "classes": ["collapse"],
                },
            ),
            (
                "Publishing",
                {
                    "fields": [
                        "status",
                        "published_at",
                        "approved_at",
                        "updated_at",
                        "version",
                        "opened_at",
                    ],
                    "description": "Publish, schedule or mark ready for review with the buttons "
                    "at the top of the page. Drafts are never shown to the public.",
                },
            ),
        ]
        if obj is not None and obj.is_public:
            fieldsets.insert(0, ("Correcting a published year", {"fields": ["change_note"]}))
        return fieldsets

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, FigureInline):
            rows = grid_rows(request, obj)
            # The same rows on display and on saving, so untouched rows are left out.
            kwargs["initial"] = [initial for _, initial in rows if initial]
            kwargs["rows"] = rows
        return kwargs

    def save_model(self, request, obj, form, change):
        if change and Year.objects.filter(pk=obj.pk, state=YearState.PUBLISHED).exists():
            # Approved: saved in a savepoint only to read what the change makes of the year.
            before = corrections.content(Year.objects.get(pk=obj.pk))
            request.correction = HeldSave(transaction.savepoint(), before)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        held = getattr(request, "correction", None)
        if held is not None:
            after = corrections.content(form.instance)
            transaction.savepoint_rollback(held.savepoint)
            try:
                pending = corrections.hold(
                    form.instance,
                    held.before,
                    after,
                    request.user,
                    form.cleaned_data.get("change_note", ""),
                )
            except corrections.AlreadyWaiting:
                held.outcome = HeldSave.TAKEN
            else:
                held.outcome = HeldSave.HELD if pending else HeldSave.UNCHANGED
            form.instance.refresh_from_db()

    def response_change(self, request, obj):
        held = getattr(request, "correction", None)
        if held is None:
            return super().response_change(request, obj)
        if held.outcome == HeldSave.TAKEN:
            self.message_user(
                request,
                "Someone else's correction to this year was saved a moment before yours, so "
                "yours was not kept: see theirs below, then make yours again if it is needed.",
                messages.ERROR,
            )
        elif held.outcome == HeldSave.UNCHANGED:
            self.message_user(request, "Nothing the public reads was changed.", messages.INFO)
        else:
            self.message_user(
                request,
                "Your change is waiting for a publisher's approval. Until then the public "
                "sees the year as it was approved.",
                messages.WARNING,
            )
        return self._back(obj)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(figure_total=Count("figures"))

    def get_actions(self, request):
        # Deleting goes year by year, through the checks in has_delete_permission.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        # Permalinks never break: a year the public has seen is unpublished, never deleted,
        # and a scheduled one is unscheduled first.
        if obj is not None and (obj.state == YearState.PUBLISHED or obj.has_been_public):
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="figures", ordering="figure_total")
    def figure_count(self, year):
        return year.figure_total

    @admin.display(description="state", ordering="state")
    def status(self, year):
        if year.is_scheduled:
            return f"Scheduled for {timezone.localtime(year.published_at):%d %b %Y %H:%M}"
        if year.state == YearState.DRAFT and year.withdrawn_at:
            return "Withdrawn (draft)"
        return year.get_state_display()
