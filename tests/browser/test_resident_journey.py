import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo")
    return live_server.url


def test_a_resident_opens_the_site_and_finds_the_headline_figures(page, demo_site):
    page.goto(demo_site + "/")
    expect(page).to_have_title(
        "Operation Alliance results 2022 – Cumbria Constabulary"  # the operation named once
    )
    headlines = page.get_by_role("region", name="Main points")
    for value in ["nearly £4m", "£1.5m", "£550,000", "up 40%"]:
        expect(headlines.get_by_text(value, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Operation Alliance results 2022")
    expect(page.locator("figcaption", has_text="Peter McCall")).to_contain_text(
        "Police and Crime Commissioner"
    )


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(page, demo_site):
    page.goto(demo_site + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_the_page_fits_a_320px_phone_without_sideways_scrolling(phone, demo_site):
    phone.goto(demo_site + "/years/2022/")
    expect(phone.get_by_text("nearly £4m", exact=True)).to_be_visible()
    scroll_width = phone.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 320
