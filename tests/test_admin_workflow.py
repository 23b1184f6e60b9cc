"""Roles, preview, publishing, shared embargo links, history and restoring deleted drafts."""

import datetime
from http import HTTPStatus

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone

from stats.models import PreviewLink, ReleaseRequest, Year
from stats.models.enums import YearState

from .admin_pages import fill, fill_figure, year_form
from .factories import (
    PASSWORD,
    make_announcement,
    make_figure,
    make_publishable_year,
    make_user,
    make_year,
    release,
)

pytestmark = pytest.mark.django_db


def admin_url(year, action):
    return f"/admin/stats/year/{year.pk}/{action}/"


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

    @pytest.mark.parametrize("action", ["publish", "withdraw", "share"])
    def test_a_press_officer_cannot_publish_even_by_posting_directly(
        self, client, officer, drugs, action
    ):
        year = make_publishable_year()
        client.force_login(officer)
        response = client.post(
            admin_url(year, action), {"organisation": "BBC", "reason": "Because.", "seen": "x"}
        )
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert Year.objects.get().state == YearState.DRAFT
        assert not PreviewLink.objects.exists() and not ReleaseRequest.objects.exists()

    def test_a_press_officer_marks_a_draft_ready_for_review(self, client, officer):
        year = make_year("2023", state=YearState.DRAFT, published_at=None)
        client.force_login(officer)
        client.post(admin_url(year, "ready"))
        assert Year.objects.get().state == YearState.READY

    def test_a_press_officer_cannot_manage_users(self, client, officer):
        client.force_login(officer)
        assert client.get("/admin/auth/user/").status_code == HTTPStatus.FORBIDDEN

    def test_nobody_deletes_a_year_the_public_has_seen(self, client):
        year = release(make_year("2022"))
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
    def test_the_page_lists_what_is_missing(self, client, publisher, drugs):
        year = make_year("2023", state=YearState.DRAFT, published_at=None, introduction="")
        last_year = make_year("2022")
        make_figure(last_year, drugs, "4000000")
        release(last_year)
        client.force_login(publisher)
        page = client.get(admin_url(year, "publish")).content.decode()
        assert "cannot be published yet" in page
        assert "Write the introduction." in page
        assert (
            "“Drugs seized” was reported in 2022: enter this year&#x27;s figure or tick "
            "“not reported this year”." in page
        )

    def test_scheduled_for_the_announced_time_in_uk_time(self, django_app, publisher, drugs):
        year = make_publishable_year()
        # 7am in British Summer Time is 6am UTC.
        make_announcement(year, at=datetime.datetime(2099, 7, 1, 6, 0, tzinfo=datetime.UTC))
        page = django_app.get(admin_url(year, "publish"), user=publisher)
        assert "It will be public at 1 July 2099, 07:00 (UK time)" in page.text
        assert page.forms[1].submit().status_code == HTTPStatus.FOUND
        year.refresh_from_db()
        assert year.published_at == datetime.datetime(2099, 7, 1, 6, 0, tzinfo=datetime.UTC)
        assert year.is_scheduled and year.current_version.number == 1
        assert django_app.get("/years/2023/", expect_errors=True).status_code == 404

    def test_an_edit_made_while_the_publisher_reads_is_not_published(
        self, django_app, publishers, officer, drugs
    ):
        year = make_publishable_year()
        page = django_app.get(admin_url(year, "publish"), user=publishers[1])
        edit = fill_figure(year_form(django_app, officer, year), drugs, value="£250")
        assert edit.submit().status_code == HTTPStatus.FOUND  # saved after the page opened
        refused = page.forms[1].submit(user=publishers[1])
        assert "The year changed since you opened this page" in refused.text
        assert not Year.objects.published().exists()
        # Looked at again, it is what goes out: the value typed after the first look.
        assert refused.forms[1].submit(user=publishers[1]).status_code == HTTPStatus.FOUND
        assert "£250" in django_app.get("/years/2023/").text

    @pytest.mark.django_db(transaction=True)  # what happens on a real commit
    def test_publishing_now_then_withdrawing_with_a_second_person(
        self, django_app, client, publishers, drugs
    ):
        paul, petra = publishers
        year = make_publishable_year()
        page = django_app.get(admin_url(year, "publish"), user=petra)
        assert "It will be public at once" in page.text
        page.forms[1].submit()
        assert client.get("/years/2023/").status_code == HTTPStatus.OK
        # Withdrawing asks for the reason the public will read, then waits for another person.
        ask = django_app.get(admin_url(year, "withdraw"), user=paul)
        assert "The reason (public)" in ask.text
        refused = fill(ask.forms[1], reason="").submit()
        assert "This field is required." in refused.text
        waiting = fill(ask.forms[1], reason="A figure is being checked.").submit().follow()
        assert "Withdraw 2023 from the public" in waiting.text
        assert client.get("/years/2023/").status_code == HTTPStatus.OK  # nothing public yet
        assert not [f for f in waiting.forms.values() if "seen" in f.fields]  # Paul asked
        review = django_app.get(waiting.request.path, user=petra)
        approve = next(f for f in review.forms.values() if "seen" in f.fields)
        approve.submit()
        response = client.get("/years/2023/")
        assert response.status_code == HTTPStatus.GONE
        assert "A figure is being checked." in response.content.decode()


