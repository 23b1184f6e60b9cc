"""/sitemap.xml: every canonical public page with its last modification time (not the home
page, whose canonical address is the latest year's; not versions or previews, which are not
indexed), each on SITE_URL when it is set, whatever host the request came in by."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from stats.models import Year
from stats.rules.releases import Release


def _releases():
    return [Release.of(year) for year in Year.objects.published().with_release()]


class SiteSitemap(Sitemap):
    """Django writes each address as protocol://domain + path, from the request unless told:
    told SITE_URL's scheme and the rest of it (host, port, any path), the addresses are the
    permalinks (stats/public/permalinks.py absolute_url)."""

    def get_protocol(self, protocol=None):
        if settings.SITE_URL:
            return urlsplit(settings.SITE_URL).scheme
        return super().get_protocol(protocol)

    def get_domain(self, site=None):
        if settings.SITE_URL:
            return settings.SITE_URL.split("://", 1)[1]
        return super().get_domain(site)


class YearSitemap(SiteSitemap):
    def items(self):
        return _releases()

    def location(self, release):
        return reverse("stats:year", kwargs={"slug": release.slug})

    def lastmod(self, release):
        return release.last_updated


class MeasureSitemap(SiteSitemap):
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


class PageSitemap(SiteSitemap):
    """The pages that change whenever any year does, and the site's own pages."""

    def items(self):
        self._latest = max((r.last_updated for r in _releases()), default=None)
        return [
            "stats:year_list",
            "stats:data",
            "stats:releases",
            "stats:about",
            "stats:accessibility",
            "stats:alerts",
            "stats:privacy",
        ]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return self._latest if name in ("stats:year_list", "stats:data") else None


SITEMAPS = {"years": YearSitemap, "measures": MeasureSitemap, "pages": PageSitemap}
