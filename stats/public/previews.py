"""A year before it is public: staff see the draft as it would read if approved now; a
journalist with early access sees the approved version through a signed link, and only that."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from stats.models import PreviewLink, PreviewLinkUse, Year
from stats.public import pages
from stats.public.views import year_context
from stats.rules.snapshot import snapshot
from stats.visitors import client_address


def _render_preview(request, year, page, preview):
    context = year_context(request, year, page, preview=preview)
    response = render(request, "stats/year_detail.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def staff_preview(request, pk):
    """A year as the public would see it if approved now, for staff who may view it in the
    admin: marked as a preview and never indexed. (The admin links here rather than rendering
    public pages.)"""
    signed_in = request.user.is_authenticated
    if signed_in and settings.OTP_REQUIRED:  # as the admin itself: password and second factor
        signed_in = request.user.is_verified()
    if not signed_in:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not (request.user.is_staff and request.user.has_perm("stats.view_year")):
        raise PermissionDenied
    year = get_object_or_404(Year, pk=pk)
    return _render_preview(request, year, pages.draft_page(year, snapshot(year)), "staff")


@never_cache
def preview(request, token):
    """A scheduled year's approved version, through a signed link a publisher shared: never the
    rows the press office is editing. Every opening is recorded."""
    link = PreviewLink.from_token(token)
    if link is None:
        return render(request, "stats/preview_unavailable.html", status=404)
    year = link.year
    if year.is_public:
        return redirect(year)
    if link.revoked_at is None and not link.is_open:
        return render(request, "stats/preview_unavailable.html", {"link": link}, status=403)
    if not link.is_usable or not year.is_scheduled or year.current_version is None:
        return render(request, "stats/preview_unavailable.html", {"link": link}, status=410)
    PreviewLinkUse.objects.create(
        link=link,
        ip_address=client_address(request),
        user_agent=request.headers.get("User-Agent", "")[:300],
    )
    return _render_preview(request, year, pages.version_page(year, year.current_version), "link")
