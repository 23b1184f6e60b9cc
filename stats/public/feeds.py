"""/feed.xml: an Atom entry for each version of each published year (its publication, then each
correction), with an id minted once and never taken from the request (RFC 4151 tag URIs), and
every link on SITE_URL when it is set (Django's feed would build them from the request's host)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.template.defaultfilters import date as format_date
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from stats.models import ReleaseVersion
from stats.public.permalinks import site_authority, site_root, year_tag
from stats.rules.releases import Release


def public_versions():
    """(year, version, when it became public) for every version the public saw, newest first."""
    versions = (
        ReleaseVersion.objects.seen_by_public()
        .select_related("year", "note__year")
        .order_by("-public_at", "-number")
    )
    return [(version.year, version, version.public_at) for version in versions]


class YearsFeed(Feed):
    feed_type = Atom1Feed
    title = f"{settings.OPERATION_NAME} results – {settings.FORCE_NAME}"
    subtitle = "Each year's results, and every correction or update to them."

    def get_object(self, request):
        # What every method below is given: the site's address, so each link is absolute
        # (Django leaves an absolute link as it is) and the feed object keeps no request.
        return site_root(request)

    def link(self, root):
        return root + reverse("stats:home")

    def feed_url(self, root):
        return root + reverse("stats:feed")

    def feed_guid(self):
        return f"tag:{site_authority()},2022:feed"

    def items(self, root):
        return [(*item, root) for item in public_versions()]

    def item_title(self, item):
        year, version, *_ = item
        if version.public_at == year.published_at:  # released with the year, whatever its number
            return version.content["title"]
        return f"{version.content['title']}: updated (version {version.number})"

    def item_link(self, item):
        return item[3] + item[0].get_absolute_url()

    def item_guid(self, item):
        year, version, *_ = item
        return f"{year_tag(year)}/version-{version.number}"

    item_guid_is_permalink = False

    def item_description(self, item):
        year, version, *_ = item
        release = Release.of(year, version)
        lines = []
        if version.note is not None and version.note.after_release:
            made = format_date(version.note.made_at, "j F Y")
            lines.append(f"<p>Updated {made}: {escape(version.note.text)}</p>")
        points = "".join(
            f"<li>{escape(card.figure.measure.name)}: {escape(card.figure.display)}</li>"
            for card in release.headline_cards
        )
        if points:
            lines.append(f"<ul>{points}</ul>")
        if release.introduction:
            lines.append(f"<p>{escape(release.introduction)}</p>")
        return "".join(lines)

    def item_pubdate(self, item):
        return item[2]

    def item_updateddate(self, item):
        return item[2]

    def item_author_name(self, item):
        return settings.FORCE_NAME
