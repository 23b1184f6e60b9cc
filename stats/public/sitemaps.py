"""/sitemap.xml: every public page with its last modification time."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from stats.models import Figure, Measure, Year


def _published():
    return list(Year.objects.published().prefetch_related("change_notes"))


class YearSitemap(Sitemap):
    def items(self):
        return _published()

    def lastmod(self, year):
        return year.last_updated


class MeasureSitemap(Sitemap):
    def items(self):
        years = _published()
        measures = list(
            Measure.objects.filter(figures__in=Figure.objects.public())
            .distinct()
            .prefetch_related("figures")
        )
        self._updated = {}
        for measure in measures:
            dates = [
                y.last_updated
                for y in years
                if any(f.year_id == y.pk for f in measure.figures.all())
            ]
            self._updated[measure.pk] = max(dates)
        return measures

    def location(self, measure):
        return reverse("stats:measure", kwargs={"slug": measure.slug})

    def lastmod(self, measure):
        return self._updated[measure.pk]


class PageSitemap(Sitemap):
    """The pages that change whenever any year does."""

    def items(self):
        self._latest = max((year.last_updated for year in _published()), default=None)
        return ["stats:home", "stats:year_list", "stats:data", "stats:accessibility"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return None if name == "stats:accessibility" else self._latest


SITEMAPS = {"years": YearSitemap, "measures": MeasureSitemap, "pages": PageSitemap}
