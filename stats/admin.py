"""The press office's admin: a year is entered on one page with its figures, quotes and notes."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone

from .enums import YearState
from .models import ChangeNote, Figure, Measure, Quote, Year


class FigureInline(admin.TabularInline):
    model = Figure
    fields = ["measure", "value", "qualifier", "comparison", "note"]
    extra = 3
    autocomplete_fields = ["measure"]


class QuoteInline(admin.StackedInline):
    model = Quote
    fields = [("speaker_name", "speaker_role"), "text", "order"]
    extra = 1


class ChangeNoteInline(admin.TabularInline):
    model = ChangeNote
    fields = ["made_at", "text"]
    extra = 0
    verbose_name = "public change note"
    verbose_name_plural = "Updates to this page (public change notes)"


@admin.register(Year)
class YearAdmin(admin.ModelAdmin):
    list_display = ["label", "title", "state", "published_at", "updated_at", "figure_count"]
    list_filter = ["state"]
    search_fields = ["label", "title", "introduction"]
    ordering = ["-period_end"]
    prepopulated_fields = {"slug": ["label"]}
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": [("label", "slug"), "title", ("period_start", "period_end")]}),
        ("What residents read first", {"fields": ["introduction", "other_results"]}),
        (
            "Publishing",
            {
                "fields": ["state", "published_at", "updated_at"],
                "description": (
                    "A draft is never shown to the public. A published year appears at its "
                    "publication time: leave the time empty to publish on saving."
                ),
            },
        ),
    ]
    inlines = [FigureInline, QuoteInline, ChangeNoteInline]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(figure_total=Count("figures"))

    @admin.display(description="figures", ordering="figure_total")
    def figure_count(self, year):
        return year.figure_total

    @admin.action(description="Publish the selected years now")
    def publish(self, request, queryset):
        for year in queryset.exclude(state=YearState.PUBLISHED):
            year.state = YearState.PUBLISHED
            year.published_at = year.published_at or timezone.now()
            year.save()
            self.message_user(request, f"{year} is published.", messages.SUCCESS)

    @admin.action(description="Return the selected years to draft")
    def unpublish(self, request, queryset):
        for year in queryset.filter(state=YearState.PUBLISHED):
            year.state = YearState.DRAFT
            year.save()
            self.message_user(request, f"{year} is a draft again and hidden from the public.")


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "parent", "is_headline", "is_active", "display_order"]
    list_editable = ["is_headline", "display_order"]
    list_filter = ["unit", "is_headline", "is_active"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["speaker_name", "speaker_role", "year", "order"]
    list_filter = ["year"]
    search_fields = ["speaker_name", "speaker_role", "text"]
    list_select_related = ["year"]


@admin.register(ChangeNote)
class ChangeNoteAdmin(admin.ModelAdmin):
    list_display = ["year", "made_at", "text"]
    list_filter = ["year"]
    search_fields = ["text"]
    list_select_related = ["year"]
    date_hierarchy = "made_at"
