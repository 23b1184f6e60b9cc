"""Identities that never change: the feed's ids and links, the sitemap's addresses and the
calendar's UIDs are the same whatever host name a request came in by, and a year's ids
survive a change of its address (which redirects, permanently, to the new one)."""

import datetime
import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest
from icalendar import Calendar

from stats.pagecache import page_cache

from .factories import make_announcement, make_headline_year, make_year, release

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HOSTS = ["results.example.org", "alias.example.net"]


@pytest.fixture
def site(settings):
    settings.ALLOWED_HOSTS = [*HOSTS, "testserver"]
    settings.SITE_URL = "https://results.example.org"
    year = make_headline_year("2022")
    year.figures.update(value=4100000)
    release(year, note_text="Corrected the drugs figure.")  # two versions: two feed entries
    release(make_year("2021", title="Results 2021"))
    make_announcement(year, at=datetime.datetime(2023, 3, 1, 9, 30, tzinfo=datetime.UTC))
    return year


def fetch(client, path, host):
    page_cache().clear()  # each answer rendered for its own request, never the other's copy
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == HTTPStatus.OK, (path, host)
    return response.content


def feed_ids(client, host):
    root = ET.fromstring(fetch(client, "/feed.xml", host))
    feed = {
        "id": root.find(f"{ATOM}id").text,
        "links": sorted(link.get("href") for link in root.findall(f"{ATOM}link")),
    }
    entries = {
        entry.find(f"{ATOM}id").text: entry.find(f"{ATOM}link").get("href")
        for entry in root.findall(f"{ATOM}entry")
    }
    return feed, entries


def sitemap_locations(client, host):
    root = ET.fromstring(fetch(client, "/sitemap.xml", host))
    return sorted(url.find(f"{SITEMAP}loc").text for url in root.findall(f"{SITEMAP}url"))


def calendar_ids(client, host):
    calendar = Calendar.from_ical(fetch(client, "/next-release.ics", host))
    return sorted((str(e["uid"]), str(e["url"])) for e in calendar.walk("VEVENT"))


class TestTheSameUnderEveryHostName:
    def test_feed(self, client, site):
        first, second = (feed_ids(client, host) for host in HOSTS)
        assert first == second
        feed, entries = first
        assert len(entries) == 3
        addresses = feed["links"] + list(entries.values())
        assert all(a.startswith("https://results.example.org/") for a in addresses), addresses
        assert all(i.startswith("tag:results.example.org,") for i in entries)

    def test_sitemap(self, client, site):
        first, second = (sitemap_locations(client, host) for host in HOSTS)
        assert first == second
        assert all(loc.startswith("https://results.example.org/") for loc in first), first

    def test_calendar(self, client, site):
        first, second = (calendar_ids(client, host) for host in HOSTS)
        assert first == second and len(first) == 1
        uid, url = first[0]
        assert uid.endswith("@results.example.org") and url.startswith(
            "https://results.example.org/"
        )

    def test_robots_and_pages(self, client, site):
        for path in ["/robots.txt", "/years/2022/", "/data/", "/data/all.json"]:
            bodies = [fetch(client, path, host) for host in HOSTS]
            assert bodies[0] == bodies[1], path
            assert b"alias.example.net" not in bodies[0], path

    def test_without_site_url_the_ids_are_still_the_first_allowed_hosts(
        self, client, site, settings
    ):
        settings.SITE_URL = ""
        feeds = [feed_ids(client, host)[1] for host in HOSTS]
        assert list(feeds[0]) == list(feeds[1])  # the ids; the links follow the request
        assert all(i.startswith("tag:results.example.org,") for i in feeds[0])
        assert calendar_ids(client, HOSTS[0])[0][0] == calendar_ids(client, HOSTS[1])[0][0]


class TestAfterTheAddressChanges:
    def test_the_ids_stay_and_the_old_address_redirects(self, client, site):
        host = HOSTS[0]
        feed_before, entries_before = feed_ids(client, host)
        calendar_before = calendar_ids(client, host)
        site.slug = "results-2022"
        site.save()
        feed_after, entries_after = feed_ids(client, host)
        assert feed_after == feed_before and list(entries_after) == list(entries_before)
        assert {link for link in entries_after.values()} == {
            "https://results.example.org/years/results-2022/",
            "https://results.example.org/years/2021/",
        }
        assert calendar_ids(client, host) == calendar_before
        locations = sitemap_locations(client, host)
        assert "https://results.example.org/years/results-2022/" in locations
        assert "https://results.example.org/years/2022/" not in locations
        old = client.get("/years/2022/", HTTP_HOST=host)
        assert old.status_code == HTTPStatus.MOVED_PERMANENTLY
        assert old["Location"] == "/years/results-2022/"
