"""The public pages. Each view finds what to show and hands it to a template."""

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt

from stats.models import Measure, NextRelease, PreviewLink, PreviewLinkUse, Year
from stats.public import calendar, charts, open_data, pages, share_card
from stats.public.permalinks import absolute_url, published_year_view
from stats.visitors import client_address


def render_year(request, year, *, is_home=False, preview=None):
    """A year's page. `preview` ("staff" or "link") marks it as not yet public and unindexed."""
    context = pages.year_page(year)
    permalink = absolute_url(request, year.get_absolute_url())
    version = share_card.card_version(year, context["headline_figures"])
    card = reverse("stats:card", kwargs={"slug": year.slug}) + f"?v={version}"
    context.update(
        structured=open_data.dataset(
            name=f"{year.title}: figures",
            description=year.introduction or year.title,
            url=permalink,
            years=[year],
            downloads={
                extension: absolute_url(
                    request,
                    reverse("stats:year_data", kwargs={"slug": year.slug, "extension": extension}),
                )
                for extension in ("csv", "json")
            },
        ),
        is_home=is_home,
        preview=preview,
        canonical_url=permalink,
        card_url=absolute_url(request, card),
        embed_urls={
            card.measure.slug: absolute_url(
                request,
                reverse("stats:embed", kwargs={"slug": year.slug, "measure": card.measure.slug}),
            )
            for card in context["headline_figures"]
        },
    )
    response = render(request, "stats/year_detail.html", context)
    if preview:
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def home(request):
    """The latest published year in full; its canonical address is the year's permalink."""
    year = Year.objects.for_page().latest_published()
    if year is None:
        return render(request, "stats/no_results.html")
    return render_year(request, year, is_home=True)


def year_list(request):
    return render(request, "stats/year_list.html", {"years": Year.objects.published()})


@published_year_view(say_if_withdrawn=True)
def year_detail(request, year):
    return render_year(request, year)


@published_year_view
def card(request, year):
    """The share image; its address carries a version, so a change of figures is a new image."""
    headline, _, _ = year.figures_for_page()
    response = HttpResponse(share_card.draw_card(year, headline), content_type="image/png")
    response["ETag"] = f'"{share_card.card_version(year, headline)}"'
    return response


@published_year_view
def figure_card(request, year, measure):
    """One figure's share image: its number big, what it counts and what changed."""
    context = pages.year_page(year)  # says what changed since the year before
    figure = next(
        (
            candidate
            for top in context["headline_figures"] + context["other_figures"]
            for candidate in [top, *top.parts]
            if candidate.measure.slug == measure
        ),
        None,
    )
    if figure is None:  # no such measure this year, or its figure has no value yet
        raise Http404("This year has no figure for that measure.")
    response = HttpResponse(share_card.draw_figure_card(year, figure), content_type="image/png")
    response["ETag"] = f'"{share_card.figure_card_version(year, figure)}"'
    return response


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@published_year_view
def embed(request, year, measure):
    """A small card for one figure, the one page other sites may frame."""
    figure = get_object_or_404(
        year.figures.public().select_related("measure"), measure__slug=measure
    )
    permalink = absolute_url(request, figure.get_absolute_url())
    card = reverse("stats:figure_card", kwargs={"slug": year.slug, "measure": measure})
    context = {
        "year": year,
        "figure": figure,
        "permalink": permalink,
        "card_url": absolute_url(request, card),  # the figure's own share image
    }
    return render(request, "stats/embed.html", context)


def measure_detail(request, slug):
    measure = get_object_or_404(Measure, slug=slug)
    context = pages.measure_page(measure)
    if not context["summary"]:
        raise Http404("No published figures for this measure.")
    points = [
        (year.label, figure.value, figure.display)
        if figure and figure.value is not None
        else (year.label, None, "")
        for year, figure in context["rows"]
    ]
    # One year alone is a sentence, not a chart.
    context["chart"] = charts.bar_rows(points) if context["summary"]["count"] > 1 else None
    return render(request, "stats/measure_detail.html", context)


def accessibility(request):
    return render(request, "stats/accessibility.html")


def about(request):
    """How the figures are produced and revised, as publishers of statistics explain it."""
    return render(request, "stats/about.html")


def any_origin(view):
    """Open data: other sites' scripts may fetch it (no cookies are involved, nor sent)."""

    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    wrapper.__name__ = getattr(view, "__name__", type(view).__name__)
    wrapper.__doc__ = view.__doc__
    return wrapper


def photo(request, name):
    """A year's photo, served only once the year is public."""
    year = Year.objects.published().filter(photo=f"photos/{name}").first()
    if year is None:
        raise Http404
    return FileResponse(year.photo.open("rb"))


@never_cache
def staff_preview(request, pk):
    """A year exactly as the public will see it, for staff who may view it in the admin: marked
    as a preview and never indexed. (The admin links here rather than rendering public pages.)"""
    signed_in = request.user.is_authenticated
    if signed_in and settings.OTP_REQUIRED:  # as the admin itself: password and second factor
        signed_in = request.user.is_verified()
    if not signed_in:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not (request.user.is_staff and request.user.has_perm("stats.view_year")):
        raise PermissionDenied
    return render_year(request, get_object_or_404(Year, pk=pk), preview="staff")


@never_cache
def preview(request, token):
    """An embargoed year shown through a signed link a publisher shared; every use is logged."""
    link = PreviewLink.from_token(token)
    if link is None:
        return render(request, "stats/preview_unavailable.html", status=404)
    if link.year.is_public:
        return redirect(link.year)
    if not link.is_usable:
        return render(request, "stats/preview_unavailable.html", {"link": link}, status=410)
    PreviewLinkUse.objects.create(
        link=link,
        ip_address=client_address(request),
        user_agent=request.headers.get("User-Agent", "")[:300],
    )
    return render_year(request, link.year, preview="link")


def next_release_ics(request):
    """The next announced publication, for journalists' calendars."""
    release = NextRelease.objects.upcoming().first()
    body = calendar.next_release_calendar(release, absolute_url(request, reverse("stats:home")))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="next-release.ics"'
    return response


def robots_txt(request):
    """Search engines: everything public, never previews (the admin says noindex itself)."""
    lines = [
        "User-agent: *",
        "Disallow: /preview/",
        "Disallow: /staff-preview/",
        "",
        f"Sitemap: {absolute_url(request, reverse('stats:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
