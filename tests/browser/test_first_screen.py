"""The moments that matter, measured in a real browser: a resident's first screen on a phone,
a reporter's kit without scrolling, charts legible at 320 px, share images that draw £."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from stats.models import Measure, Year
from stats.models.enums import Qualifier, Unit
from tests.factories import make_figure, make_measure, make_quote, make_year, release

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 320, "height": 568}
LONG_NAMES = [
    "Drugs seized by the serious and organised crime unit (estimated street value)",
    "Criminal cash detained and bank accounts frozen under the Proceeds of Crime Act",
    "Money returned to victims of fraud, romance scams and other financial crime",
    "Arrests made by the cyber and digital crime unit across the county",
    "Children safeguarded from online exploitation by the cyber unit",
    "Organised crime groups disrupted or dismantled across Cumbria",
    "Firearms and other weapons recovered from organised criminals",
    "County lines closed down by the roads crime and proactive units",
]


@pytest.fixture
def demo_site(live_server, settings):
    settings.PRESS_OFFICE_PHONE = "01768 217 000"
    call_command("load_demo")
    return live_server.url


@pytest.fixture
def eight_headlines(demo_site):
    """2023, reporting eight headline figures with long names, and what changed since 2022."""
    year = make_year("2023", title="Operation Alliance results 2023")
    drugs = Measure.objects.get(slug="drugs-seized")
    make_figure(year, drugs, "4500000", qualifier=Qualifier.MORE_THAN, is_headline=True)
    for n, name in enumerate(LONG_NAMES[1:], start=1):
        unit = Unit.MONEY if n < 3 else Unit.COUNT
        measure = make_measure(name=name, unit=unit, display_order=200 + n)
        make_figure(year, measure, "1250000" if unit == Unit.MONEY else "1234", is_headline=True)
    make_quote(year)
    release(year)
    return demo_site


def open_at(browser, size, url):
    context = browser.new_context(viewport=size, is_mobile=True, locale="en-GB")
    page = context.new_page()
    page.goto(url)
    return page


def bottom(locator):
    box = locator.bounding_box()
    return box["y"] + box["height"]


def visible_without_scrolling(page, locator):
    return bottom(locator) <= page.viewport_size["height"]


@pytest.mark.parametrize("path", ["/years/2022/", "/years/2023/"])
def test_every_headline_figure_is_on_a_phones_first_screen(browser, eight_headlines, path):
    page = open_at(browser, PHONE, eight_headlines + path)
    assert visible_without_scrolling(page, page.get_by_role("heading", level=1))
    assert visible_without_scrolling(page, page.locator(".year__period"))
    cards = page.locator(".main-points .card")
    assert cards.count() in (4, 8)
    for index in range(cards.count()):
        card = cards.nth(index)
        assert visible_without_scrolling(page, card), card.inner_text()
    if path == "/years/2023/":  # with what changed since 2022
        expect(page.locator("#drugs-seized")).to_contain_text("Up from nearly £4m in 2022")


@pytest.mark.parametrize("path", ["/years/2022/", "/years/2023/"])
def test_the_first_two_fit_a_small_phone(browser, eight_headlines, path):
    page = open_at(browser, SMALL_PHONE, eight_headlines + path)
    cards = page.locator(".main-points .card")
    for index in range(2):
        assert visible_without_scrolling(page, cards.nth(index))
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]


def test_on_a_phone_the_header_is_two_short_lines(browser, demo_site):
    page = open_at(browser, PHONE, demo_site + "/years/2022/")
    name, force = page.locator(".site-name"), page.locator(".site-name__force")
    assert force.bounding_box()["y"] < name.bounding_box()["y"] + 8  # beside it, not below
    line = page.locator(".site-nav a").first.bounding_box()["height"]
    assert page.locator(".site-header").bounding_box()["height"] < 4 * line


def test_no_heading_repeats_the_title(browser, demo_site):
    page = open_at(browser, PHONE, demo_site + "/years/2022/")
    headings = page.locator("h1, h2, h3").all_inner_texts()
    title = "Operation Alliance results 2022"
    assert headings.count(title) == 1 and headings[0] == title


def test_a_reporter_finds_the_link_citation_data_and_a_person_without_scrolling(browser, demo_site):
    page = open_at(browser, PHONE, demo_site + "/years/2022/")
    kit = page.get_by_role("navigation", name="For journalists")
    for name in ["Permanent link", "Cite this", "CSV", "JSON", "Press office", "01768 217 000"]:
        assert visible_without_scrolling(page, kit.get_by_role("link", name=name, exact=True))
    expect(kit.get_by_role("link", name="Permanent link")).to_have_attribute(
        "href", re.compile(r"/years/2022/$")
    )
    # The copy button is an extra for browsers with a clipboard; the link works without it.
    expect(kit.get_by_role("button", name="Copy the permanent link")).to_be_visible()


def test_last_updated_shows_at_the_top_and_in_the_citation(browser, demo_site):
    year = Year.objects.get(slug="2022")
    release(
        year,
        note_text="Corrected the cash figure.",
        at=year.published_at + datetime.timedelta(days=30),
    )
    page = open_at(browser, PHONE, demo_site + "/years/2022/")
    updated = page.locator(".year__period").get_by_role("link", name=re.compile("Last updated"))
    assert visible_without_scrolling(page, updated)
    expect(updated).to_have_attribute("href", "#updates-heading")
    expect(page.locator(".citation")).to_contain_text("last updated 8 February 2023")


def test_the_footer_names_the_press_office_on_every_page(browser, demo_site):
    for path in ["/", "/years/", "/data/", "/about/", "/measures/drugs-seized/"]:
        page = open_at(browser, PHONE, demo_site + path)
        expect(page.locator(".footer-press")).to_contain_text("01768 217 000")


def luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a, b):
    light, dark = sorted([luminance(a), luminance(b)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def colour(text):
    return tuple(int(n) for n in re.findall(r"\d+", text)[:3])


def test_charts_are_legible_on_a_320px_phone(browser, eight_headlines):
    year = Year.objects.get(slug="2023")
    year.figures.filter(measure__slug="drugs-seized").update(value=Decimal("4500000"))
    page = open_at(browser, SMALL_PHONE, eight_headlines + "/measures/drugs-seized/")
    expect(page.locator(".chart__title")).to_have_text(
        "Figure 1: Drugs seized (estimated street value), 2022 to 2023"
    )
    for element in page.locator(".chart__label, .chart__value, .chart__source").all():
        size = float(element.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))
        assert size >= 12, element.inner_text()
        fore = colour(element.evaluate("e => getComputedStyle(e).color"))
        back = colour(page.locator(".chart").evaluate("e => getComputedStyle(e).backgroundColor"))
        assert contrast(fore, back) >= 4.5, element.inner_text()
    bar = page.locator(".chart__fill").first
    fill = colour(bar.evaluate("e => getComputedStyle(e).fill"))
    back = colour(page.locator(".chart").evaluate("e => getComputedStyle(e).backgroundColor"))
    assert contrast(fill, back) >= 3  # a bar is a graphic: 3:1 (WCAG 1.4.11)
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
