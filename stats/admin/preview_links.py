"""Early access (preview links): made on a year's page; here, who each was for, when it opens,
its uses, and revoking it."""

from django.contrib import admin, messages
from django.utils import timezone

from ..models import PreviewLink


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "organisation",
        "role",
        "recipient",
        "created_by",
        "created_at",
        "expires_at",
        "status",
        "times_used",
    ]
    list_filter = ["year"]
    readonly_fields = [
        "year",
        "organisation",
        "role",
        "recipient",
        "created_by",
        "created_at",
        "opens_at",
        "early_reason",
        "expires_at",
        "revoked_at",
        "uses_list",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # made from the year's page, where the link is shown once

    @admin.display(description="status")
    def status(self, link):
        if link.revoked_at:
            return "Revoked"
        if not link.is_open:
            return "Not open yet"
        return "Working" if link.is_usable else "Ended"

    @admin.display(description="times used")
    def times_used(self, link):
        return link.uses.count()

    @admin.display(description="uses")
    def uses_list(self, link):
        rows = [
            f"{timezone.localtime(u.used_at):%d %b %Y %H:%M} from {u.ip_address}"
            for u in link.uses.all()
        ]
        return "; ".join(rows) or "Not used yet"

    @admin.action(description="Revoke the selected links now", permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {count} link(s).", messages.SUCCESS)
