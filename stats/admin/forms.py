"""The year's own form and its quotes: a public change note where the public will read the
change, and no silent overwrite when two people edit the year at once (optimistic locking)."""

from concurrency.forms import get_signer
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from stats.rules import corrections
from stats.rules.revisions import changes_to_year

from ..models import Year
from .release_forms import ChangeNoteField

CHANGE_NOTE_NEEDED = (
    "This year is public: say what you changed in the public change note at the top of the page."
)


class CorrectionFormSetMixin:
    """On a public year, any change to its rows needs a public change note."""

    def clean(self):
        super().clean()
        if self.instance.pk and Year.objects.published().filter(pk=self.instance.pk).exists():
            if self.has_changed() and not self.data.get("change_note", "").strip():
                raise ValidationError(CHANGE_NOTE_NEEDED)


class QuoteFormSet(CorrectionFormSetMixin, forms.BaseInlineFormSet):
    pass


class YearForm(forms.ModelForm):
    """The year's own fields, with the version it was opened at for optimistic locking."""

    # What the public reads of the year itself: the same fields a held correction carries.
    PUBLIC_FIELDS = corrections.YEAR_FIELDS

    change_note = ChangeNoteField(
        rows=2,
        help_text="This year is public. Say what you are changing and why, in a sentence "
        "residents will read under “Updates to this page” once a publisher approves it.",
    )
    opened_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_at"].initial = timezone.now().isoformat()

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):  # a new upload, not the photo already saved
            # Pillow is loaded when a photo is uploaded, not by every worker at start.
            from stats.rules.photos import clean_photo

            return clean_photo(photo)
        return photo

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.held_correction is not None:
            raise ValidationError(
                "A correction to this year is waiting for a publisher's approval: it must be "
                "approved or discarded before another change is made."
            )
        if self.instance.pk and "version" in self.fields:
            self._refuse_stale_save(cleaned.get("version"))
        is_public = (
            self.instance.pk and Year.objects.published().filter(pk=self.instance.pk).exists()
        )
        if is_public and set(self.changed_data) & set(self.PUBLIC_FIELDS):
            if not cleaned.get("change_note", "").strip():
                self.add_error("change_note", CHANGE_NOTE_NEEDED)
        return cleaned

    def _refuse_stale_save(self, submitted):
        current = (
            Year.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is None or current == submitted:
            return
        since = parse_datetime(self.data.get("opened_at") or "")
        lines = [
            f"{c.who} at {timezone.localtime(c.when):%H:%M}: {c.what} {c.kind}"
            + (f" ({'; '.join(c.details)})" if c.details else "")
            for c in changes_to_year(self.instance.pk, since=since)[:10]
        ]
        # Let a second, deliberate save go through: the officer has now seen what changed.
        self.data = self.data.copy()
        self.data["version"] = get_signer().sign(current)
        self.data["opened_at"] = timezone.now().isoformat()
        raise ValidationError(
            [
                "Someone else saved this year while you were editing, so your changes were "
                "not saved. Your input is still below. What changed meanwhile:",
                *(lines or ["(details are in the revision history)"]),
                "Check the page against these changes: saving again replaces them with what "
                "is on this form.",
            ]
        )
