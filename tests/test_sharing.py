"""Every public page can be found and shared: a canonical address on SITE_URL, share tags
(title, description, an image that is really there) and a description of its own."""

import io
from html.parser import HTMLParser
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from PIL import Image

from stats.models.enums import Unit

from .factories import make_announcement, make_figure, make_measure, make_quote, make_year, release

pytestmark = pytest.mark.django_db

SITE = "https://results.example.org"
# Every page a reader can land on and share, with its canonical address.
PAGES = {
    "/": "/years/2023/",
    "/years/": "/years/",
    "/years/2022/": "/years/2022/",
    "/years/2023/": "/years/2023/",
    "/years/2023/versions/": "/years/2023/versions/",
    "/years/2023/versions/1/": "/years/2023/versions/1/",
    "/years/2023/versions/2/": "/years/2023/versions/2/",
    "/measures/drugs-seized/": "/measures/drugs-seized/",
    "/measures/cannabis/": "/measures/cannabis/",
    "/data/": "/data/",
    "/about/": "/about/",
    "/accessibility/": "/accessibility/",
    "/releases/": "/releases/",
    "/privacy/": "/privacy/",
    "/alerts/": "/alerts/",
}


class Head(HTMLParser):
    """The <title>, <link rel=canonical> and every <meta> of a page's head."""

    def __init__(self):
        super().__init__()
        self.meta, self.canonical, self.title, self._in_title = {}, [], "", False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content", "")
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    drugs = make_measure(
        name="Drugs seized", slug="drugs-seized", unit=Unit.MONEY, is_headline=True
    )
    cannabis = make_measure(name="Cannabis", slug="cannabis", unit=Unit.MONEY, parent=drugs)
    y2022 = make_year("2022", title="Operation Alliance results 2022")
    make_figure(y2022, drugs, "4000000")
    release(y2022)
    y2023 = make_year("2023", title="Operation Alliance results 2023")
    make_figure(y2023, drugs, "4500000")
    make_figure(y2023, cannabis, "1000000")
    make_quote(y2023)
    release(y2023)
    y2023.figures.filter(measure=cannabis).update(value=1100000)
    release(y2023, note_text="Corrected the cannabis figure.")
    make_announcement(label="2024 results", month=y2023.period_end.replace(year=2099))


def head(client, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    parser = Head()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize("path", PAGES)
def test_a_canonical_address_and_share_tags(client, site, path):
    page = head(client, path)
    assert page.canonical == [SITE + PAGES[path]], path
    meta = page.meta
    assert meta["og:url"] == page.canonical[0]
    for tag in ("og:title", "og:description", "og:image", "og:image:alt", "description"):
        assert meta.get(tag, "").strip(), f"{path} has no {tag}"
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:site_name"] and meta["og:locale"] == "en_GB"
    image = urlsplit(meta["og:image"])
    assert f"{image.scheme}://{image.netloc}" == SITE, meta["og:image"]
    response = client.get(image.path, {"v": image.query.removeprefix("v=")})
    assert response.status_code == HTTPStatus.OK and response["Content-Type"] == "image/png"
    shown = Image.open(io.BytesIO(response.content))
    assert shown.size == (int(meta["og:image:width"]), int(meta["og:image:height"])) == (1200, 630)


def test_each_page_describes_itself(client, site):
    descriptions = {path: head(client, path).meta["description"] for path in PAGES if path != "/"}
    assert len(set(descriptions.values())) == len(descriptions), descriptions


def test_a_measure_shared_shows_its_latest_figure(client, site):
    meta = head(client, "/measures/cannabis/").meta
    assert urlsplit(meta["og:image"]).path == "/years/2023/card/cannabis.png"
    assert "£1.1m" in meta["og:image:alt"] and "£1.1m" in meta["description"]


def test_an_old_version_is_not_shared_with_todays_figures(client, site):
    old, current = (head(client, f"/years/2023/versions/{n}/").meta for n in (1, 2))
    assert urlsplit(old["og:image"]).path == "/card.png"  # the site's card: no figures on it
    assert urlsplit(current["og:image"]).path == "/years/2023/card.png"


def test_the_years_title_names_the_operation_once(client, site):
    title = head(client, "/years/2023/").title
    assert title == "Operation Alliance results 2023 – Cumbria Constabulary"
    assert head(client, "/about/").title == (
        "About these figures – Operation Alliance – Cumbria Constabulary"
    )


def test_the_sitemap_lists_exactly_the_canonical_addresses_of_indexed_pages(client, site):
    import xml.etree.ElementTree as ET

    indexed = set()
    for path in PAGES:
        response = client.get(path)
        if "noindex" in response.get("X-Robots-Tag", "") or 'content="noindex' in (
            response.content.decode()
        ):
            continue
        indexed |= set(head(client, path).canonical)
    root = ET.fromstring(client.get("/sitemap.xml").content)
    listed = {loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert listed == indexed
