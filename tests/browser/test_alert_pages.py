"""The alert and feedback pages, checked by axe-core at WCAG 2.2 AA at 390 and 1,280 pixels
wide, including the pages a form's answer leads to. Screenshots of each go to SCREENSHOTS
(/tmp/alliance-screenshots)."""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from stats.alerts.subscriptions import confirmation_token
from stats.models import Subscriber
from stats.models.subscriber import SubscriberState
from tests.browser.conftest import shared_site
from tests.browser.test_accessibility import assert_no_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WIDTHS = [390, 1280]
SHOTS = Path(os.environ.get("SCREENSHOTS", "/tmp/alliance-screenshots"))  # noqa: S108


def build():
    call_command("load_demo")
    waiting = Subscriber.objects.create(email="waiting@example.org")
    active = Subscriber.objects.create(email="reader@example.org", state=SubscriberState.ACTIVE)
    return {
        "confirm": f"/alerts/confirm/{confirmation_token(waiting)}/",
        "manage": f"/alerts/manage/{active.token}/",
        "unsubscribe": f"/alerts/unsubscribe/{active.token}/",
    }


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    with shared_site(django_db_blocker, tmp_path_factory.mktemp("media"), build) as found:
        yield found


def at(browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    return context, context.new_page()


def check(page, name, width):
    assert_no_violations(page, f"{name} at {width}px")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_alert_pages_pass_axe(browser, site, width):
    url, links = site
    context, page = at(browser, width)
    pages = {
        "alerts": "/alerts/",
        "privacy": "/privacy/",
        "report": "/report-a-problem/?page=/years/2022/",
        "year": "/years/2022/",
        **links,
    }
    for name, path in pages.items():
        page.goto(url + path)
        check(page, name, width)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_answers_to_the_forms_pass_axe(browser, site, width, settings):
    settings.FORM_LIMIT_PER_MINUTE = 100  # one visitor here sends many forms
    url, links = site
    context, page = at(browser, width)
    page.goto(url + "/alerts/")
    page.get_by_role("button", name="Email me").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page, "subscribe-error", width)
    page.get_by_label("Email address").fill(f"reader{width}@example.org")
    page.get_by_role("button", name="Email me").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    check(page, "check-email", width)

    page.goto(url + links["manage"])
    page.get_by_label("New releases").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Choose at least one kind of alert.")).to_be_visible()
    check(page, "manage-error", width)

    page.goto(url + "/years/2022/")
    page.get_by_text("Report a problem with this page").click()
    page.get_by_label("What went wrong?").fill("The chart is hard to read.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you for your feedback")).to_be_visible()
    check(page, "report-thanks", width)
    page.goto(url + "/about/")
    page.get_by_role("button", name=re.compile(r"^No\b")).click()
    expect(page.get_by_role("heading", name="Help us improve this page")).to_be_visible()
    check(page, "report-no", width)
    context.close()
