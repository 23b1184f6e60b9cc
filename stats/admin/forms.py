"""Admin forms that fit the press office's job: forgiving input, clear messages, no lost work."""

from concurrency.forms import get_signer
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..enums import Unit
from ..formatting import format_value, plain_decimal
from ..models import Figure, Year
from ..parsing import AmountError, parse_amount
from ..photos import clean_photo
from ..plausibility import CHECKED_UNITS, FACTOR, is_implausible, previous_published_figure
from ..revisions import changes_to_year

SYMBOL_UNITS = {"£": Unit.MONEY, "%": Unit.PERCENT_CHANGE}
CHANGE_NOTE_NEEDED = (
    "This year is public: say what you changed in the public change note at the top of the page."
)


class AmountField(forms.Field):
    """A number as people type it: £1.5m, 1,500,000, 550000, 40%. Empty means "not yet"."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 14})

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return parse_amount(str(value))[0]
        except AmountError as error:
            raise ValidationError(str(error), code="amount") from error

    def prepare_value(self, value):
        return plain_decimal(value) if hasattr(value, "as_tuple") else value


class FigureForm(forms.ModelForm):
    value = AmountField(required=False)
    confirm_unusual = forms.BooleanField(
        required=False,
        label="confirm unusual value",
        help_text="Tick if a value far from last year's is right.",
    )

    class Meta:
        model = Figure
        fields = ["measure", "value", "qualifier", "comparison", "note"]

    def __init__(self, *args, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The year being entered, saved or not: the plausibility check compares with the
        # year before it.
        self.year = year

    def clean(self):
        cleaned = super().clean()
        measure, value = cleaned.get("measure"), cleaned.get("value")
        if measure is None or value is None:
            return cleaned
        symbol = parse_amount(str(self.data.get(self.add_prefix("value"))))[1]
        if symbol and SYMBOL_UNITS[symbol] != measure.unit:
            self.add_error(
                "value", f"“{measure.name}” is not counted in {symbol}: type the number only."
            )
        elif (
            measure.unit in CHECKED_UNITS
            and "value" in self.changed_data  # a value confirmed once is not questioned again
            and not cleaned.get("confirm_unusual")
        ):
            previous = previous_published_figure(self.year, measure)
            if previous and is_implausible(value, previous.value):
                larger = "larger" if value > previous.value else "smaller"
                self.add_error(
                    "value",
                    f"This is more than {FACTOR} times {larger} than the last published figure "
                    f"({format_value(previous.value, measure.unit)} for {previous.year.label}). "
                    f"Check it: £10.4m is typed 10.4m or 10400000. If it is right, tick "
                    f"“confirm unusual value” and save again.",
                )
        return cleaned


class CorrectionFormSetMixin:
    """On a public year, any change to its rows needs a public change note."""

    def clean(self):
        super().clean()
        if self.instance.pk and Year.objects.published().filter(pk=self.instance.pk).exists():
            if self.has_changed() and not self.data.get("change_note", "").strip():
                raise ValidationError(CHANGE_NOTE_NEEDED)


class FigureFormSet(CorrectionFormSetMixin, forms.BaseInlineFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "year": self.instance}

    def clean(self):
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        measures = [row["measure"] for row in kept if row.get("measure")]
        if len(measures) != len(set(measures)):
            raise ValidationError("Each measure can have only one figure: remove the repeated row.")
        totals = {row["measure"].pk: row for row in kept if row.get("measure")}
        for total_id, total in totals.items():
            parts = [
                row["value"]
                for row in kept
                if row.get("measure")
                and row["measure"].parent_id == total_id
                and row.get("value") is not None
            ]
            if parts and total.get("value") is not None and sum(parts) > total["value"]:
                unit, name = total["measure"].unit, total["measure"].name
                raise ValidationError(
                    f"The parts of “{name}” add up to {format_value(sum(parts), unit)}, "
                    f"more than its total of {format_value(total['value'], unit)}."
                )


class QuoteFormSet(CorrectionFormSetMixin, forms.BaseInlineFormSet):
    pass


class YearForm(forms.ModelForm):
    """The year's own fields, with the version it was opened at for optimistic locking."""

    PUBLIC_FIELDS = [
        "label",
        "slug",
        "title",
        "introduction",
        "other_results",
        "period_start",
        "period_end",
    ]

    change_note = forms.CharField(
        label="Public change note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="This year is public. Say what you are changing and why, in a sentence "
        "residents will read under “Updates to this page”.",
    )
    opened_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_at"].initial = timezone.now().isoformat()

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):  # a new upload, not the photo already saved
            return clean_photo(photo)
        return photo

    def clean(self):
        cleaned = super().clean()
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
