"""/sitemap.xml: every canonical public page with its last modification time (not the home
page, whose canonical address is the latest year's; not versions or previews, which are not
indexed)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from stats.models import Year
from stats.rules.releases import Release


def _releases():
    return [Release.of(year) for year in Year.objects.published().with_release()]


class YearSitemap(Sitemap):
    def items(self):
        return _releases()

    def location(self, release):
        return reverse("stats:year", kwargs={"slug": release.slug})

    def lastmod(self, release):
        return release.last_updated


class MeasureSitemap(Sitemap):
    def items(self):
        self._updated = {}
        for release in _releases():
            for figure in release.shown:
                slug = figure.measure.slug
                self._updated[slug] = max(
                    self._updated.get(slug, release.last_updated), release.last_updated
                )
        return sorted(self._updated)

    def location(self, slug):
        return reverse("stats:measure", kwargs={"slug": slug})

    def lastmod(self, slug):
        return self._updated[slug]


class PageSitemap(Sitemap):
    """The pages that change whenever any year does, and the site's own pages."""

    def items(self):
        self._latest = max((r.last_updated for r in _releases()), default=None)
        return [
            "stats:year_list",
            "stats:data",
            "stats:releases",
            "stats:about",
            "stats:accessibility",
        ]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return self._latest if name in ("stats:year_list", "stats:data") else None


SITEMAPS = {"years": YearSitemap, "measures": MeasureSitemap, "pages": PageSitemap}