class TestPreview:
    def test_staff_preview_a_draft_as_the_public_will_see_it(self, client, officer, drugs):
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

    def test_the_public_cannot_use_the_staff_preview(self, client, drugs):
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
    def scheduled(self, drugs, publishers):
        from stats.rules import publishing

        year = make_publishable_year()
        make_announcement(year, at=timezone.now() + datetime.timedelta(hours=2))
        return publishing.publish(year, publishers[1])

    @pytest.fixture
    def link(self, client, publisher, scheduled):
        client.force_login(publisher)
        client.post(
            admin_url(scheduled, "share"),
            {"organisation": "BBC Cumbria", "recipient": "Jo Bloggs", "role": "Reporter"},
        )
        client.logout()
        return PreviewLink.objects.get()

    def test_a_journalist_without_an_account_reads_the_embargoed_year(self, client, link):
        response = client.get(link.get_absolute_url(), HTTP_USER_AGENT="Newsroom browser")
        assert response.status_code == HTTPStatus.OK
        assert "embargoed until" in response.content.decode()
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

    def test_a_link_opens_no_sooner_than_the_pre_release_window(self, client, link, settings):
        assert link.opens_at == link.year.published_at - datetime.timedelta(hours=24)
        with time_machine.travel(link.opens_at - datetime.timedelta(seconds=1)):
            response = client.get(link.get_absolute_url())
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert "opens" in response.content.decode() and not link.uses.exists()

    def test_only_a_scheduled_year_is_shared(self, client, publisher, drugs):
        draft = make_publishable_year()
        client.force_login(publisher)
        client.post(admin_url(draft, "share"), {"organisation": "BBC Cumbria"})
        assert not PreviewLink.objects.exists()

    def test_a_forged_token_is_not_found(self, client, link):
        assert client.get(f"/preview/{link.pk}/").status_code == HTTPStatus.NOT_FOUND
        assert client.get(link.get_absolute_url()[:-3] + "xx/").status_code == HTTPStatus.NOT_FOUND

    def test_once_public_the_link_leads_to_the_permalink(self, client, link):
        with time_machine.travel(link.year.published_at + datetime.timedelta(seconds=1)):
            response = client.get(link.get_absolute_url())
        assert response.status_code == HTTPStatus.FOUND and response["Location"] == "/years/2023/"


class TestHistory:
    def test_the_revision_history_says_who_changed_what(self, client, django_app, drugs):
        year = make_year("2023", state=YearState.DRAFT, published_at=None)
        make_figure(year, drugs, "1000")
        olivia = make_user("olivia", "Press officers", first_name="Olivia", last_name="Jones")
        form = fill_figure(year_form(django_app, olivia, year), drugs, value="2000")
        assert fill(form, title="New title").submit().status_code == HTTPStatus.FOUND
        client.force_login(olivia)
        page = client.get(admin_url(year, "history")).content.decode()
        assert "Olivia Jones" in page
        assert "value: 1000 → 2000" in page
        assert "title: Results 2023 → New title" in page

    def test_a_deleted_draft_is_restored_with_its_figures_and_quotes(self, client, officer, drugs):
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
