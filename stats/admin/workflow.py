"""The year's workflow buttons: preview, mark ready, publish or schedule (or move the time),
approve or discard a pending correction, withdraw with a public reason, share an embargoed
preview, start next year, revision history and restoring deleted drafts."""

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from stats.rules import corrections, publishing
from stats.rules.revisions import changes_to_year

from ..models import PendingCorrection, PreviewLink, Year
from . import restore

PUBLISH_PERMISSION = "stats.publish_year"


class PublishForm(forms.Form):
    publish_at = forms.SplitDateTimeField(
        label="Publication time (UK time)",
        required=False,
        widget=AdminSplitDateTime,
        help_text="Leave empty to publish now. A later time keeps the year hidden until then.",
    )
    change_note = forms.CharField(
        label="Public change note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when the year has been published before: what changed and why.",
    )


class ApproveForm(forms.Form):
    # The correction shown: if it was discarded and another made meanwhile, this approves
    # nothing (the publisher reads the new one first).
    correction = forms.IntegerField(widget=forms.HiddenInput)
    change_note = forms.CharField(
        label="Public change note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What changed and why: residents read it under “Updates to this page”.",
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why it is withdrawn (public)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown at the year's address, where the page was, with today's date: for "
        "example “withdrawn while a figure is checked”.",
    )


def _uk(moment):
    return f"{timezone.localtime(moment):%d %b %Y %H:%M} (UK time)"


