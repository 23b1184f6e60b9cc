"""What residents and journalists see on a year's page, a measure's page and the share card."""

import datetime
import io
import re
from http import HTTPStatus

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from stats.models.enums import Qualifier, Unit, YearState

from .factories import make_figure, make_measure, make_quote, make_year, release

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years():
    drugs = make_measure(
        name="Drugs seized", slug="drugs-seized", unit=Unit.MONEY, is_headline=True
    )
    cannabis = make_measure(name="Cannabis", slug="cannabis", unit=Unit.MONEY, parent=drugs)
    change = make_measure(
        name="Cyber crime arrests", slug="cyber-change", unit=Unit.PERCENT_CHANGE, is_headline=True
    )
    arrests = make_measure(name="Arrests", slug="arrests")
    y2022 = make_year("2022", title="Results 2022")
    make_figure(y2022, drugs, "4000000", qualifier=Qualifier.NEARLY)
    make_figure(y2022, change, "40", comparison="compared with 2020")
    make_figure(y2022, arrests, "38")
    y2023 = make_year("2023", title="Results 2023")
    make_figure(y2023, drugs, "5000000")
    make_figure(y2023, cannabis, "1250000")
    make_figure(y2023, change, "-10", comparison="compared with 2021")
    make_quote(y2023)
    return release(y2022), release(y2023)


