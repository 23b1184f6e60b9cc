"""Acts on a release waiting for a second person: one page each, saying in words what would
change, with Approve for another publisher and Discard for its author or a publisher."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from stats.rules import release_requests
from stats.rules.approval import may_publish, proposer_problem
from stats.rules.publishing import PublishingError

from ..models import ReleaseAnnouncement, ReleaseRequest


@admin.register(ReleaseRequest)
class ReleaseRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "requested_by", "requested_at"]
    list_select_related = ["announcement", "year", "requested_by"]

    def has_add_permission(self, request):
        return False  # asked for from the calendar or the year's page

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # discarded through its page, by its author or a publisher

    def get_urls(self):
        def view(function, name):
            return path(
                f"<int:object_id>/{name}/",
                self.admin_site.admin_view(require_POST(function)),
                name=f"stats_releaserequest_{name}",
            )

        return [view(self.approve_view, "approve"), view(self.discard_view, "discard")] + (
            super().get_urls()
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The request in words, for review."""
        if not str(object_id).isdigit():
            raise Http404
        waiting = ReleaseRequest.objects.filter(pk=object_id).first()
        if waiting is None:
            self.message_user(request, "That request was approved or discarded already.")
            return redirect(reverse("admin:stats_releaserequest_changelist"))
        if not self.has_view_permission(request, waiting):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": waiting,
            "title": waiting.get_kind_display(),
            "sentence": release_requests.describe(waiting),
            "warning": release_requests.notice_warning(waiting.release_at),
            "can_approve": may_publish(request.user),
            "second_person": proposer_problem(waiting.requested_by_id, request.user),
            "can_discard": may_publish(request.user) or waiting.requested_by_id == request.user.pk,
        }
        return TemplateResponse(request, "admin/stats/releaserequest/review.html", context)

    def _done(self, result):
        page = "releaseannouncement" if isinstance(result, ReleaseAnnouncement) else "year"
        return redirect(reverse(f"admin:stats_{page}_change", args=[result.pk]))

    def approve_view(self, request, object_id):
        if not may_publish(request.user):
            raise PermissionDenied
        waiting = get_object_or_404(ReleaseRequest, pk=object_id)
        try:
            seen = int(request.POST.get("seen", ""))
        except ValueError:
            seen = -1  # approves nothing: the publisher is shown the request again
        try:
            result = release_requests.approve(waiting, request.user, seen=seen)
        except PublishingError as error:
            self.message_user(request, " ".join(error.problems), messages.ERROR)
            return redirect(reverse("admin:stats_releaserequest_change", args=[object_id]))
        self.message_user(request, "Approved: the public record now shows it.", messages.SUCCESS)
        return self._done(result)

    def discard_view(self, request, object_id):
        waiting = get_object_or_404(ReleaseRequest, pk=object_id)
        try:
            release_requests.discard(waiting, request.user, may_publish=may_publish(request.user))
        except PublishingError as error:
            raise PermissionDenied(" ".join(error.problems)) from error
        self.message_user(request, "The request was discarded: nothing public changed.")
        return redirect(reverse("admin:stats_releaseannouncement_changelist"))
