"""The press office admin checked by axe-core with the same WCAG 2.2 AA rules as the public
pages, on a desktop (1,280px) and a phone (390px), signed in through the real login page as a
superuser and as a press officer.

The data and the signed-in browsers are made once for the module, not once per page: the data
is committed for this module's own live server (as tests/test_scale.py does for its servers)
and the database is emptied at the end, as a transactional test leaves it.
"""

import datetime
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from stats.alerts import events
from stats.models import (
    Measure,
    PendingCorrection,
    PendingMeasureChange,
    PreviewLink,
    ProblemReport,
    ReleaseRequest,
    Year,
)
from stats.models.enums import ReleaseAct, YearState
from stats.rules import corrections, pre_release, release_requests
from tests.browser.conftest import shared_site
from tests.browser.test_accessibility import WCAG_22_AA
from tests.browser.test_alert_pages import SHOTS
from tests.factories import PASSWORD, make_figure, make_quote, make_user, make_year, schedule

# django_db: the test database is made for this module's committed data. Each test's own
# transaction is on the test thread only; the live server's threads never wait on it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WIDTHS = {"desktop": 1280, "phone": 390}
SUPERUSER, OFFICER = "admin", "olivia"


@dataclass
class Site:
    url: str
    published: Year  # the demo year, 2022: figures, quotes, a change note
    scheduled: Year  # 2023, scheduled: the early-access section shows for publishers
    draft: Year  # 2024, a draft with things missing
    measure: Measure
    renamed: Measure  # a new name waits for approval
    link: PreviewLink
    waiting: ReleaseRequest  # a release announced by a press officer, waiting for approval


def build_site():
    """The demo year with a change note, a draft with a preview link, and two accounts."""
    call_command("load_demo")
    User.objects.create_superuser(SUPERUSER, "admin@example.org", PASSWORD)
    olivia = make_user(OFFICER, "Press officers", first_name="Olivia", last_name="Jones")
    published = Year.objects.get(slug="2022")
    published.change_notes.create(text="Corrected the criminal cash figure.")
    # Waiting for approval: a correction to the year and a new name for a measure.
    before = corrections.content(published)
    after = {**before, "year": {**before["year"], "title": "Results 2022 (corrected)"}}
    PendingCorrection.objects.create(
        year=published,
        made_by=olivia,
        change_note="Corrected the title.",
        before=before,
        after=after,
    )
    renamed = Measure.objects.get(slug="criminal-cash-seized")
    PendingMeasureChange.objects.create(
        measure=renamed, made_by=olivia, changes={"name": "Cash taken"}, change_note="Renamed."
    )
    ProblemReport.objects.create(page="/years/2022/", what_wrong="A typo in the summary.")
    ProblemReport.objects.create(page="/about/", useful=True)
    events.calendar_changed(
        1,
        what="moved",
        label="2023 results",
        new_date="19 March 2026, 09:30",
        previous_date="12 March 2026, 09:30",
        reason="To include late figures.",
    )
    scheduled = make_year("2023", state=YearState.DRAFT, published_at=None)
    for figure in published.figures.all():
        make_figure(
            scheduled,
            figure.measure,
            figure.value,
            qualifier=figure.qualifier,
            comparison=figure.comparison.replace("2020", "2021"),
            is_headline=figure.is_headline,
        )
    make_quote(scheduled, text="Another year of hard work.")
    admin = User.objects.get(username=SUPERUSER)
    scheduled = schedule(scheduled, admin, timezone.now() + datetime.timedelta(days=30))
    link = pre_release.share(
        scheduled, admin, organisation="The Westmorland Gazette", role="Chief reporter"
    )
    draft = make_year("2024", state=YearState.DRAFT, published_at=None)
    make_quote(draft, text="")
    waiting = release_requests.ask(
        ReleaseAct.ANNOUNCE,
        olivia,
        year=draft,
        label="2024 results",
        release_month=datetime.date(2099, 3, 1),
    )
    return {
        "published": published,
        "scheduled": scheduled,
        "draft": draft,
        "waiting": waiting,
        "measure": Measure.objects.get(slug="drugs-seized"),
        "renamed": renamed,
        "link": link,
    }


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    """One live server and one set of data for every page in this module."""
    media = tmp_path_factory.mktemp("media")
    with shared_site(django_db_blocker, media, build_site) as (url, built):
        yield Site(url=url, **built)