def page(client, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return response.content.decode()


def text(html):
    """The page's words as a reader sees them, without the markup."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


class TestYearPage:
    def test_what_changed_since_the_year_before(self, client, two_years):
        html = page(client, "/years/2023/")
        assert "Up from nearly £4m in 2022" in html
        assert "down 10%" in html and "Cyber crime arrests, compared with 2021" in text(html)
        assert "from up 40%" not in html  # a percentage has its own comparison period

    def test_a_breakdown_shows_its_parts_and_labels_the_remainder(self, client, two_years):
        html = page(client, "/years/2023/")
        assert 'Cannabis</span> <span class="parts__value">£1.25m (25%)' in html
        assert 'Not broken down</span> <span class="parts__value">£3.75m (75%)' in html

    def test_an_approximate_total_is_never_split_into_an_invented_remainder(
        self, client, two_years
    ):
        _, y2023 = two_years
        y2023.figures.filter(measure__slug="drugs-seized").update(qualifier=Qualifier.OVER)
        release(y2023, note_text="The total is approximate.")
        html = page(client, "/years/2023/")
        assert "Not broken down</span>" not in html
        assert "the part not broken down is not calculated" in html

    def test_previous_and_next_years(self, client, two_years):
        assert 'rel="prev">Previous year: 2022' in page(client, "/years/2023/")
        assert 'rel="next">Next year: 2023' in page(client, "/years/2022/")

    def test_a_draft_next_year_is_not_linked(self, client, two_years):
        make_year("2024", state=YearState.DRAFT, published_at=None)
        assert "2024" not in page(client, "/years/2023/")

    def test_for_journalists(self, client, two_years):
        html = page(client, "/years/2023/")
        assert '<a href="http://testserver/years/2023/" class="permalink">' in html
        assert "Cumbria Constabulary, “Results 2023”, Operation Alliance, published" in html
        assert 'id="drugs-seized"' in html
        assert '<meta property="og:image" content="http://testserver/years/2023/card.png?v=' in html
        assert '<meta name="twitter:card" content="summary_large_image">' in html
        assert '&lt;iframe src="http://testserver/years/2023/embed/drugs-seized/"' in html

    def test_dates_are_shown_in_uk_time(self, client):
        # 23:30 UTC on 30 June is half past midnight on 1 July in British Summer Time.
        published = datetime.datetime(2023, 6, 30, 23, 30, tzinfo=datetime.UTC)
        release(make_year("2022", title="Results 2022", published_at=published))
        html = page(client, "/years/2022/")
        assert '<time datetime="2023-07-01T00:30:00+01:00">1 July 2023</time>' in html
        assert "published 1 July 2023" in html

    def test_what_kind_of_figures_and_their_licence(self, client, two_years):
        html = page(client, "/years/2023/")
        assert "management information, not official statistics" in html
        assert "Open Government Licence v3.0" in html

    def test_a_changed_address_redirects_permanently(self, client, two_years):
        _, y2023 = two_years
        y2023.slug = "results-2023"
        y2023.save()
        for old, new in [
            ("/years/2023/", "/years/results-2023/"),
            ("/years/2023/card.png", "/years/results-2023/card.png"),
            ("/years/2023/embed/drugs-seized/", "/years/results-2023/embed/drugs-seized/"),
        ]:
            response = client.get(old)
            assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
            assert response["Location"] == new
        assert client.get("/years/results-2023/").status_code == HTTPStatus.OK

    def test_the_photo_with_its_description_caption_and_credit(
        self, client, two_years, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        _, y2023 = two_years
        buffer = io.BytesIO()
        Image.new("RGB", (40, 30), "navy").save(buffer, "PNG")
        y2023.photo = SimpleUploadedFile("cash.png", buffer.getvalue(), content_type="image/png")
        y2023.photo_alt = "Bundles of seized banknotes on a table"
        y2023.photo_caption = "Cash seized in Carlisle."
        y2023.photo_credit = "Cumbria Police"
        y2023.save()
        release(y2023, note_text="Added a photo.")
        html = page(client, "/years/2023/")
        assert (
            'alt="Bundles of seized banknotes on a table"' in html
            and 'width="40" height="30"' in html
        )
        assert (
            'Cash seized in Carlisle. <span class="photo__credit">Photo: Cumbria Police</span>'
            in html
        )
        assert client.get(y2023.photo.url).status_code == HTTPStatus.OK
        y2023.state = YearState.DRAFT
        y2023.save()
        assert client.get(y2023.photo.url).status_code == HTTPStatus.NOT_FOUND


class TestShareCard:
    def card(self, client, slug="2023"):
        response = client.get(f"/years/{slug}/card.png")
        assert response.status_code == HTTPStatus.OK and response["Content-Type"] == "image/png"
        return response

    def test_it_is_a_1200_by_630_png(self, client, two_years):
        image = Image.open(io.BytesIO(self.card(client).content))
        assert (image.format, image.size) == ("PNG", (1200, 630))

    @pytest.mark.django_db(transaction=True)  # what happens on a real commit
    def test_it_changes_when_the_figures_change(self, client, two_years):
        before = self.card(client)
        _, y2023 = two_years
        figure = y2023.figures.get(measure__slug="drugs-seized")
        figure.value = 6000000
        figure.save()
        release(y2023, note_text="Corrected the drugs figure.")
        after = self.card(client)
        assert before.content != after.content and before["ETag"] != after["ETag"]
        assert after["ETag"].strip('"') in page(client, "/years/2023/")

    def test_no_card_for_a_draft(self, client):
        make_year("2024", state=YearState.DRAFT, published_at=None)
        assert client.get("/years/2024/card.png").status_code == HTTPStatus.NOT_FOUND


class TestEmbed:
    def test_the_figure_card_may_be_framed_by_any_site(self, client, two_years):
        response = client.get("/years/2023/embed/drugs-seized/")
        assert response.status_code == HTTPStatus.OK
        assert "X-Frame-Options" not in response
        html = response.content.decode()
        assert "£5m" in html and 'target="_top"' in html

    def test_no_other_page_may_be_framed(self, client, two_years):
        assert client.get("/years/2023/")["X-Frame-Options"] == "DENY"

    def test_unknown_measure_is_not_found(self, client, two_years):
        assert client.get("/years/2023/embed/no-such-measure/").status_code == HTTPStatus.NOT_FOUND


class TestMeasurePage:
    def test_every_published_year_with_missing_years_shown_as_missing(self, client, two_years):
        release(make_year("2024", title="Results 2024"))  # published without an arrests figure
        make_year("2025", state=YearState.DRAFT, published_at=None)
        html = page(client, "/measures/arrests/")
        assert "<h1>Arrests: every year</h1>" in html
        # One year alone is a sentence, not a chart of one bar.
        assert "Published for one year so far: 38 in" in text(html)
        assert 'class="chart"' not in html
        assert "No figure for 2023, 2024." in html
        assert html.count("No figure published") == 2
        assert "2025" not in html

    def test_a_gap_keeps_its_row_in_the_chart(self, client, two_years):
        release(make_year("2024", title="Results 2024"))  # published without a drugs figure
        html = page(client, "/measures/drugs-seized/")
        assert html.count("chart__value--missing") == 1
        assert "Figure 1: Drugs seized, 2022 to 2024" in html

    def test_the_chart_and_table_state_figures_with_their_qualifiers(self, client, two_years):
        html = page(client, "/measures/drugs-seized/")
        assert "Figure 1: Drugs seized, 2022 to 2023" in html
        chart = text(html.split('class="chart"')[1].split("</figure>")[0])
        assert "2022 nearly £4m" in chart and "2023 £5m" in chart
        assert "Source: Cumbria Constabulary, Operation Alliance results for 2022, 2023" in chart
        assert "Highest: £5m in 2023." in html

    def test_a_measure_without_published_figures_is_not_found(self, client):
        measure = make_measure(slug="secret")
        make_figure(make_year("2024", state=YearState.DRAFT, published_at=None), measure, "1")
        assert client.get("/measures/secret/").status_code == HTTPStatus.NOT_FOUND


def test_the_accessibility_statement(client):
    html = page(client, "/accessibility/")
    assert "<h1>Accessibility statement</h1>" in html and "WCAG" in html


def test_a_scheduled_year_is_not_a_next_year_yet(client, two_years):
    moment = timezone.now() + datetime.timedelta(days=1)
    release(make_year("2024", published_at=moment))
    assert "Next year: 2024" not in page(client, "/years/2023/")
    with time_machine.travel(moment + datetime.timedelta(minutes=1)):
        assert "Next year: 2024" in page(client, "/years/2023/")  # it is, once public


class TestTheJournalistsKit:
    def test_about_these_figures_is_linked_from_every_year(self, client, two_years):
        html = page(client, "/years/2023/")
        assert 'href="/about/"' in html
        about = text(page(client, "/about/"))
        assert "not official statistics" in about and "Corrections and revisions" in about

    def test_other_sites_scripts_may_fetch_the_data(self, client, two_years):
        for path in ["/years/2023/data.json", "/data/all.csv", "/feed.xml"]:
            assert client.get(path)["Access-Control-Allow-Origin"] == "*", path
        assert "Access-Control-Allow-Origin" not in client.get("/years/2023/")

    def test_a_figure_shared_from_its_embed_shows_its_own_card(self, client, two_years):
        html = page(client, "/years/2023/embed/drugs-seized/")
        assert '<meta property="og:image" content="http://testserver/years/2023/card/' in html
        card = html.split('<meta property="og:image" content="http://testserver')[1].split('"')[0]
        response = client.get(card)
        assert response.status_code == HTTPStatus.OK and response["Content-Type"] == "image/png"

    def test_the_press_office_shows_only_what_is_set(self, client, two_years, settings):
        settings.PRESS_OFFICE_PHONE = ""
        settings.PRESS_OFFICE_EMAIL = "press@example.org"
        html = page(client, "/years/2023/")
        assert "mailto:press@example.org" in html
        assert 'href="tel:"' not in html and "Press office</a>:" not in html


def test_browsers_find_an_icon_at_the_root(client):
    assert client.get("/favicon.ico").status_code == HTTPStatus.OK
    assert client.get("/apple-touch-icon.png").status_code == HTTPStatus.OK