class YearWorkflowMixin:
    def get_urls(self):
        def view(function, name):
            return path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(function),
                name=f"stats_year_{name.replace('-', '_')}",
            )

        return [
            path(
                "deleted/", self.admin_site.admin_view(self.deleted_view), name="stats_year_deleted"
            ),
            path(
                "deleted/<int:year_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="stats_year_restore",
            ),
            view(self.publish_view, "publish"),
            view(self.unpublish_view, "unpublish"),
            view(self.approve_view, "approve"),
            view(self.discard_view, "discard"),
            view(self.ready_view, "ready"),
            view(self.share_view, "share"),
            view(self.start_next_view, "start-next"),
            *super().get_urls(),
        ]

    # --- helpers ---------------------------------------------------------------------

    def _year(self, request, object_id, *, permission="change"):
        if not str(object_id).isdigit():
            raise Http404
        year = get_object_or_404(Year, pk=object_id)
        allowed = {
            "view": self.has_view_permission,
            "change": self.has_change_permission,
            "publish": lambda r, o: r.user.has_perm(PUBLISH_PERMISSION),
        }[permission](request, year)
        if not allowed:
            raise PermissionDenied
        return year

    def _back(self, year):
        return redirect(reverse("admin:stats_year_change", args=[year.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_publish": request.user.has_perm(PUBLISH_PERMISSION),
        }
        if str(object_id).isdigit():
            year = Year.objects.filter(pk=object_id).first()
            if year is not None:
                extra_context["preview_links"] = [
                    (link, request.build_absolute_uri(link.get_absolute_url()))
                    for link in year.preview_links.prefetch_related("uses")
                ]
                pending = PendingCorrection.objects.filter(year=year).first()
                if pending is not None:
                    extra_context["pending"] = pending
                    extra_context["pending_changes"] = corrections.differences(
                        pending.before, pending.after
                    )
        return super().change_view(request, object_id, form_url, extra_context)

    # --- views ---------------------------------------------------------------------------

    def publish_view(self, request, object_id):
        year = self._year(request, object_id, permission="publish")
        form = PublishForm(request.POST if request.method == "POST" else None)
        refused = []
        if request.method == "POST" and form.is_valid():
            at = form.cleaned_data["publish_at"]
            try:
                if year.is_scheduled:
                    publishing.reschedule(year, request.user, at)
                else:
                    publishing.publish(
                        year, request.user, at=at, change_note=form.cleaned_data["change_note"]
                    )
            except publishing.PublishingError as error:
                refused = error.problems
            else:
                year.refresh_from_db()
                when = "now public" if year.is_public else f"scheduled for {_uk(year.published_at)}"
                self.message_user(request, f"{year} is {when}.", messages.SUCCESS)
                return self._back(year)
        problems, notices = publishing.checklist(year)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": year,
            "title": f"Publish {year}",
            "form": form,
            "problems": refused or problems,
            "notices": notices,
            "second_person": publishing.second_person_problem(year, request.user),
            "is_scheduled": year.is_scheduled,
            "is_correction": year.has_been_public,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/stats/year/publish.html", context)

    def unpublish_view(self, request, object_id):
        """Withdraw (or unschedule) a year, behind a page that asks for the public reason."""
        year = self._year(request, object_id, permission="publish")
        form = WithdrawForm(request.POST if request.method == "POST" else None)
        refused = []
        if request.method == "POST" and form.is_valid():
            try:
                publishing.unpublish(year, request.user, form.cleaned_data["reason"])
            except publishing.PublishingError as error:
                refused = error.problems
            else:
                self.message_user(request, f"{year} is a draft again and hidden from the public.")
                return self._back(year)
        return self._step_page(request, year, "unpublish.html", "Unpublish", form, refused)

    def approve_view(self, request, object_id):
        """A pending correction, as a list of changes, for a publisher to approve."""
        year = self._year(request, object_id, permission="publish")
        pending = PendingCorrection.objects.filter(year=year).first()
        if pending is None:
            self.message_user(request, "There is no correction waiting for approval.")
            return self._back(year)
        data = request.POST if request.method == "POST" else None
        initial = {"correction": pending.pk, "change_note": pending.change_note}
        form = ApproveForm(data, initial=initial)
        refused = []
        if request.method == "POST" and not form.is_valid():
            refused = [corrections.NOT_THE_ONE_SEEN] if "correction" in form.errors else []
        elif request.method == "POST":
            try:
                corrections.approve(
                    year,
                    request.user,
                    form.cleaned_data["change_note"],
                    seen=form.cleaned_data["correction"],
                )
            except publishing.PublishingError as error:
                refused = error.problems
            else:
                self.message_user(request, f"The correction to {year} is approved.")
                return self._back(year)
        return self._step_page(
            request,
            year,
            "approve.html",
            "Approve the correction",
            form,
            refused,
            pending=pending,
            changes=corrections.differences(pending.before, pending.after),
            second_person=publishing.second_person_problem(year, request.user),
            is_public=year.has_been_public,
        )

    @method_decorator(require_POST)
    def discard_view(self, request, object_id):
        """Its author or a publisher forgets a pending correction."""
        year = self._year(request, object_id)
        pending = PendingCorrection.objects.filter(year=year).first()
        is_author = pending is not None and pending.made_by_id == request.user.pk
        if pending is not None and not (is_author or request.user.has_perm(PUBLISH_PERMISSION)):
            raise PermissionDenied
        corrections.discard(year)
        self.message_user(request, f"The correction to {year} was discarded.")
        return self._back(year)

    def _step_page(self, request, year, template, title, form, refused, **extra):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": year,
            "title": f"{title}: {year}",
            "form": form,
            "refused": refused,
            "media": self.media + form.media,
            **extra,
        }
        return TemplateResponse(request, f"admin/stats/year/{template}", context)

    @method_decorator(require_POST)
    def ready_view(self, request, object_id):
        year = self._year(request, object_id)
        try:
            publishing.mark_ready(year, request.user)
        except publishing.PublishingError as error:
            self.message_user(request, " ".join(error.problems), messages.ERROR)
        else:
            self.message_user(request, f"{year} is marked ready for review.", messages.SUCCESS)
        return self._back(year)

    @method_decorator(require_POST)
    def share_view(self, request, object_id):
        year = self._year(request, object_id, permission="publish")
        if year.withdrawn_at and not year.is_public:
            self.message_user(
                request,
                "A withdrawn year cannot be shared: publish it again first.",
                messages.ERROR,
            )
            return self._back(year)
        shared_with = request.POST.get("shared_with", "").strip()[:200]
        if not shared_with:
            self.message_user(request, "Say who the preview link is for.", messages.ERROR)
            return self._back(year)
        link = PreviewLink.objects.create(
            year=year, shared_with=shared_with, created_by=request.user
        )
        self.message_user(
            request,
            f"Preview link for {shared_with} made, working until {_uk(link.expires_at)}: "
            f"copy its address from “Embargoed previews” below.",
            messages.SUCCESS,
        )
        return self._back(year)

    @method_decorator(require_POST)
    def start_next_view(self, request, object_id):
        previous = self._year(request, object_id, permission="view")
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            year = publishing.start_from(previous, request.user)
        except publishing.PublishingError as error:
            self.message_user(request, " ".join(error.problems), messages.ERROR)
            return self._back(previous)
        self.message_user(
            request,
            f"Started {year} from {previous}: fill in the values and quotes.",
            messages.SUCCESS,
        )
        return self._back(year)

    def history_view(self, request, object_id, extra_context=None):
        """Every change to the year and everything on its page: who, when, what."""
        year = self._year(request, object_id, permission="view")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": year,
            "title": f"Revision history of {year}",
            "changes": changes_to_year(year.pk),
        }
        return TemplateResponse(request, "admin/stats/year/revisions.html", context)

    def deleted_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Deleted drafts",
            "deleted": restore.deleted_years(),
        }
        return TemplateResponse(request, "admin/stats/year/deleted.html", context)

    @method_decorator(require_POST)
    def restore_view(self, request, year_id):
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            year = restore.restore_year(year_id, request.user)
        except restore.RestoreError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(reverse("admin:stats_year_deleted"))
        self.message_user(request, f"{year} is restored as a draft.", messages.SUCCESS)
        return self._back(year)
