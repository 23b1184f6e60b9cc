"""One vocabulary for "public": each Year property agrees with its queryset twin, and every
public page, download, feed and sitemap shows a year exactly when `published()` says so.

Table-driven over the four states a year can be in, with time frozen."""

import csv
import datetime
import io
import json
from http import HTTPStatus

import pytest
import time_machine

from stats.models import Figure, Quote, Year
from stats.models.enums import YearState

from .factories import make_drugs, make_figure, make_measure, make_quote, make_year, release

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 29, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
# label: (state, publication time, is_public, is_scheduled, has_been_public, year page status)
STATES = {
    "2019": (YearState.DRAFT, None, False, False, False, HTTPStatus.NOT_FOUND),
    "2020": (YearState.PUBLISHED, NOW + DAY, False, True, False, HTTPStatus.NOT_FOUND),
    "2021": (YearState.PUBLISHED, NOW - DAY, True, False, True, HTTPStatus.OK),
    "2022": (YearState.DRAFT, NOW - DAY, False, False, True, HTTPStatus.NOT_FOUND),  # withdrawn
}


@pytest.fixture
def years():
    measure = make_drugs()
    made = {}
    with time_machine.travel(NOW - 2 * DAY, tick=False):
        for label, (state, published_at, *_) in STATES.items():
            year = make_year(label, state=state, published_at=published_at)
            make_figure(year, measure, "4000000")
            make_figure(year, make_measure(name=f"Empty {label}"), None, not_reported=True)
            make_quote(year, text=f"Words of {label}.")
            make_quote(year, speaker_name="Copied speaker", text="  ")
            made[label] = release(year) if published_at else year
    return made


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("label", STATES)
def test_each_property_agrees_with_its_queryset(years, frozen, label):
    _, _, is_public, is_scheduled, has_been_public, _ = STATES[label]
    year = Year.objects.get(label=label)
    assert year.is_public is is_public
    assert year.is_scheduled is is_scheduled
    assert year.has_been_public is has_been_public
    assert Year.objects.published().filter(pk=year.pk).exists() is is_public
    assert Year.objects.scheduled().filter(pk=year.pk).exists() is is_scheduled
    assert Year.objects.ever_public().filter(pk=year.pk).exists() is has_been_public


def test_figures_and_quotes_are_shown_exactly_when_their_property_says(years, frozen):
    for figure in Figure.objects.all():
        assert Figure.objects.with_value().filter(pk=figure.pk).exists() is figure.has_value
    for quote in Quote.objects.all():
        assert Quote.objects.with_words().filter(pk=quote.pk).exists() is quote.has_words


def test_the_year_before_and_after_are_published_years_only(years, frozen):
    later = release(make_year("2023", published_at=NOW - DAY))
    assert Year.objects.previous_published(later) == years["2021"]
    assert Year.objects.next_published(years["2021"]) == later
    assert Year.objects.next_publication_moment() == NOW + DAY


@pytest.mark.parametrize("label", STATES)
def test_every_public_address_shows_a_year_exactly_when_it_is_published(
    client, years, frozen, label
):
    is_public, page_status = STATES[label][2], STATES[label][5]
    year = years[label]
    assert client.get(f"/years/{year.slug}/").status_code == page_status
    for suffix in ("data.csv", "data.json", "card.png", "embed/drugs/", "card/drugs.png"):
        expected = HTTPStatus.OK if is_public else HTTPStatus.NOT_FOUND
        assert client.get(f"/years/{year.slug}/{suffix}").status_code == expected, suffix
    mentions = f"/years/{year.slug}/"
    for listing in ("/years/", "/feed.xml", "/sitemap.xml", "/measures/drugs/", "/"):
        assert (mentions in client.get(listing).content.decode()) is is_public, listing
    rows = csv.DictReader(io.StringIO(client.get("/data/all.csv").content.decode("utf-8-sig")))
    assert (label in {row["year_label"] for row in rows}) is is_public
    document = json.loads(client.get("/data/all.json").content)
    assert (label in {row["year_label"] for row in document["rows"]}) is is_public
    page = client.get("/years/2021/").content.decode()
    assert ("Copied speaker" in page) is False  # a quote without words is never shown
    assert "Empty 2021" not in page  # nor a figure without a value
    assert ("Empty" in client.get("/data/").content.decode()) is False


def test_a_scheduled_year_becomes_public_at_its_moment(client, years):
    with time_machine.travel(NOW + DAY + datetime.timedelta(seconds=1), tick=False):
        assert Year.objects.get(label="2020").is_public
        assert client.get("/years/2020/").status_code == HTTPStatus.OK
        assert Year.objects.next_publication_moment() is None
