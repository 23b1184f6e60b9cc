"""Every public page checked by axe-core at WCAG 2.2 AA, on a desktop and a 320px phone,
and usable with the keyboard alone."""

import datetime
import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import expect

from stats.models import Measure, PreviewLink, Year
from stats.models.enums import Unit
from tests.browser.conftest import shared_site
from tests.factories import (
    make_announcement,
    make_figure,
    make_measure,
    make_quote,
    make_year,
    release,
)

# django_db: the test database exists for this module's data, committed once (shared_site).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = [
    "/",
    "/years/",
    "/years/2022/",
    "/years/2023/",
    "/measures/drugs-seized/",
    "/measures/cannabis/",
    "/years/2023/embed/drugs-seized/",
    "/years/2023/versions/",
    "/years/2023/versions/1/",
    "/releases/",
    "/accessibility/",
    "/about/",
    "/data/",
    "/alerts/",
    "/privacy/",
    "/years/no-such-year/",
]


def build_site():
    """The demo year plus a second year with a breakdown, a photo, a correction (so two
    versions), early access and an announcement, so every part of the pages is on show."""
    call_command("load_demo")
    drugs = Measure.objects.get(slug="drugs-seized")
    cannabis = make_measure(name="Cannabis", slug="cannabis", unit=Unit.MONEY, parent=drugs)
    year = make_year("2023", title="Operation Alliance results 2023")
    make_figure(year, drugs, "4500000")
    corrected = make_figure(year, cannabis, "1100000")
    make_quote(year, text="Another year of hard work.\n\nThank you to the public.")
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "navy").save(buffer, "PNG")
    year.photo = SimpleUploadedFile("photo.png", buffer.getvalue())
    year.photo_alt = "Officers outside a house during a drugs warrant"
    year.photo_caption = "A warrant in Barrow."
    year.photo_credit = "Cumbria Police"
    year.save()
    PreviewLink.objects.create(
        year=year,
        organisation="BBC Cumbria",
        role="Home affairs correspondent",
        opens_at=year.published_at - datetime.timedelta(hours=24),
        expires_at=year.published_at,
    )
    release(year)
    corrected.value = 1000000
    corrected.save()
    release(year, note_text="Corrected the cannabis figure.")
    make_announcement(
        label="2024 results", at=datetime.datetime(2099, 1, 9, 10, tzinfo=datetime.UTC)
    )
    Year.objects.filter(slug="2022").update(title="Operation Alliance results 2022")
    release(Year.objects.get(slug="2022"))


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with shared_site(django_db_blocker, media, build_site) as (url, _):
        yield url


def assert_no_violations(page, path):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, f"{path}:\n{results.generate_report()}"


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_nothing_on_a_desktop(page, site, path):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + path)
    assert_no_violations(page, path)


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_nothing_on_a_320px_phone_and_nothing_scrolls_sideways(phone, site, path):
    phone.goto(site + path)
    assert_no_violations(phone, path)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320, path


def test_every_link_button_and_field_on_a_year_page_is_reached_by_keyboard_with_a_visible_focus(
    page, site
):
    page.goto(site + "/years/2023/")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    expected = page.evaluate(
        "[...document.querySelectorAll('a[href], summary, button, input, textarea, select')]"
        ".filter(e => e.offsetParent !== null).length"
    )
    reached = []
    for _ in range(expected + 5):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const e = document.activeElement;
                const style = getComputedStyle(e);
                return {tag: e.tagName, text: (e.textContent || '').trim().slice(0, 40),
                        ring: style.outlineStyle !== 'none' || style.boxShadow !== 'none'};
            }"""
        )
        if focused["tag"] == "BODY":
            break
        assert focused["ring"], f"no visible focus on {focused}"
        reached.append(focused)
    assert len(reached) == expected


def test_the_page_reads_at_400_percent_zoom(browser, site):
    # 400% zoom of a 1280px window is a 320 CSS pixel viewport at a device scale of 4.
    context = browser.new_context(viewport={"width": 320, "height": 256}, device_scale_factor=4)
    page = context.new_page()
    page.goto(site + "/years/2022/")
    expect(page.get_by_text("nearly £4m", exact=True).first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


def test_motion_is_reduced_when_asked(browser, site):
    """The site has no animations of its own today; the stylesheet's rule must still stop any
    that a later change adds, for people who ask their system for less motion."""
    moving = """() => {
        const e = document.createElement('a');
        e.href = '#'; e.textContent = 'moving';
        e.style.transition = 'color 2s';
        document.querySelector('main').append(e);
        return getComputedStyle(e).transitionDuration;
    }"""
    durations = {}
    for preference in ("reduce", "no-preference"):
        context = browser.new_context(reduced_motion=preference)
        page = context.new_page()
        page.goto(site + "/")
        durations[preference] = page.evaluate(moving)
        context.close()
    assert durations == {"reduce": "0s", "no-preference": "2s"}
