from django.conf import settings
from django.shortcuts import get_object_or_404, render

from .models import Year


def absolute_url(request, path):
    """The public address of a path: on SITE_URL when set, else on the request's own host."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)


def _year_page(request, year, *, is_home=False):
    headline, other = year.figures_for_page()
    return render(
        request,
        "stats/year_detail.html",
        {
            "year": year,
            "headline_figures": headline,
            "other_figures": other,
            "quotes": year.quotes.all(),
            "is_home": is_home,
            "canonical_url": absolute_url(request, year.get_absolute_url()),
        },
    )


def home(request):
    """The latest published year in full; its canonical address is the year's permalink."""
    year = Year.objects.latest_published()
    if year is None:
        return render(request, "stats/no_results.html")
    return _year_page(request, year, is_home=True)


def year_list(request):
    return render(request, "stats/year_list.html", {"years": Year.objects.published()})


def year_detail(request, slug):
    return _year_page(request, get_object_or_404(Year.objects.published(), slug=slug))
