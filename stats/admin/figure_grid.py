"""The year's figure grid: a row per measure, values read the way people type them and shown
back the same way, each value's slips asked beside it before the parts are summed."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from stats.models.enums import Unit
from stats.models.formatting import format_value, plain_decimal
from stats.rules.checklist import parts_over_total
from stats.rules.parsing import AmountError, parse_amount
from stats.rules.plausibility import evidence_for, flags

from ..models import Figure, Measure
from .forms import CorrectionFormSetMixin

SYMBOL_UNITS = {"£": Unit.MONEY, "%": Unit.PERCENT_CHANGE}


class AmountField(forms.Field):
    """A number as people type it: £1.5m, 1,500,000, 550000, 40%. Empty means "not yet".

    Shown back the way it was typed, in the measure's unit (`unit`, set by the form): £11.2m,
    550,000, 40%, never a raw decimal.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 12})
    unit = None

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return parse_amount(str(value))[0]
        except AmountError as error:
            raise ValidationError(str(error), code="amount") from error

    def prepare_value(self, value):
        if not isinstance(value, Decimal):
            return value
        if self.unit == Unit.PERCENT_CHANGE:
            return f"{plain_decimal(value)}%"
        if self.unit in (Unit.MONEY, Unit.COUNT):
            return format_value(value, self.unit)
        return plain_decimal(value)


class FigureForm(forms.ModelForm):
    """One row of the figure grid: the measure is the row's label, not a choice."""

    value = AmountField(required=False)
    confirm_unusual = forms.BooleanField(
        required=False,
        label="This value is right",
        help_text="Tick if the value questioned above is right, and save again.",
    )

    class Meta:
        model = Figure
        fields = [
            "measure",
            "value",
            "qualifier",
            "comparison",
            "is_headline",
            "not_reported",
            "note",
            "not_comparable",
            "comparability_note",
        ]
        widgets = {
            "measure": forms.HiddenInput,
            "comparison": forms.TextInput(attrs={"size": 18}),
            "note": forms.TextInput(attrs={"size": 60}),
            "comparability_note": forms.TextInput(attrs={"size": 60}),
        }

    def __init__(self, *args, year=None, measures=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The year being entered, saved or not: the plausibility checks compare with the
        # year before it.
        self.year = year
        pk = self.instance.measure_id if self.instance.pk else self.initial.get("measure")
        posted = self.data.get(self.add_prefix("measure")) if self.is_bound else None
        if posted and str(posted).isdigit():
            pk = int(posted)
        measures = measures or {}
        self.row_measure = measures.get(pk) or Measure.objects.filter(pk=pk).first() if pk else None
        if self.row_measure is not None:
            self.fields["value"].unit = self.row_measure.unit
        self.flagged = False

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
        return cleaned

    def question(self, flags):
        """Put the plausibility checks' questions beside the value, with the box to confirm."""
        self.flagged = True
        for flag in flags:
            self.add_error("value", flag.message(self.row_measure.unit))
        self.add_error(
            "value",
            "If it is right, tick “This value is right” and save again. "
            "(£10.4m is typed 10.4m or 10400000.)",
        )

    def save(self, commit=True):
        figure = super().save(commit=False)
        if self.cleaned_data.get("confirm_unusual"):
            figure.confirmed_value = figure.value
        if commit:
            figure.save()
        return figure


class FigureFormSet(CorrectionFormSetMixin, forms.BaseInlineFormSet):
    """The year's figure grid: a row per measure. A row left empty (no value, not ticked "not
    reported") is no figure: emptying a row removes its figure, and it stays removed."""

    def __init__(self, *args, rows=(), **kwargs):
        # [(measure, initial or None)] in the grid's order (publishing.figure_rows_for).
        self.rows = list(rows)
        self.measures = {measure.pk: measure for measure, _ in self.rows}
        # Rows are removed by emptying them, whoever may edit the year: no Delete column.
        self.can_delete = True
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields.pop("DELETE", None)

    def grid(self):
        """The forms in the grid's order, each with its measure: totals, then their parts."""
        by_measure = {form.row_measure.pk: form for form in self.forms if form.row_measure}
        return [by_measure[measure.pk] for measure, _ in self.rows if measure.pk in by_measure]

    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index),
            "year": self.instance,
            "measures": self.measures,
        }

    def _should_delete_form(self, form):
        if not hasattr(form, "cleaned_data") or form.errors:
            return False
        data = form.cleaned_data
        return data.get("value") is None and not data.get("not_reported")

    def kept_rows(self):
        return [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not self._should_delete_form(form)
            and form.cleaned_data.get("measure")
        ]

    def clean(self):
        super().clean()
        kept = self.kept_rows()
        measures = [form.cleaned_data["measure"] for form in kept]
        if len(measures) != len(set(measures)):
            raise ValidationError("Each measure can have only one figure: remove the repeated row.")
        # Slips before sums: each value's own question first, beside its field ("did you mean
        # £14m?"); then the parts are checked against their total on the values that stand.
        self._question_unusual_values(kept)
        standing = [
            (form.cleaned_data["measure"], form.cleaned_data.get("value"))
            for form in kept
            if not form.errors
        ]
        if problems := parts_over_total(standing):
            raise ValidationError(problems)

    def _question_unusual_values(self, kept):
        rows = [
            (form.cleaned_data["measure"], form.cleaned_data.get("value"))
            for form in kept
            if not form.errors
        ]
        evidence = evidence_for(rows, self.instance if self.instance.period_start else None)
        for form in kept:
            data = form.cleaned_data
            measure, value = data["measure"], data.get("value")
            if form.errors or value is None or data.get("confirm_unusual"):
                continue
            if form.instance.pk and form.instance.confirmed_value == value:
                continue  # a value confirmed once is not questioned again
            if "value" not in form.changed_data and form.instance.pk:
                continue  # questioned on the checklist, not on every save of the page
            if questions := flags(value, evidence[measure.pk]):
                form.question(questions)
