"""The public forms, checked here and written out by hand in their templates (the pages are
cached for everyone: no token, no per-visitor state)."""

from django import forms

from stats.alerts.subscriptions import clean_address
from stats.models.subscriber import AlertKind

KINDS = forms.MultipleChoiceField(
    choices=AlertKind.choices,
    error_messages={
        "required": "Choose at least one kind of alert.",
        "invalid_choice": "Choose from the kinds of alert listed.",
    },
)


class SubscribeForm(forms.Form):
    email = forms.CharField(
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "max_length": "An email address has at most 254 characters: check what you typed.",
        },
    )
    kinds = KINDS

    def clean_email(self):
        return clean_address(self.cleaned_data["email"])


class ChoicesForm(forms.Form):
    kinds = KINDS


class ReportForm(forms.Form):
    page = forms.CharField(max_length=300)
    useful = forms.ChoiceField(choices=[("yes", "Yes"), ("no", "No")], required=False)
    what_doing = forms.CharField(
        required=False,
        max_length=1000,
        error_messages={"max_length": "Say what you were doing in 1,000 characters or fewer."},
    )
    what_wrong = forms.CharField(
        required=False,
        max_length=1000,
        error_messages={"max_length": "Say what went wrong in 1,000 characters or fewer."},
    )

    def clean_page(self):
        """A path on this site only: never another site's address."""
        page = self.cleaned_data["page"]
        if not page.startswith("/") or page.startswith("//") or "\\" in page:
            raise forms.ValidationError("Not a page of this site.")
        if any(not c.isprintable() for c in page):
            raise forms.ValidationError("Not a page of this site.")
        return page

    def clean(self):
        data = super().clean()
        if not self.errors and not (
            data.get("useful") or data.get("what_doing") or data.get("what_wrong")
        ):
            raise forms.ValidationError("Tell us what went wrong, or whether the page was useful.")
        return data
