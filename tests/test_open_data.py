"""Open data as a journalist or a program reads it: parsed, compared exactly, nothing leaked."""

import csv
import datetime
import io
import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from stats.models import Figure, Year
from stats.models.enums import Qualifier, Unit, YearState

from .factories import make_figure, make_measure, make_year, release

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
COLUMNS = [
    "year_label", "year_slug", "period_start", "period_end", "measure_slug", "measure_name",
    "parent_measure_slug", "unit", "value", "qualifier", "comparison", "note",
    "value_as_displayed", "published_at", "last_updated_at", "comparable_with_earlier_years",
    "comparability_note", "version",
]  # fmt: skip


@pytest.fixture
def figures():
    drugs = make_measure(
        name="Drugs seized", slug="drugs-seized", unit=Unit.MONEY, is_headline=True
    )
    cannabis = make_measure(name="Cannabis", slug="cannabis", unit=Unit.MONEY, parent=drugs)
    change = make_measure(name="Cyber crime arrests", slug="cyber-change", unit=Unit.PERCENT_CHANGE)
    arrests = make_measure(name="Arrests", slug="arrests")
    secret = make_measure(name="Secret measure", slug="secret")
    y2022 = make_year("2022", title="Results 2022")
    make_figure(
        y2022, drugs, "3999999.99", qualifier=Qualifier.NEARLY, note="Street value, estimated."
    )
    make_figure(y2022, cannabis, "1234567.89")
    make_figure(y2022, change, "-12.5", comparison="compared with 2020")
    make_figure(y2022, arrests, "38", note='=HYPERLINK("http://evil.example","click")')
    y2023 = make_year("2023", title="Results 2023")
    make_figure(y2023, drugs, "5000000")
    draft = make_year("2024", state=YearState.DRAFT, published_at=None)
    make_figure(draft, secret, "777777")
    embargoed = make_year("2025", published_at=timezone.now() + datetime.timedelta(days=1))
    make_figure(embargoed, secret, "888888")
    for year in (y2022, y2023, embargoed):
        release(year)
    return Figure.objects.filter(year__in=[y2022, y2023])


