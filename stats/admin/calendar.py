"""The release calendar: what is announced, and every change with its reason. Nothing here is
edited in place: each act (announce, confirm, move, cancel) is asked for, and another publisher
approves it on the request's page (stats/admin/requests.py)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from stats.models.enums import ReleaseAct
from stats.rules import release_requests
from stats.rules.publishing import PublishingError

from ..models import ReleaseAnnouncement, Year
from .release_forms import AnnounceForm, CalendarForm

ASK_PERMISSION = "stats.add_releaserequest"
ACTS = {"confirm": ReleaseAct.CONFIRM, "move": ReleaseAct.MOVE, "cancel": ReleaseAct.CANCEL}


def unannounced_years():
    return Year.objects.filter(announcement__isnull=True, published_at__isnull=True)


@admin.register(ReleaseAnnouncement)
class ReleaseAnnouncementAdmin(admin.ModelAdmin):
    list_display = ["label", "status_shown", "when", "year"]
    list_select_related = ["year"]
    change_form_template = "admin/stats/releaseannouncement/change_form.html"

    def has_change_permission(self, request, obj=None):
        return False  # changed only through approved requests

    def has_delete_permission(self, request, obj=None):
        return False  # nothing in the calendar is ever deleted

    def has_add_permission(self, request):
        return request.user.has_perm(ASK_PERMISSION)

    @admin.display(description="status")
    def status_shown(self, announcement):
        return announcement.public_status.capitalize()

    def get_urls(self):
        return [
            path(
                "<int:object_id>/ask/",
                self.admin_site.admin_view(require_POST(self.ask_view)),
                name="stats_releaseannouncement_ask",
            ),
            *super().get_urls(),
        ]

    def _asked(self, request, waiting):
        self.message_user(
            request,
            "Your request waits for another publisher's approval: nothing public has changed.",
            messages.WARNING,
        )
        return redirect(reverse("admin:stats_releaserequest_change", args=[waiting.pk]))

    def add_view(self, request, form_url="", extra_context=None):
        """Announce a release: a request, until another publisher approves it."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        initial = {"year": request.GET.get("year")} if request.GET.get("year") else {}
        form = AnnounceForm(data, initial=initial, years=unannounced_years())
        refused = []
        if request.method == "POST" and form.is_valid():
            fields = form.cleaned_data
            try:
                waiting = release_requests.ask(
                    ReleaseAct.ANNOUNCE,
                    request.user,
                    year=fields["year"],
                    label=fields["label"],
                    release_at=fields["release_at"],
                    release_month=fields["release_month"],
                    reason=fields["reason"],
                )
            except PublishingError as error:
                refused = error.problems
            else:
                return self._asked(request, waiting)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Announce a release",
            "form": form,
            "refused": refused,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/stats/releaseannouncement/announce.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not str(object_id).isdigit():
            raise Http404
        announcement = get_object_or_404(ReleaseAnnouncement, pk=object_id)
        extra_context = {
            **(extra_context or {}),
            "changes": announcement.changes.select_related("requested_by", "approved_by"),
            "waiting_request": announcement.requests.first(),
            "calendar_form": CalendarForm(),
            "can_ask": request.user.has_perm(ASK_PERMISSION),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def ask_view(self, request, object_id):
        """Ask to confirm, move or cancel a release."""
        if not request.user.has_perm(ASK_PERMISSION):
            raise PermissionDenied
        announcement = get_object_or_404(ReleaseAnnouncement, pk=object_id)
        form = CalendarForm(request.POST)
        act = ACTS.get(request.POST.get("act"))
        back = redirect(reverse("admin:stats_releaseannouncement_change", args=[object_id]))
        if act is None or not form.is_valid():
            errors = [str(e) for field in form.errors.values() for e in field]
            self.message_user(
                request, " ".join(errors) or "Choose confirm, move or cancel.", messages.ERROR
            )
            return back
        fields = form.cleaned_data
        try:
            waiting = release_requests.ask(
                act,
                request.user,
                announcement=announcement,
                release_at=fields["release_at"] if act != ReleaseAct.CANCEL else None,
                release_month=fields["release_month"] if act == ReleaseAct.MOVE else None,
                reason=fields["reason"],
            )
        except PublishingError as error:
            self.message_user(request, " ".join(error.problems), messages.ERROR)
            return back
        return self._asked(request, waiting)
