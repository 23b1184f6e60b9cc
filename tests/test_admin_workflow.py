"""Roles, preview, publishing, shared embargo links, history and restoring deleted drafts."""

import datetime
from http import HTTPStatus

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone

from stats.models import PreviewLink, Year
from stats.models.enums import Unit, YearState

from .admin_pages import fill, fill_figure, year_form
from .factories import (
    PASSWORD,
    make_figure,
    make_measure,
    make_publishable_year,
    make_user,
    make_year,
)

pytestmark = pytest.mark.django_db


def admin_url(year, action):
    return f"/admin/stats/year/{year.pk}/{action}/"


@pytest.fixture
def headline():
    return make_measure(name="Drugs seized", slug="drugs", unit=Unit.MONEY, is_headline=True)


class TestRoles:
    def test_the_groups_exist_with_least_privilege(self):
        officers = set(
            Group.objects.get(name="Press officers").permissions.values_list("codename", flat=True)
        )
        publishers = set(
            Group.objects.get(name="Publishers").permissions.values_list("codename", flat=True)
        )
        assert "publish_year" not in officers and "publish_year" in publishers
        assert officers < publishers
        assert not any("user" in codename or "group" in codename for codename in publishers)

    @pytest.mark.parametrize("action", ["publish", "unpublish", "share"])
    def test_a_press_officer_cannot_publish_even_by_posting_directly(
        self, client, officer, headline, action
    ):
        year = make_publishable_year()
        client.force_login(officer)
        response = client.post(admin_url(year, action), {"shared_with": "BBC"})
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert Year.objects.get().state == YearState.DRAFT
        assert not PreviewLink.objects.exists()

    def test_a_press_officer_marks_a_draft_ready_for_review(self, client, officer):
        year = make_year("2023", state=YearState.DRAFT, published_at=None)
        client.force_login(officer)
        client.post(admin_url(year, "ready"))
        assert Year.objects.get().state == YearState.READY

    def test_a_press_officer_cannot_manage_users(self, client, officer):
        client.force_login(officer)
        assert client.get("/admin/auth/user/").status_code == HTTPStatus.FORBIDDEN

    def test_nobody_deletes_a_year_the_public_has_seen(self, client):
        year = make_year("2022")
        client.force_login(make_user("root", is_superuser=True))
        assert (
            client.post(admin_url(year, "delete"), {"post": "yes"}).status_code
            == HTTPStatus.FORBIDDEN
        )
        assert Year.objects.exists()

    def test_a_press_officer_may_delete_a_draft(self, client, officer):
        year = make_year("2023", state=YearState.DRAFT, published_at=None)
        client.force_login(officer)
        client.post(admin_url(year, "delete"), {"post": "yes"})
        assert not Year.objects.exists()


class TestPublishingPage:
    def test_the_page_lists_what_is_missing(self, client, publisher, headline):
        year = make_year("2023", state=YearState.DRAFT, published_at=None, introduction="")
        make_figure(make_year("2022"), headline, "4000000")
        client.force_login(publisher)
        page = client.get(admin_url(year, "publish")).content.decode()
        assert "cannot be published yet" in page
        assert "Write the introduction." in page
        assert (
            "“Drugs seized” was reported in 2022: enter this year&#x27;s figure or tick "
            "“not reported this year”." in page
        )

    def test_scheduling_in_uk_time(self, client, publisher, headline):
        year = make_publishable_year()
        client.force_login(publisher)
        response = client.post(
            admin_url(year, "publish"), {"publish_at_0": "01/07/2099", "publish_at_1": "07:00"}
        )
        assert response.status_code == HTTPStatus.FOUND
        year.refresh_from_db()
        # 7am in British Summer Time is 6am UTC.
        assert year.published_at == datetime.datetime(2099, 7, 1, 6, 0, tzinfo=datetime.UTC)
        assert year.is_scheduled
        assert client.get("/years/2023/").status_code == HTTPStatus.NOT_FOUND

    def test_publishing_now_and_unpublishing(self, client, publisher, headline):
        year = make_publishable_year()
        client.force_login(publisher)
        client.post(admin_url(year, "publish"), {})
        assert client.get("/years/2023/").status_code == HTTPStatus.OK
        # Withdrawing asks first, and for the reason the public will read.
        confirm = client.get(admin_url(year, "unpublish")).content.decode()
        assert "Why it is withdrawn (public)" in confirm
        refused = client.post(admin_url(year, "unpublish"), {"reason": ""})
        assert "Say why the year is withdrawn" in refused.content.decode()
        assert client.get("/years/2023/").status_code == HTTPStatus.OK
        client.post(admin_url(year, "unpublish"), {"reason": "A figure is being checked."})
        response = client.get("/years/2023/")
        assert response.status_code == HTTPStatus.GONE
        assert "A figure is being checked." in response.content.decode()


class TestPreview:
    def test_staff_preview_a_draft_as_the_public_will_see_it(self, client, officer, headline):
        year = make_publishable_year()
        client.force_login(officer)
        response = client.get(f"/staff-preview/{year.pk}/")
        assert response.status_code == HTTPStatus.OK
        page = response.content.decode()
        assert (
            "Preview: not yet public." in page
            and '<meta name="robots" content="noindex, nofollow">' in page
        )
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert "no-store" in response["Cache-Control"]
        assert "£100" in page

    def test_the_public_cannot_use_the_staff_preview(self, client, headline):
        year = make_publishable_year()
        response = client.get(f"/staff-preview/{year.pk}/")
        assert response.status_code == HTTPStatus.FOUND and "/admin/login/" in response["Location"]
        visitor = make_user("visitor")
        visitor.is_staff = False
        visitor.save()
        client.force_login(visitor)
        assert client.get(f"/staff-preview/{year.pk}/").status_code == HTTPStatus.FORBIDDEN


