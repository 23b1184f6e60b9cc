"""/feed.xml: an Atom entry per published year, updated whenever a change note is added."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.template.defaultfilters import date as format_date
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from stats.models import Year


class YearsFeed(Feed):
    feed_type = Atom1Feed
    title = f"{settings.OPERATION_NAME} results – {settings.FORCE_NAME}"
    subtitle = "Each year's results, and every correction or update to them."

    def link(self):
        return reverse("stats:home")

    def items(self):
        years = Year.objects.published().prefetch_related("change_notes", "figures__measure")
        return sorted(years, key=lambda year: year.last_updated, reverse=True)

    def item_title(self, year):
        return year.title

    def item_description(self, year):
        notes = list(year.change_notes.all())
        lines = []
        if notes:
            latest = notes[0]
            lines.append(f"Updated {format_date(latest.made_at, 'j F Y')}: {latest.text}")
        headline, _, _ = year.figures_for_page()
        lines += [f"{figure.measure.name}: {figure.display}." for figure in headline]
        lines.append(year.introduction)
        return "\n".join(line for line in lines if line)

    def item_pubdate(self, year):
        return year.published_at

    def item_updateddate(self, year):
        return year.last_updated

    def item_author_name(self, year):
        return settings.FORCE_NAME
