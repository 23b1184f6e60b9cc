"""Measures: what is counted. Press officers may add one (a release grows a new measure);
changing a measure the public has seen is for publishers, and a new name or description
waits for another publisher's approval (stats/rules/measure_changes.py)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from stats.rules import measure_changes
from stats.rules.approval import may_publish
from stats.rules.publishing import PublishingError

from ..models import Measure, PendingMeasureChange
from .history import ReadOnlyHistoryAdmin
from .release_forms import ChangeNoteField


class MeasureForm(forms.ModelForm):
    change_note = ChangeNoteField(
        rows=2,
        help_text="Needed to change the name, description or order of a measure on a released "
        "or scheduled year: it is added under “Updates to this page” on every year that shows "
        "it (a year not yet released keeps it in its record).",
    )

    class Meta:
        model = Measure
        fields = [
            "name",
            "slug",
            "unit",
            "description",
            "parent",
            "display_order",
            "is_headline",
            "is_active",
        ]

    def clean(self):
        cleaned = super().clean()
        measure = self.instance
        if not measure.pk:
            return cleaned
        has_figures = measure.figures.exists()
        for name in ("unit", "parent"):
            if has_figures and name in self.changed_data:
                self.add_error(
                    name,
                    "Years already have figures for this measure, so this cannot change: add "
                    "a new measure instead (and mark this one's figures as not comparable).",
                )
        on_public_pages = bool(measure_changes.public_years(measure))
        if on_public_pages and "slug" in self.changed_data:
            self.add_error(
                "slug",
                "Pages the public has seen link to this measure at this address (its page, its "
                "figures' embeds and share cards): it cannot change.",
            )
        public = set(self.changed_data) & set(measure_changes.PUBLIC_FIELDS)
        if public and on_public_pages:
            if PendingMeasureChange.objects.filter(measure=measure).exists():
                self.add_error(None, measure_changes.ALREADY_WAITING)
            if not cleaned.get("change_note", "").strip():
                self.add_error("change_note", "Say what changed and why: the public will read it.")
        return cleaned


@admin.register(Measure)
class MeasureAdmin(ReadOnlyHistoryAdmin):
    form = MeasureForm
    list_display = ["name", "unit", "parent", "is_headline", "is_active", "display_order"]
    # Only the headline default is edited in the list: a new order for a measure on public
    # pages goes through its form, and waits for approval like its name.
    list_editable = ["is_headline"]
    list_filter = ["unit", "is_headline", "is_active"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    # A plain list: there are a few dozen measures at most, and a plain select is named by its
    # label for screen readers (the autocomplete widget's box is not).
    change_form_template = "admin/stats/measure/change_form.html"

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "change_note"]
        return [*fields, "change_note"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        held = {
            name: form.cleaned_data[name]
            for name in measure_changes.PUBLIC_FIELDS
            if change and name in form.changed_data
        }
        if held and measure_changes.public_years(obj):
            stored = Measure.objects.get(pk=obj.pk)
            for name in held:
                setattr(obj, name, getattr(stored, name))  # the public keeps the old wording
            try:
                measure_changes.hold(obj, held, request.user, form.cleaned_data["change_note"])
            except PublishingError as error:  # another change was held a moment before
                messages.error(request, " ".join(error.problems))
            else:
                messages.warning(
                    request,
                    "The new wording waits for another publisher's approval; until then every "
                    "year's page shows the measure as it was.",
                )
        super().save_model(request, obj, form, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        pending, years = None, []
        if str(object_id).isdigit():
            pending = PendingMeasureChange.objects.filter(measure_id=object_id).first()
        if pending is not None:
            years = measure_changes.public_years(pending.measure)
        extra_context = {
            **(extra_context or {}),
            "pending": pending,
            "years": years,
            "released": ",".join(map(str, sorted(measure_changes.released(years)))),
            "new_definition": pending is not None and measure_changes.changes_definition(pending),
            "can_publish": may_publish(request.user),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        def view(function, name):
            return path(
                f"<int:object_id>/{name}/",
                self.admin_site.admin_view(require_POST(function)),
                name=f"stats_measure_{name}",
            )

        return [view(self.approve_view, "approve"), view(self.discard_view, "discard")] + (
            super().get_urls()
        )

    def approve_view(self, request, object_id):
        if not may_publish(request.user):
            raise PermissionDenied
        measure = get_object_or_404(Measure, pk=object_id)
        try:
            seen = int(request.POST.get("change", ""))
        except ValueError:
            seen = -1  # approves nothing: the publisher is shown the change waiting
        try:
            released = {int(pk) for pk in request.POST.get("released", "").split(",") if pk}
        except ValueError:
            released = {-1}  # approves nothing, as above
        still_comparable = {"yes": True, "no": False}.get(request.POST.get("still_comparable"))
        try:
            measure_changes.approve(
                measure,
                request.user,
                seen=seen,
                still_comparable=still_comparable,
                released_seen=released,
            )
        except PublishingError as error:
            self.message_user(request, " ".join(error.problems), messages.ERROR)
        else:
            self.message_user(
                request,
                f"The change to {measure} is approved: each year that shows it has a new version.",
            )
        return redirect(reverse("admin:stats_measure_change", args=[object_id]))

    def discard_view(self, request, object_id):
        pending = get_object_or_404(PendingMeasureChange, measure_id=object_id)
        if not (pending.made_by_id == request.user.pk or may_publish(request.user)):
            raise PermissionDenied
        pending.delete()
        self.message_user(request, "The change to the measure was discarded.")
        return redirect(reverse("admin:stats_measure_change", args=[object_id]))
