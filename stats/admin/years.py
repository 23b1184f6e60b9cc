"""A year is entered on one page: its text, a grid of figures, its quotes and change notes."""

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone

from ..models import ChangeNote, Figure, Measure, Quote, Year
from .forms import FigureForm, FigureFormSet, QuoteFormSet, YearForm
from .workflow import YearWorkflowMixin


def measures_without_figures(year):
    """Active measures this year has no row for yet: offered as empty rows to fill in."""
    measures = Measure.objects.active().order_by("display_order", "name")
    if year is not None and year.pk:
        measures = measures.exclude(figures__year=year)
    return list(measures)


class FigureInline(admin.TabularInline):
    model = Figure
    form = FigureForm
    formset = FigureFormSet
    fields = ["measure", "value", "qualifier", "comparison", "note", "confirm_unusual"]
    verbose_name_plural = "Figures (type values as you would write them: £1.5m, 550,000, 40%)"

    def get_extra(self, request, obj=None, **kwargs):
        return len(measures_without_figures(obj))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "measure":
            # A plain list of measures: no add/edit/view icons crowding each row of the grid.
            return db_field.formfield(queryset=Measure.objects.order_by("display_order", "name"))
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class QuoteInline(admin.StackedInline):
    model = Quote
    formset = QuoteFormSet
    fields = [("speaker_name", "speaker_role"), "text", "order"]
    extra = 0


class ChangeNoteInline(admin.TabularInline):
    model = ChangeNote
    fields = ["made_at", "text"]
    extra = 0
    verbose_name = "public change note"
    verbose_name_plural = "Updates to this page (public change notes)"


@admin.register(Year)
class YearAdmin(YearWorkflowMixin, admin.ModelAdmin):
    form = YearForm
    list_display = ["label", "title", "status", "published_at", "updated_at", "figure_count"]
    list_filter = ["state"]
    search_fields = ["label", "title", "introduction"]
    ordering = ["-period_end"]
    readonly_fields = ["status", "published_at", "updated_at"]
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
                    "fields": ["status", "published_at", "updated_at", "version", "opened_at"],
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
            # The same rows on display and on saving, so untouched rows are left out.
            kwargs["initial"] = [{"measure": m.pk} for m in measures_without_figures(obj)]
        return kwargs

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        note = form.cleaned_data.get("change_note", "").strip()
        if note:
            form.instance.change_notes.create(text=note)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(figure_total=Count("figures"))

    def has_delete_permission(self, request, obj=None):
        # Permalinks never break: a year the public has seen is unpublished, never deleted.
        if obj is not None and obj.has_been_public:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="figures", ordering="figure_total")
    def figure_count(self, year):
        return year.figure_total

    @admin.display(description="state", ordering="state")
    def status(self, year):
        if year.is_scheduled:
            return f"Scheduled for {timezone.localtime(year.published_at):%d %b %Y %H:%M}"
        return year.get_state_display()
