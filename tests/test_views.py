import datetime
from http import HTTPStatus

import pytest
import time_machine
from django.utils import timezone

from stats.models.enums import Qualifier, Unit, YearState

from .factories import make_figure, make_measure, make_quote, make_year, release

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2022():
    year = make_year("2022", title="Operation Alliance results 2022")
    drugs = make_measure(
        name="Drugs seized", slug="drugs-seized", unit=Unit.MONEY, is_headline=True
    )
    make_figure(year, drugs, "4000000", qualifier=Qualifier.NEARLY)
    arrests = make_measure(name="Cyber unit arrests", slug="cyber-unit-arrests")
    make_figure(year, arrests, "38")
    make_quote(
        year,
        speaker_name="Peter McCall",
        speaker_role="Police and Crime Commissioner",
        text="A warning.",
    )
    return release(year)


def test_a_year_page_shows_its_figures_quotes_and_where_to_report(client, year_2022):
    response = client.get("/years/2022/")
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Operation Alliance results 2022</h1>" in page
    assert "nearly £4m" in page
    assert 'id="drugs-seized"' in page
    assert "Cyber unit arrests" in page and ">38<" in page
    assert "Peter McCall" in page and "Police and Crime Commissioner" in page
    assert "Report suspicious activity" in page and "101" in page


def test_home_shows_the_latest_year_with_its_permalink_as_canonical(client, year_2022):
    release(make_year("2021", title="Results 2021"))
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    assert "Operation Alliance results 2022" in response.content.decode()
    assert (
        '<link rel="canonical" href="http://testserver/years/2022/">' in response.content.decode()
    )


def test_the_canonical_address_uses_site_url_when_set(client, year_2022, settings):
    settings.SITE_URL = "https://results.example.org"
    response = client.get("/years/2022/")
    assert (
        '<link rel="canonical" href="https://results.example.org/years/2022/">'
        in response.content.decode()
    )


def test_home_without_published_years_says_so(client):
    make_year("2023", state=YearState.DRAFT, published_at=None)
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    assert "No results have been published yet" in response.content.decode()


def test_the_list_shows_published_years_only(client, year_2022):
    make_year("2023", title="Draft results 2023", state=YearState.DRAFT, published_at=None)
    page = client.get("/years/").content.decode()
    assert "Operation Alliance results 2022" in page
    assert "Draft results 2023" not in page


@pytest.mark.parametrize(
    "fields",
    [
        {"state": YearState.DRAFT, "published_at": None},
        {
            "state": YearState.PUBLISHED,
            "published_at": timezone.now() + datetime.timedelta(hours=1),
        },
    ],
    ids=["draft", "scheduled"],
)
def test_unpublished_years_are_not_found(client, fields):
    year = make_year("2023", title="Secret results", **fields)
    if year.published_at:
        release(year)
    response = client.get("/years/2023/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Page not found" in response.content.decode()
    assert "Secret results" not in client.get("/").content.decode()
    assert "Secret results" not in client.get("/years/").content.decode()


def test_a_scheduled_year_appears_at_its_moment_without_anyone_acting(client):
    moment = timezone.now() + datetime.timedelta(days=2)
    release(make_year("2023", published_at=moment))
    assert client.get("/years/2023/").status_code == HTTPStatus.NOT_FOUND
    with time_machine.travel(moment, tick=False):
        assert client.get("/years/2023/").status_code == HTTPStatus.OK


def test_unknown_pages_get_the_sites_own_not_found_page(client):
    response = client.get("/years/no-such-year/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    page = response.content.decode()
    assert "<h1>Page not found</h1>" in page
    assert '<a href="/years/">results for every year</a>' in page  # a way on, in the site
    assert '<link rel="stylesheet" href="/static/css/site.css">' in page  # its own look


def test_liveness_and_readiness_say_which_dependency_is_ready(client):
    alive = client.get("/healthz")
    assert (alive.status_code, alive.content) == (HTTPStatus.OK, b"ok")
    ready = client.get("/readyz")
    assert ready.status_code == HTTPStatus.OK
    assert ready.json() == {"database": "ok", "cache": "ok"}