class TestSharedPreviewLinks:
    @pytest.fixture
    def link(self, client, publisher, headline):
        year = make_publishable_year()
        client.force_login(publisher)
        client.post(admin_url(year, "share"), {"shared_with": "BBC Cumbria newsroom"})
        client.logout()
        return PreviewLink.objects.get()

    def test_a_journalist_without_an_account_reads_the_embargoed_year(self, client, link):
        response = client.get(link.get_absolute_url(), HTTP_USER_AGENT="Newsroom browser")
        assert response.status_code == HTTPStatus.OK
        assert "Embargoed" in response.content.decode()
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        use = link.uses.get()
        assert use.ip_address == "127.0.0.1" and use.user_agent == "Newsroom browser"

    def test_each_use_records_the_reader_behind_our_proxy_not_the_proxy(self, client, link):
        # From our proxy (TRUSTED_PROXIES' default), the address it forwarded is the reader's;
        # from anyone else, a forwarded address is made up and their own is recorded.
        client.get(link.get_absolute_url(), HTTP_X_FORWARDED_FOR="198.51.100.7")
        client.get(
            link.get_absolute_url(), REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.1"
        )
        assert sorted(link.uses.values_list("ip_address", flat=True)) == [
            "198.51.100.7",
            "203.0.113.5",
        ]

    def test_a_revoked_link_stops_working(self, client, link, publisher):
        client.force_login(publisher)
        client.post(
            "/admin/stats/previewlink/", {"action": "revoke", "_selected_action": [link.pk]}
        )
        client.logout()
        assert client.get(link.get_absolute_url()).status_code == HTTPStatus.GONE
        assert not link.uses.exists()

    def test_a_link_expires(self, client, link):
        with time_machine.travel(link.expires_at + datetime.timedelta(seconds=1)):
            assert client.get(link.get_absolute_url()).status_code == HTTPStatus.GONE

    def test_a_forged_token_is_not_found(self, client, link):
        assert client.get(f"/preview/{link.pk}/").status_code == HTTPStatus.NOT_FOUND
        assert client.get(link.get_absolute_url()[:-3] + "xx/").status_code == HTTPStatus.NOT_FOUND

    def test_once_public_the_link_leads_to_the_permalink(self, client, link):
        Year.objects.update(state=YearState.PUBLISHED, published_at=timezone.now())
        response = client.get(link.get_absolute_url())
        assert response.status_code == HTTPStatus.FOUND and response["Location"] == "/years/2023/"


class TestHistory:
    def test_the_revision_history_says_who_changed_what(self, client, django_app, headline):
        year = make_year("2023", state=YearState.DRAFT, published_at=None)
        make_figure(year, headline, "1000")
        olivia = make_user("olivia", "Press officers", first_name="Olivia", last_name="Jones")
        form = fill_figure(year_form(django_app, olivia, year), headline, value="2000")
        assert fill(form, title="New title").submit().status_code == HTTPStatus.FOUND
        client.force_login(olivia)
        page = client.get(admin_url(year, "history")).content.decode()
        assert "Olivia Jones" in page
        assert "value: 1000 → 2000" in page
        assert "title: Results 2023 → New title" in page

    def test_a_deleted_draft_is_restored_with_its_figures_and_quotes(
        self, client, officer, headline
    ):
        year = make_publishable_year()
        pk = year.pk
        client.force_login(officer)
        client.post(admin_url(year, "delete"), {"post": "yes"})
        assert not Year.objects.exists()
        assert "Restore 2023" in client.get("/admin/stats/year/deleted/").content.decode()
        client.post(f"/admin/stats/year/deleted/{pk}/restore/")
        year = Year.objects.get(pk=pk)
        assert year.state == YearState.DRAFT
        assert year.figures.get().value == 100 and year.quotes.get().speaker_name == "Ian Hussey"
        assert "No deleted drafts" in client.get("/admin/stats/year/deleted/").content.decode()


class TestSignIn:
    def test_password_guessing_is_throttled(self, client, settings):
        make_user("olivia", "Press officers")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post("/admin/login/", {"username": "olivia", "password": "wrong"})
        response = client.post("/admin/login/", {"username": "olivia", "password": PASSWORD})
        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert "Too many failed sign-ins" in response.content.decode()

    def test_staff_sessions_expire_after_inactivity(self, client, settings):
        make_user("olivia", "Press officers")
        assert (
            client.post("/admin/login/", {"username": "olivia", "password": PASSWORD}).status_code
            == 302
        )
        assert client.get("/admin/").status_code == HTTPStatus.OK
        later = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)
        with time_machine.travel(later):
            assert client.get("/admin/").status_code == HTTPStatus.FOUND


def test_next_release_is_announced_on_the_pages_and_as_a_calendar(client):
    from stats.models import NextRelease

    make_year("2022")
    NextRelease.objects.create(
        label="2023 results", expected_at=datetime.datetime(2099, 1, 9, 10, 0, tzinfo=datetime.UTC)
    )
    page = client.get("/").content.decode()
    assert (
        "Next results: <strong>2023 results</strong>, expected" in page and "9 January 2099" in page
    )
    response = client.get("/next-release.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    from icalendar import Calendar

    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime.datetime(2099, 1, 9, 10, 0, tzinfo=datetime.UTC)
    assert "2023 results" in str(event["summary"])
