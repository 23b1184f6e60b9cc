"""Email alerts and readers' reports, for the press office: counts only. Nobody sees or
exports a subscriber's address (there is no screen for subscribers at all). Anyone who may
see years may see these; a test alert goes to one's own address."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from stats.alerts import queue
from stats.models import AlertEvent, ProblemReport, Subscriber
from stats.models.subscriber import AlertKind, SubscriberState


class CountsOnly(admin.ModelAdmin):
    """Read-only, for whoever may see years."""

    def has_module_permission(self, request):
        return request.user.has_perm("stats.view_year")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("stats.view_year")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def subscriber_counts():
    """[(list, confirmed subscribers on it)], and how many wait for confirmation."""
    active = Q(state=SubscriberState.ACTIVE)
    counts = Subscriber.objects.aggregate(
        pending=Count("pk", filter=Q(state=SubscriberState.PENDING)),
        **{
            kind.value: Count("pk", filter=active & Q(**{f"wants_{kind}": True}))
            for kind in AlertKind
        },
    )
    return [(kind.label, counts[kind.value]) for kind in AlertKind], counts["pending"]


@admin.register(AlertEvent)
class AlertEventAdmin(CountsOnly):
    list_display = ["subject", "kind", "created_at", "sent", "failed", "pending"]
    list_filter = ["kind"]
    fields = ["subject", "kind", "created_at", "sent", "failed", "pending"]
    readonly_fields = fields
    change_list_template = "admin/stats/alertevent/change_list.html"

    def get_urls(self):
        test = self.admin_site.admin_view(self.send_test_view)
        return [path("test/", test, name="stats_alertevent_test"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        lists, pending = subscriber_counts()
        extra_context = {**(extra_context or {}), "lists": lists, "pending": pending}
        return super().changelist_view(request, extra_context)

    @method_decorator(require_POST)
    def send_test_view(self, request):
        if not self.has_view_permission(request):
            return redirect(reverse("admin:index"))
        if not request.user.email:
            self.message_user(
                request,
                "Your account has no email address: ask for one to be added.",
                messages.ERROR,
            )
        else:
            queue.defer("send_test_alert", user_id=request.user.pk)
            self.message_user(
                request,
                f"A test of the release alert is on its way to {request.user.email}.",
                messages.SUCCESS,
            )
        return redirect(reverse("admin:stats_alertevent_changelist"))

    @admin.display(description="sent")
    def sent(self, event):
        return event.counts()["sent"]

    @admin.display(description="failed")
    def failed(self, event):
        return event.counts()["failed"]

    @admin.display(description="waiting")
    def pending(self, event):
        return event.counts()["pending"]


@admin.register(ProblemReport)
class ProblemReportAdmin(CountsOnly):
    list_display = ["created_at", "page", "useful", "what_wrong", "what_doing"]
    list_filter = ["useful", "page"]
    search_fields = ["page", "what_wrong", "what_doing"]
    date_hierarchy = "created_at"
    fields = ["page", "created_at", "useful", "what_doing", "what_wrong", "emailed_at"]
    readonly_fields = fields
    change_list_template = "admin/stats/problemreport/change_list.html"

    def changelist_view(self, request, extra_context=None):
        per_page = (
            ProblemReport.objects.values("page")
            .annotate(
                reports=Count("pk", filter=~Q(what_doing="") | ~Q(what_wrong="")),
                useful_yes=Count("pk", filter=Q(useful=True)),
                useful_no=Count("pk", filter=Q(useful=False)),
            )
            .order_by("-reports", "-useful_no", "page")[:50]
        )
        extra_context = {**(extra_context or {}), "per_page": per_page}
        return super().changelist_view(request, extra_context)
