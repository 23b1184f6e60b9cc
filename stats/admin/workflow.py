"""The year's workflow buttons: preview, mark ready, publish (now, or at the time the release
calendar confirmed), approve or discard a held correction, ask to withdraw, share early with a
journalist, start next year, revision history and restoring deleted drafts.

Every step is a rule in stats/rules/; the views here only ask and show the answer.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from stats.models.enums import ReleaseAct
from stats.rules import corrections, pre_release, publishing, release_requests
from stats.rules.approval import may_publish, second_person_problem
from stats.rules.checklist import checklist
from stats.rules.revisions import changes_to_year
from stats.rules.snapshot import fingerprint, snapshot

from ..models import Year
from . import restore
from .release_forms import ApproveForm, PublishForm, ReasonForm, ShareForm


def uk_time(moment):
    return f"{timezone.localtime(moment):%d %b %Y %H:%M} (UK time)"


def _public_address(request, path):
    return settings.SITE_URL + path if settings.SITE_URL else request.build_absolute_uri(path)


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
            view(self.withdraw_view, "withdraw"),
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
            "publish": lambda r, o: may_publish(r.user),
        }[permission](request, year)
        if not allowed:
            raise PermissionDenied
        return year

    def _back(self, year):
        return redirect(reverse("admin:stats_year_change", args=[year.pk]))

    def _page(self, request, year, template, title, form=None, **extra):
        """Every workflow page's context, built once: the year, its title, the form."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": year,
            "title": f"{title}: {year}",
            "form": form,
            "media": self.media + form.media if form is not None else self.media,
            **extra,
        }
        return TemplateResponse(request, f"admin/stats/year/{template}", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_publish": may_publish(request.user)}
        year = Year.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if year is not None:
            extra_context.update(
                # The address a journalist is given: on the public site (SITE_URL), which
                # may not be the admin's host.
                preview_links=[
                    (link, _public_address(request, link.get_absolute_url()))
                    for link in year.preview_links.prefetch_related("uses")
                ],
                announcement=getattr(year, "announcement", None),
                waiting_request=release_requests.waiting_for(year),
                share_form=ShareForm(),
                pre_release_hours=settings.PRE_RELEASE_HOURS,
            )
            pending = year.held_correction
            if pending is not None:
                extra_context["pending"] = pending
                extra_context["pending_changes"] = corrections.differences(
                    pending.before, pending.after
                )
        return super().change_view(request, object_id, form_url, extra_context)

    # --- views ---------------------------------------------------------------------------

    def publish_view(self, request, object_id):
        """Publish now, or schedule for the release calendar's confirmed time."""
        year = self._year(request, object_id, permission="publish")
        seen = fingerprint(snapshot(year))
        data = request.POST if request.method == "POST" else None
        form = PublishForm(data, initial={"seen": seen})
        refused = []
        if request.method == "POST" and form.is_valid():
            try:
                publishing.publish(
                    year,
                    request.user,
                    change_note=form.cleaned_data["change_note"],
                    seen=form.cleaned_data["seen"],
                )
            except publishing.PublishingError as error:
                refused = error.problems
                # Shown again as it is now: what they approve next is what they now see.
                form = PublishForm(
                    initial={"seen": seen, "change_note": form.cleaned_data["change_note"]}
                )
            else:
                year.refresh_from_db()
                when = (
                    "now public"
                    if year.is_public
                    else f"scheduled for {uk_time(year.published_at)}"
                )
                self.message_user(request, f"{year} is {when}.", messages.SUCCESS)
                return self._back(year)
        problems, notices = checklist(year)
        return self._page(
            request,
            year,
            "publish.html",
            "Publish",
            form,
            problems=problems,
            refused=[problem for problem in refused if problem not in problems],
            notices=notices,
            second_person=second_person_problem(year, request.user),
            announced_at=publishing.announced_time(year),
            announcement=getattr(year, "announcement", None),
            is_correction=year.has_been_public,
        )

    def withdraw_view(self, request, object_id):
        """Ask to withdraw a public year, with the public reason; another publisher approves."""
        year = self._year(request, object_id, permission="publish")
        form = ReasonForm(request.POST if request.method == "POST" else None)
        refused = []
        if request.method == "POST" and form.is_valid():
            try:
                waiting = release_requests.ask(
                    ReleaseAct.WITHDRAW, request.user, year=year, reason=form.cleaned_data["reason"]
                )
            except publishing.PublishingError as error:
                refused = error.problems
            else:
                self.message_user(
                    request,
                    f"Withdrawing {year} waits for another publisher's approval.",
                    messages.WARNING,
                )
                return redirect(reverse("admin:stats_releaserequest_change", args=[waiting.pk]))
        return self._page(request, year, "withdraw.html", "Withdraw", form, refused=refused)

    def approve_view(self, request, object_id):
        """A held correction, as a list of changes, for a publisher to approve as a version."""
        year = self._year(request, object_id, permission="publish")
        pending = year.held_correction
        if pending is None:
            self.message_user(request, "There is no correction waiting for approval.")
            return self._back(year)
        becomes = corrections.next_version_number(year)
        data = request.POST if request.method == "POST" else None
        shown = {"correction": pending.pk, "version": becomes, "public": year.has_been_public}
        form = ApproveForm(data, initial=shown)
        refused = []
        if request.method == "POST" and not form.is_valid():
            refused = [corrections.NOT_THE_ONE_SEEN] if form.errors.keys() - {"addition"} else []
        elif request.method == "POST":
            try:
                corrections.approve(
                    year,
                    request.user,
                    form.cleaned_data["addition"],
                    seen=form.cleaned_data["correction"],
                    version=form.cleaned_data["version"],
                    public=form.cleaned_data["public"],
                )
            except publishing.PublishingError as error:
                refused = error.problems
                # Shown again as it is now: what they approve next is what they now see.
                form = ApproveForm(initial={**shown, "addition": form.cleaned_data["addition"]})
            else:
                self.message_user(request, f"The correction to {year} is approved.")
                return self._back(year)
        return self._page(
            request,
            year,
            "approve.html",
            "Approve the correction",
            form,
            refused=refused,
            pending=pending,
            becomes=becomes,
            changes=corrections.differences(pending.before, pending.after),
            second_person=second_person_problem(year, request.user),
            is_public=year.has_been_public,
        )

    @method_decorator(require_POST)
    def discard_view(self, request, object_id):
        """Its author or a publisher forgets a held correction."""
        year = self._year(request, object_id)
        pending = year.held_correction
        is_author = pending is not None and pending.made_by_id == request.user.pk
        if pending is not None and not (is_author or may_publish(request.user)):
            raise PermissionDenied
        corrections.discard(year)
        self.message_user(request, f"The correction to {year} was discarded.")
        return self._back(year)

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
        """Early access for one person at one organisation, to the approved version."""
        year = self._year(request, object_id, permission="publish")
        form = ShareForm(request.POST)
        if not form.is_valid():
            self.message_user(
                request, "Say which organisation the preview link is for.", messages.ERROR
            )
            return self._back(year)
        try:
            link = pre_release.share(year, request.user, **form.cleaned_data)
        except publishing.PublishingError as error:
            self.message_user(request, " ".join(error.problems), messages.ERROR)
            return self._back(year)
        opens = f"opens {uk_time(link.opens_at)}" if link.opens_at else "opens now"
        self.message_user(
            request,
            f"Preview link for {link.shared_with} made: it {opens} and works until the release. "
            "Copy its address from “Early access” below.",
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
        return self._page(
            request, year, "revisions.html", "Revision history", changes=changes_to_year(year.pk)
        )

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
