"""The forms of acts on a release: publishing, approving a correction, withdrawing, sharing
early, and asking for a change to the release calendar. Each carries what its reader looked at
(a fingerprint, a request or a version number), so an approval covers nothing changed since."""

import datetime

from django import forms
from django.utils import timezone


class ChangeNoteField(forms.CharField):
    """A public change note: what changed and why, in a sentence residents will read under
    "Updates to this page". The one declaration every form uses."""

    def __init__(self, *, help_text, required=False, label="Public change note", rows=3):
        super().__init__(
            label=label,
            required=required,
            widget=forms.Textarea(attrs={"rows": rows}),
            help_text=help_text,
        )


class PublishForm(forms.Form):
    # A digest of what the publisher looked at (stats/rules/snapshot.fingerprint): a change
    # saved by anyone after the page was opened refuses the approval.
    seen = forms.CharField(widget=forms.HiddenInput)
    change_note = ChangeNoteField(
        help_text="Needed when the year has been published before: what changed and why."
    )


class ApproveForm(forms.Form):
    # The correction shown, and the version it was shown as becoming: if either moved on
    # meanwhile, or the year was released, this approves nothing (the publisher reads it first).
    correction = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    # Whether the year had been released: its note public, or for the record only.
    public = forms.BooleanField(required=False, widget=forms.HiddenInput)
    addition = ChangeNoteField(
        label="Add to the change note",
        help_text="The author's note is kept as they wrote it; anything you write here is "
        "added after it. Needed if the author wrote none.",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="The reason (public)",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Residents and journalists will read it, with today's date.",
    )


class ShareForm(forms.Form):
    organisation = forms.CharField(
        max_length=200, help_text="For example a newsroom. Published with the release."
    )
    recipient = forms.CharField(label="Name", max_length=200, required=False)
    role = forms.CharField(
        max_length=200,
        required=False,
        help_text="For example home affairs correspondent. Published with the release.",
    )
    early_reason = forms.CharField(
        label="Why it must open sooner (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Left empty, the link opens the usual number of hours before the release.",
    )


class CalendarForm(forms.Form):
    """A date for a release: a month while it is provisional, a date and time once confirmed.
    The browser's own date and time pickers: each box has its label, and no script is needed."""

    release_date = forms.DateField(
        label="Date (confirmed)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="A confirmed release: its date, and its time below.",
    )
    release_time = forms.TimeField(
        label="Time (UK time)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        initial=datetime.time(9, 30),
    )
    release_month = forms.DateField(
        label="Or a month (provisional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Any day in the month: only the month is announced.",
    )
    reason = forms.CharField(
        label="The reason (public)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed to move or cancel a release: the calendar shows it with the date before.",
    )

    def clean_release_month(self):
        month = self.cleaned_data.get("release_month")
        return month.replace(day=1) if month else None

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("release_date"), cleaned.get("release_time")
        if day and not time:
            self.add_error("release_time", "Give the time of the release too.")
        cleaned["release_at"] = (
            timezone.make_aware(datetime.datetime.combine(day, time)) if day and time else None
        )
        return cleaned


class AnnounceForm(CalendarForm):
    label = forms.CharField(
        label="What will be published",
        max_length=200,
        help_text="As the calendar will say it, e.g. 2023 results.",
    )
    year = forms.ModelChoiceField(
        queryset=None,
        required=False,
        help_text="The year this release publishes, if it is being prepared already.",
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = years
        self.order_fields(
            ["label", "year", "release_date", "release_time", "release_month", "reason"]
        )
