"""The press office's day in a real browser: enter, check, schedule, publish, correct."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from stats.models import Figure, Measure, PendingCorrection, Year
from stats.models.enums import YearState
from tests.factories import PASSWORD, make_user

# The press-office groups, emptied by each transactional test's flush, are made again by the
# _press_office_groups fixture in tests/conftest.py.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    call_command("load_demo")
    make_user("olivia", "Press officers", first_name="Olivia", last_name="Jones")
    make_user("paul", "Publishers", first_name="Paul", last_name="Smith")
    return live_server.url


def sign_in(page, site, username):
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Years, figures and quotes")).to_be_visible()


def value_of(page, measure_slug):
    """A figure's value box in the year's grid, found by its accessible name."""
    name = Measure.objects.get(slug=measure_slug).name
    return page.get_by_label(f"Value for {name}", exact=True)


def test_a_new_year_from_last_year_tripping_the_plausibility_check_then_scheduled(
    page, browser, site
):
    sign_in(page, site, "olivia")
    page.goto(site + f"/admin/stats/year/{Year.objects.get(slug='2022').pk}/change/")
    page.get_by_role("button", name="Start next year from this one").click()
    expect(page.locator(".messagelist")).to_contain_text("Started 2023 from 2022")
    year = Year.objects.get(slug="2023")

    page.get_by_label("Introduction").fill("Another year of results against organised crime.")
    values = {
        "drugs-seized": "4.2",  # the slip: meant £4.2m
        "criminal-cash-seized": "£1,250,000",
        "money-returned-to-fraud-victims": "600000",
        "cyber-crime-arrests-change": "12%",
        "cyber-crime-unit-arrests": "41",
        "children-safeguarded": "97",
    }
    for slug, typed in values.items():
        value_of(page, slug).fill(typed)
    page.locator("#id_quotes-0-text").fill("We keep going after organised crime.")
    page.get_by_role("button", name="Save and continue editing").click()

    # The question, what was probably meant, and the box to confirm sit under the value.
    question = page.locator("#figure-drugs-seized .figure-row__question")
    expect(question).to_contain_text("more than 10 times smaller than the last published figure")
    expect(question).to_contain_text("did you mean £4.2m?")
    expect(value_of(page, "drugs-seized")).to_have_value("4.2")  # nothing lost
    assert not Figure.objects.filter(year=year).exists()

    question.get_by_label("is right").check()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    # Quotes copied from last year but left without words are not part of the page.
    for i in range(1, year.quotes.count()):
        page.locator(f"#id_quotes-{i}-DELETE").check()
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_role("button", name="Mark ready for review").click()
    expect(page.locator(".messagelist")).to_contain_text("marked ready for review")
    assert Year.objects.get(slug="2023").state == YearState.READY

    # Olivia asks to announce it for 7am tomorrow; a publisher approves the calendar entry...
    page.get_by_role("link", name="Announce in the calendar…").click()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.get_by_label("What will be published").fill("2023 results")
    page.get_by_label("Date (confirmed)").fill(tomorrow.isoformat())
    page.get_by_label("Time (UK time)").fill("07:00")
    page.get_by_role("button", name="Ask to announce it").click()
    expect(page.locator(".release-request")).to_contain_text("Announce “2023 results”")
    expect(page.get_by_role("note")).to_contain_text("less than four weeks away")
    publisher = browser.new_context().new_page()
    sign_in(publisher, site, "paul")
    publisher.goto(page.url)
    publisher.get_by_role("button", name="Approve: make it public").click()
    expect(publisher.locator(".messagelist")).to_contain_text("Approved")
    # ...and then publishes the year, which waits for the announced time.
    publisher.goto(site + f"/admin/stats/year/{year.pk}/change/")
    publisher.get_by_role("link", name="Publish…").click()
    expect(publisher.locator("#content-main")).to_contain_text("07:00 (UK time)")
    publisher.get_by_role("button", name="Approve and schedule").click()
    expect(publisher.locator(".messagelist")).to_contain_text("2023 is scheduled")

    # Hidden everywhere public until the moment, then there without anyone acting.
    resident = browser.new_context().new_page()
    assert resident.goto(site + "/years/2023/").status == 404
    resident.goto(site + "/")
    expect(resident.get_by_role("heading", level=1)).to_have_text("Operation Alliance results 2022")
    moment = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(7, 0)))
    with time_machine.travel(moment + datetime.timedelta(seconds=1)):
        assert resident.goto(site + "/years/2023/").status == 200
        expect(resident.get_by_text("about £4.2", exact=False)).to_have_count(0)
        expect(resident.get_by_text("£4.20", exact=True)).to_be_visible()
        resident.goto(site + "/")
        expect(resident.get_by_role("heading", level=1)).to_have_text(
            "Operation Alliance results 2023"
        )


def test_a_correction_waits_for_a_publisher_then_adds_a_public_change_note(page, browser, site):
    sign_in(page, site, "olivia")
    year = Year.objects.get(slug="2022")
    page.goto(site + f"/admin/stats/year/{year.pk}/change/")
    value_of(page, "criminal-cash-seized").fill("£1.6m")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errornote, .errorlist").first).to_be_visible()
    expect(page.get_by_text("say what you changed in the public change note").first).to_be_visible()

    page.get_by_role("textbox", name="Public change note").fill(
        "Criminal cash seized corrected from £1.5m to £1.6m."
    )
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("waiting for a publisher's approval")
    expect(page.locator(".pending-correction")).to_contain_text(
        "Figure “Criminal cash seized”: £1.5m; headline → £1.6m; headline"
    )
    resident = browser.new_context().new_page()
    resident.goto(site + "/years/2022/")
    expect(resident.get_by_text("£1.5m", exact=True)).to_be_visible()  # as approved

    publisher = browser.new_context().new_page()
    sign_in(publisher, site, "paul")
    publisher.goto(site + f"/admin/stats/year/{year.pk}/change/")
    publisher.get_by_role("link", name="Review and approve…").click()
    publisher.get_by_role("button", name="Approve as version 2: publish the correction").click()
    expect(publisher.locator(".messagelist")).to_contain_text("is approved")

    page.goto(site + "/years/2022/")
    updates = page.get_by_role("region", name="Updates to this page")
    expect(updates).to_contain_text("Criminal cash seized corrected from £1.5m to £1.6m.")
    expect(page.get_by_text("£1.6m", exact=True)).to_be_visible()
    expect(page.locator(".year__period")).to_contain_text("Last updated")
    expect(page.locator(".year__period")).to_contain_text("Version 2")
    # What release day said is still there, exactly, for anyone who quoted it.
    page.goto(site + "/years/2022/versions/1/")
    expect(page.get_by_role("note")).to_contain_text("This is not the latest version")
    expect(page.get_by_text("£1.5m", exact=True)).to_be_visible()


def test_two_officers_editing_one_year_never_silently_overwrite(browser, site):
    make_user("sam", "Press officers")
    year = Year.objects.get(slug="2022")
    olivia, sam = browser.new_context().new_page(), browser.new_context().new_page()
    sign_in(olivia, site, "olivia")
    sign_in(sam, site, "sam")
    for page in (olivia, sam):
        page.goto(site + f"/admin/stats/year/{year.pk}/change/")

    olivia.get_by_label("Other results").fill("Olivia's line.")
    olivia.get_by_role("textbox", name="Public change note").fill("Added a result.")
    olivia.get_by_role("button", name="Save and continue editing").click()
    expect(olivia.locator(".messagelist")).to_contain_text("waiting for a publisher's approval")

    sam.get_by_label("Title").fill("Sam's title")
    sam.get_by_role("textbox", name="Public change note").fill("Retitled.")
    sam.get_by_role("button", name="Save and continue editing").click()
    expect(sam.locator(".errornote, .errorlist").first).to_be_visible()
    expect(sam.get_by_text("A correction to this year is waiting")).to_be_visible()
    expect(sam.get_by_label("Title")).to_have_value("Sam's title")  # nothing lost

    pending = PendingCorrection.objects.get(year=year)
    assert pending.after["year"]["other_results"] == "Olivia's line."
    assert pending.after["year"]["title"] == "Operation Alliance results 2022"

    # Olivia takes hers back (the button is its own form, not the change form's Save).
    olivia.get_by_role("button", name="Discard this correction").click()
    expect(olivia.locator(".messagelist")).to_contain_text("was discarded")
    assert not PendingCorrection.objects.filter(year=year).exists()


def test_a_measure_renamed_by_one_publisher_is_approved_by_another(browser, site):
    make_user("petra", "Publishers")
    measure = Measure.objects.get(slug="drugs-seized")
    paul, petra = browser.new_context().new_page(), browser.new_context().new_page()
    sign_in(paul, site, "paul")
    sign_in(petra, site, "petra")
    address = site + f"/admin/stats/measure/{measure.pk}/change/"
    paul.goto(address)
    paul.get_by_role("textbox", name="Name:", exact=True).fill("Drugs recovered")
    paul.get_by_role("textbox", name="Public change note").fill("Renamed as the force says it.")
    paul.get_by_role("button", name="Save and continue editing").click()
    expect(paul.locator(".messagelist")).to_contain_text("waits for another publisher's approval")

    petra.goto(address)
    expect(petra.locator(".pending-correction")).to_contain_text("Drugs recovered")
    petra.get_by_role("button", name="Approve and publish").click()
    expect(petra.locator(".messagelist")).to_contain_text("has a new version")
    assert Measure.objects.get(pk=measure.pk).name == "Drugs recovered"
