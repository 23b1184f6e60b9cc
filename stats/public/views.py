"""The public pages. Each view finds the stored version to show and hands it to a template."""

from csp.decorators import csp_replace
from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe
from django.views.decorators.clickjacking import xframe_options_exempt

from stats.models import ReleaseVersion, Year
from stats.public import charts, pages, share_card, structured_data
from stats.public.permalinks import absolute_url, published_year_view
from stats.rules.approval import second_person_required
from stats.rules.releases import Release

# A stored version's body, rendered once per process: the version never changes, so neither does
# its body. Keyed by the version, the address prefix and which sections show; the oldest goes
# first when it is full.
_BODIES = {}
MAX_BODIES = 64


def _body(release, sections):
    template = get_template("stats/year_body.html")
    context = {"release": release, "force_name": settings.FORCE_NAME, **dict(sections)}
    return mark_safe(template.render(context))  # noqa: S308 - a rendered, escaped template


def release_body(release, version_pk, *, preview, old_version):
    """The part of a year's page its version alone decides (stats/jinja2/stats/year_body.html)."""
    sections = (("preview", preview), ("old_version", old_version))
    if version_pk is None:  # a draft shown to staff: rendered afresh each time
        return _body(release, sections)
    # A version is frozen, but which of its change notes show depends on its year's release
    # time (ChangeNote.after_release): both are in the key.
    key = (version_pk, release.published_at, get_script_prefix(), sections)
    body = _BODIES.get(key)
    if body is None:
        body = _body(release, sections)
        if len(_BODIES) >= MAX_BODIES:
            _BODIES.pop(next(iter(_BODIES)), None)
        _BODIES[key] = body
    return body


def card_url(request, release):
    """The year's share image as the current version draws it: its address changes with it."""
    path = reverse("stats:card", kwargs={"slug": release.slug})
    return absolute_url(request, f"{path}?v={share_card.card_version(release)}")


def figure_card_url(request, release, card):
    path = reverse(
        "stats:figure_card", kwargs={"slug": release.slug, "measure": card.figure.measure.slug}
    )
    return absolute_url(request, f"{path}?v={share_card.figure_card_version(release, card)}")


def year_context(request, year, page, *, preview=None, old_version=False):
    """What every rendering of a year's page needs beyond `page` (stats/public/pages.py)."""
    release = page["release"]
    body = release_body(release, page["version_pk"], preview=preview, old_version=old_version)
    permalink = absolute_url(request, year.get_absolute_url())
    return {
        **page,
        "year": year,
        "body": body,
        "preview": preview,
        "old_version": old_version,
        "canonical_url": permalink,
        "card_url": card_url(request, release),
        # Only a published, current page carries it (a preview has no publication yet).
        "structured": None
        if preview or old_version
        else structured_data.dataset_for_year(request, year, release),
        "embed_urls": {
            card.figure.measure.slug: absolute_url(
                request,
                reverse(
                    "stats:embed", kwargs={"slug": year.slug, "measure": card.figure.measure.slug}
                ),
            )
            for card in release.headline_cards
        },
    }


def render_year(request, year, *, is_home=False):
    context = year_context(request, year, pages.year_page(year))
    context["is_home"] = is_home
    return render(request, "stats/year_detail.html", context)


def home(request):
    """The latest published year in full; its canonical address is the year's permalink."""
    year = Year.objects.for_page()
    if year is None:
        return render(request, "stats/no_results.html")
    return render_year(request, year, is_home=True)


def year_list(request):
    years = Year.objects.published().with_release().order_by("-period_end")
    return render(request, "stats/year_list.html", {"releases": [Release.of(y) for y in years]})


@published_year_view(say_if_withdrawn=True)
def year_detail(request, year):
    return render_year(request, year)


@published_year_view
def card(request, year):
    """The share image; its address carries a version, so a change of figures is a new image."""
    release = Release.of(year)
    response = HttpResponse(share_card.draw_card(release), content_type="image/png")
    response["ETag"] = f'"{share_card.card_version(release)}"'
    return response


def site_card(request):
    """The site's share image, for pages that are not one year's (stats/public/share_card.py)."""
    response = HttpResponse(share_card.draw_site_card(), content_type="image/png")
    response["ETag"] = f'"{share_card.site_card_version()}"'
    return response


@published_year_view
def figure_card(request, year, measure):
    """One figure's share image: its number big, what it counts and what changed."""
    release = Release.of(year)
    figure = release.card(measure)
    if figure is None:  # no such measure this year, or its figure has no value
        raise Http404("This year has no figure for that measure.")
    response = HttpResponse(share_card.draw_figure_card(release, figure), content_type="image/png")
    response["ETag"] = f'"{share_card.figure_card_version(release, figure)}"'
    return response


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@published_year_view
def embed(request, year, measure):
    """A small card for one figure, the one page other sites may frame."""
    release = Release.of(year)
    card = release.card(measure)
    if card is None:
        raise Http404("This year has no figure for that measure.")
    permalink = absolute_url(request, f"{year.get_absolute_url()}#{measure}")
    image = reverse("stats:figure_card", kwargs={"slug": year.slug, "measure": measure})
    context = {
        "release": release,
        "card": card,
        "permalink": permalink,
        "card_url": absolute_url(request, image),  # the figure's own share image
    }
    return render(request, "stats/embed.html", context)


def measure_detail(request, slug):
    years = Year.objects.published().with_release().order_by("period_start")
    context = pages.measure_page([Release.of(year) for year in years], slug)
    if context is None:
        raise Http404("No published figures for this measure.")
    latest = context["summary"]["latest"]
    context["card_url"] = figure_card_url(request, latest.release, latest.release.card(slug))
    published = [row.release for row in context["rows"]]
    context["structured"] = structured_data.dataset_for_measure(
        request, context["measure"], published
    )
    # One year alone is a sentence, not a chart. Each run of comparable years has a scale of
    # its own, so no bar is set against one counted another way.
    context["charts"] = (
        [
            charts.bar_rows(
                [
                    (row.release.label, row.figure.value, row.figure.display)
                    if row.figure and row.figure.value is not None
                    else (row.release.label, None, "")
                    for row in run
                ]
            )
            for run in context["runs"]
        ]
        if context["summary"]["count"] > 1
        else None
    )
    return render(request, "stats/measure_detail.html", context)


def accessibility(request):
    return render(request, "stats/accessibility.html")


def about(request):
    """How the figures are produced and revised, and how they are approved: only what the
    site's settings make true."""
    return render(request, "stats/about.html", {"second_person": second_person_required()})


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
    """A photo, served only once a version showing it is public (older versions included)."""
    path = f"photos/{name}"
    shown = ReleaseVersion.objects.seen_by_public().filter(content__photo__name=path)
    if not shown.exists():
        raise Http404
    storage = Year._meta.get_field("photo").storage
    if not storage.exists(path):
        raise Http404
    return FileResponse(storage.open(path, "rb"))


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