def sign_in(page, site, username, password=PASSWORD):
    page.goto(site.url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture(scope="module")
def contexts(browser, site):
    """A browser for each kind of visitor, the staff signed in once through the login page."""
    made = {None: browser.new_context(locale="en-GB", timezone_id="Europe/London")}
    for username in (SUPERUSER, OFFICER):
        context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
        page = context.new_page()
        sign_in(page, site, username)
        expect(page.get_by_role("heading", name="Years, figures and quotes")).to_be_visible()
        page.close()
        made[username] = context
    yield made
    for context in made.values():
        context.close()


def visit(path):
    def go(page, site):
        response = page.goto(site.url + path(site))
        assert response.ok, f"{response.status} from {response.url}"

    return go


def wrong_password(page, site):
    sign_in(page, site, OFFICER, "not-the-password")
    expect(page.locator(".errornote")).to_be_visible()


def submit_the_add_form_empty(page, site):
    page.goto(site.url + "/admin/stats/year/add/")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errornote")).to_be_visible()


def submit_a_change_without_a_title(page, site):
    page.goto(site.url + f"/admin/stats/year/{site.draft.pk}/change/")
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errornote")).to_be_visible()


# Each page: who looks at it (None: nobody signed in) and how they get there.
CASES = {
    "login": (None, visit(lambda s: "/admin/login/")),
    "login-error": (None, wrong_password),
    "index": (SUPERUSER, visit(lambda s: "/admin/")),
    "index-officer": (OFFICER, visit(lambda s: "/admin/")),
    "year-list": (SUPERUSER, visit(lambda s: "/admin/stats/year/")),
    "year-list-officer": (OFFICER, visit(lambda s: "/admin/stats/year/")),
    "year-add": (SUPERUSER, visit(lambda s: "/admin/stats/year/add/")),
    "year-add-errors": (OFFICER, submit_the_add_form_empty),
    "year-change": (SUPERUSER, visit(lambda s: f"/admin/stats/year/{s.published.pk}/change/")),
    "year-change-officer": (
        OFFICER,
        visit(lambda s: f"/admin/stats/year/{s.published.pk}/change/"),
    ),
    "year-change-draft": (SUPERUSER, visit(lambda s: f"/admin/stats/year/{s.draft.pk}/change/")),
    "year-change-scheduled": (
        SUPERUSER,
        visit(lambda s: f"/admin/stats/year/{s.scheduled.pk}/change/"),
    ),
    "year-publish": (SUPERUSER, visit(lambda s: f"/admin/stats/year/{s.draft.pk}/publish/")),
    "year-withdraw": (SUPERUSER, visit(lambda s: f"/admin/stats/year/{s.published.pk}/withdraw/")),
    "calendar-list": (OFFICER, visit(lambda s: "/admin/stats/releaseannouncement/")),
    "calendar-add": (OFFICER, visit(lambda s: "/admin/stats/releaseannouncement/add/")),
    "calendar-change": (
        OFFICER,
        visit(lambda s: f"/admin/stats/releaseannouncement/{s.scheduled.announcement.pk}/change/"),
    ),
    "request-list": (SUPERUSER, visit(lambda s: "/admin/stats/releaserequest/")),
    "request-review": (
        SUPERUSER,
        visit(lambda s: f"/admin/stats/releaserequest/{s.waiting.pk}/change/"),
    ),
    "year-change-errors": (SUPERUSER, submit_a_change_without_a_title),
    "year-history": (SUPERUSER, visit(lambda s: f"/admin/stats/year/{s.published.pk}/history/")),
    "year-approve": (SUPERUSER, visit(lambda s: f"/admin/stats/year/{s.published.pk}/approve/")),
    "measure-list": (SUPERUSER, visit(lambda s: "/admin/stats/measure/")),
    "measure-list-officer": (OFFICER, visit(lambda s: "/admin/stats/measure/")),
    "measure-change": (SUPERUSER, visit(lambda s: f"/admin/stats/measure/{s.measure.pk}/change/")),
    "measure-change-pending": (
        SUPERUSER,
        visit(lambda s: f"/admin/stats/measure/{s.renamed.pk}/change/"),
    ),
    "measure-view-officer": (
        OFFICER,
        visit(lambda s: f"/admin/stats/measure/{s.measure.pk}/change/"),
    ),
    "preview-link-list": (SUPERUSER, visit(lambda s: "/admin/stats/previewlink/")),
    "alerts-officer": (OFFICER, visit(lambda s: "/admin/stats/alertevent/")),
    "reports-officer": (OFFICER, visit(lambda s: "/admin/stats/problemreport/")),
    "preview-link-change": (
        SUPERUSER,
        visit(lambda s: f"/admin/stats/previewlink/{s.link.pk}/change/"),
    ),
}


@pytest.fixture
def open_page(contexts):
    """Opens a case's page in the right visitor's browser, at a width."""
    opened = []

    def open_(site, name, width):
        who, how = CASES[name]
        page = contexts[who].new_page()
        opened.append(page)
        page.set_viewport_size({"width": WIDTHS[width], "height": 900})
        how(page, site)
        return page

    yield open_
    for page in opened:
        page.close()


def violations(page):
    options = {"runOnly": {"type": "tag", "values": WCAG_22_AA}}
    return Axe().run(page, options=options).response["violations"]


def describe(found):
    lines = []
    for violation in found:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {' '.join(node['target'])}" for node in violation["nodes"])
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("name", "width"),
    [pytest.param(name, width, id=f"{name}-{width}") for name in CASES for width in WIDTHS],
)
def test_axe_finds_nothing(site, open_page, name, width):
    page = open_page(site, name, width)
    found = violations(page)
    assert not found, f"{name} at {WIDTHS[width]}px ({page.url}):\n{describe(found)}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "name",
    [
        "login",
        "year-list-officer",
        "year-change-officer",
        "year-change-scheduled",
        "alerts-officer",
    ],
)
def test_nothing_scrolls_sideways(site, open_page, name, width):
    page = open_page(site, name, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"admin-{name}-{WIDTHS[width]}.png", full_page=True)


def test_the_login_page_says_who_to_ask_for_an_account(site, open_page):
    page = open_page(site, "login", "phone")
    expected = f"No account? Ask {settings.STAFF_ACCOUNTS_CONTACT}."
    expect(page.locator("#content")).to_contain_text(expected, timeout=1000)