def download(client, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return response


def csv_rows(response):
    assert response.content.startswith(b"\xef\xbb\xbf")  # the mark Excel needs for £
    text = response.content.decode("utf-8-sig")
    assert "\r\n" in text  # RFC 4180 line ends
    return list(csv.DictReader(io.StringIO(text, newline="")))


def assert_round_trip(rows, figures):
    stored = {(f.year.slug, f.measure.slug): f for f in figures.select_related("year", "measure")}
    assert len(rows) == len(stored)
    for row in rows:
        figure = stored[(row["year_slug"], row["measure_slug"])]
        assert Decimal(str(row["value"])) == figure.value
        assert (row["qualifier"] or "") == figure.qualifier and row["unit"] == figure.unit


class TestCSV:
    def test_every_published_figure_round_trips_exactly(self, client, figures):
        rows = csv_rows(download(client, "/data/all.csv"))
        assert list(rows[0].keys()) == COLUMNS
        assert_round_trip(rows, figures)

    def test_a_year_and_its_breakdown_parts(self, client, figures):
        response = download(client, "/years/2022/data.csv")
        assert response["Content-Type"] == "text/csv; charset=utf-8; header=present"
        assert response["Access-Control-Allow-Origin"] == "*"  # other sites' scripts may fetch
        assert (
            response["Content-Disposition"] == 'attachment; filename="operation-alliance-2022.csv"'
        )
        rows = {row["measure_slug"]: row for row in csv_rows(response)}
        assert set(rows) == {"drugs-seized", "cannabis", "cyber-change", "arrests"}
        assert rows["cannabis"]["parent_measure_slug"] == "drugs-seized"
        assert rows["drugs-seized"]["value_as_displayed"] == "nearly £3,999,999.99"
        assert rows["cyber-change"]["value"] == "-12.5"  # a number, left as it is
        assert rows["cyber-change"]["comparison"] == "compared with 2020"
        assert rows["drugs-seized"]["period_start"] == "2022-01-01"

    def test_text_cannot_run_as_a_spreadsheet_formula(self, client, figures):
        rows = {
            row["measure_slug"]: row for row in csv_rows(download(client, "/years/2022/data.csv"))
        }
        assert rows["arrests"]["note"] == '\'=HYPERLINK("http://evil.example","click")'
        assert rows["cyber-change"]["value_as_displayed"] == "down 12.5%"

    def test_nothing_unpublished_leaks(self, client, figures):
        for path in ["/data/all.csv", "/data/all.json", "/data/"]:
            body = download(client, path).content.decode()
            assert "777777" not in body and "888888" not in body and "secret" not in body.lower(), (
                path
            )
        for slug in ["2024", "2025"]:
            assert client.get(f"/years/{slug}/data.csv").status_code == HTTPStatus.NOT_FOUND

    def test_only_csv_and_json(self, client, figures):
        assert client.get("/years/2022/data.xml").status_code == HTTPStatus.NOT_FOUND


class TestJSON:
    def test_the_same_columns_and_exact_values(self, client, figures):
        document = json.loads(download(client, "/data/all.json").content)
        assert document["columns"] == COLUMNS
        assert all(list(row.keys()) == COLUMNS for row in document["rows"])
        assert document["licence"] == "Open Government Licence v3.0"
        assert_round_trip(document["rows"], figures)

    def test_values_are_typed_for_programs(self, client, figures):
        document = json.loads(download(client, "/years/2022/data.json").content)
        assert (document["format_version"], document["version"]) == ("2.0", 1)
        rows = {row["measure_slug"]: row for row in document["rows"]}
        cash = rows["drugs-seized"]
        # Numbers are numbers, flags are booleans, nothing is null: a script adds and tests them.
        assert cash["value"] == 3999999.99 and isinstance(cash["value"], float)
        assert rows["arrests"]["value"] == 38 and isinstance(rows["arrests"]["value"], int)
        assert rows["cyber-change"]["value"] == -12.5
        assert cash["comparable_with_earlier_years"] is True and cash["version"] == 1
        assert rows["cannabis"]["qualifier"] is None and rows["cannabis"]["note"] is None
        assert rows["drugs-seized"]["parent_measure_slug"] is None
        assert cash["published_at"].endswith(("+00:00", "+01:00"))
        # And the digits are exactly those stored: no float rounding shows.
        assert '"value": 3999999.99,' in download(client, "/years/2022/data.json").content.decode()

    def test_csv_and_json_agree(self, client, figures):
        from_csv = csv_rows(download(client, "/data/all.csv"))
        from_json = json.loads(download(client, "/data/all.json").content)["rows"]
        assert [Decimal(row["value"]) for row in from_csv] == [
            Decimal(str(row["value"])) for row in from_json
        ]
        assert [row["note"] for row in from_json if row["measure_slug"] == "arrests"][0].startswith(
            "=HYPERLINK"
        )


class TestConditionalRequests:
    @pytest.mark.parametrize("path", ["/data/all.csv", "/years/2022/data.json", "/years/2022/"])
    def test_an_unchanged_download_answers_304(self, client, figures, path):
        first = download(client, path)
        assert first["ETag"]
        again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == HTTPStatus.NOT_MODIFIED and again.content == b""

    def test_last_modified_and_if_modified_since(self, client, figures):
        first = download(client, "/data/all.csv")
        assert first["Last-Modified"].endswith("GMT")
        again = client.get("/data/all.csv", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert again.status_code == HTTPStatus.NOT_MODIFIED

    @pytest.mark.django_db(transaction=True)  # what happens on a real commit
    def test_a_correction_changes_the_etag(self, client, figures):
        before = download(client, "/data/all.csv")["ETag"]
        figure = Figure.objects.get(measure__slug="arrests")
        figure.value = 39
        figure.save()
        release(figure.year, note_text="Corrected the arrests.")
        response = client.get("/data/all.csv", HTTP_IF_NONE_MATCH=before)
        assert response.status_code == HTTPStatus.OK and response["ETag"] != before


class TestDataPage:
    def test_downloads_with_their_real_sizes_and_the_dictionary(self, client, figures):
        html = download(client, "/data/").content.decode()
        size = len(download(client, "/data/all.csv").content)
        assert '<a href="/data/all.csv">Every published year, CSV</a>' in html
        assert f'<span class="file-size">{filesizeformat(size)}</span>' in html
        for column in COLUMNS:
            assert f"<code>{column}</code>" in html
        assert "<code>percent_change</code>" in html and "<code>nearly</code>" in html
        assert "Drugs seized</a> (<code>drugs-seized</code>)" in html

    def test_search_engines_get_a_dataset_description(self, client, figures):
        for path in ["/data/", "/years/2022/"]:
            html = download(client, path).content.decode()
            found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
            dataset = json.loads(found.group(1))
            assert dataset["@type"] == "Dataset"
            assert dataset["license"].startswith(
                "https://www.nationalarchives.gov.uk/doc/open-government-licence"
            )
            urls = {d["contentUrl"] for d in dataset["distribution"]}
            assert any(url.endswith(".csv") for url in urls) and any(
                url.endswith(".json") for url in urls
            )
            assert dataset["temporalCoverage"].startswith("2022-01-01/")


class TestFeed:
    def entries(self, client):
        response = download(client, "/feed.xml")
        assert response["Content-Type"].startswith("application/atom+xml")
        root = ET.fromstring(response.content)
        return {entry.find(f"{ATOM}title").text: entry for entry in root.findall(f"{ATOM}entry")}

    def test_an_entry_per_published_year(self, client, figures):
        assert set(self.entries(client)) == {"Results 2022", "Results 2023"}

    @pytest.mark.django_db(transaction=True)  # what happens on a real commit
    def test_each_new_version_is_an_entry_of_its_own(self, client, figures):
        first = self.entries(client)["Results 2022"]
        year = Year.objects.get(slug="2022")
        year.figures.filter(measure__slug="cannabis").update(value=1234567)
        release(year, note_text="Corrected the cannabis figure.")
        entries = self.entries(client)
        assert set(entries) == {"Results 2022", "Results 2023", "Results 2022: updated (version 2)"}
        update = entries["Results 2022: updated (version 2)"]
        assert update.find(f"{ATOM}updated").text > first.find(f"{ATOM}updated").text
        assert "Corrected the cannabis figure." in update.find(f"{ATOM}summary").text
        # The first entry is unchanged: its id and date stay as they were.
        assert entries["Results 2022"].find(f"{ATOM}id").text == first.find(f"{ATOM}id").text
        assert update.find(f"{ATOM}id").text != first.find(f"{ATOM}id").text


class TestSitemapAndRobots:
    def test_every_public_page_with_its_last_modification(self, client, figures):
        root = ET.fromstring(download(client, "/sitemap.xml").content)
        urls = {
            u.find(f"{SITEMAP}loc").text: u.find(f"{SITEMAP}lastmod")
            for u in root.findall(f"{SITEMAP}url")
        }
        paths = {re.sub(r"^https?://[^/]+", "", url) for url in urls}
        assert {
            "/years/",
            "/years/2022/",
            "/years/2023/",
            "/data/",
            "/releases/",
            "/about/",
            "/measures/drugs-seized/",
        } <= paths
        assert "/" not in paths  # its canonical address is the latest year's
        assert not any("2024" in path or "2025" in path or "secret" in path for path in paths)
        published = Year.objects.get(slug="2022").published_at
        assert urls["http://testserver/years/2022/"].text == published.date().isoformat()

    def test_robots_points_to_the_sitemap_and_keeps_previews_out(self, client):
        text = download(client, "/robots.txt").content.decode()
        assert "Sitemap: http://testserver/sitemap.xml" in text and "Disallow: /preview/" in text

    def test_the_admin_asks_not_to_be_indexed(self, client):
        assert client.get("/admin/login/")["X-Robots-Tag"] == "noindex, nofollow"
