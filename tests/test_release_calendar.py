"""The release calendar kept in public: every change to a release needs a second person, moves
and cancellations give a public reason, the previous date stays, a scheduled year follows its
release, calendar apps update the event they imported, and nothing is ever deleted."""

import datetime
from http import HTTPStatus

import pytest
import time_machine
import vobject
from django.db import DatabaseError, transaction
from django.utils import timezone
from icalendar import Calendar

from stats.models import AnnouncementChange, PreviewLink, ReleaseAnnouncement, ReleaseRequest
from stats.models.change_note import AppendOnlyError
from stats.models.enums import ReleaseAct, YearState
from stats.rules import pre_release, release_requests
from stats.rules.publishing import PublishingError

from .factories import make_announcement, make_publishable_year, make_user, schedule

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def later(**delta):
    return timezone.now() + datetime.timedelta(**delta)


def ask_and_approve(kind, asker, approver, **fields):
    return release_requests.approve(release_requests.ask(kind, asker, **fields), approver)


def events(client):
    response = client.get("/next-release.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content).walk("VEVENT")


class TestAnnouncing:
    @pytest.mark.django_db(transaction=True)  # what happens on a real commit
    def test_nothing_is_public_until_another_publisher_approves(self, client, officer, publishers):
        moment = datetime.datetime(2099, 3, 12, 9, 30, tzinfo=UTC)
        asked = release_requests.ask(
            ReleaseAct.ANNOUNCE, officer, label="2098 results", release_at=moment
        )
        assert "2098 results" not in client.get("/releases/").content.decode()
        assert not ReleaseAnnouncement.objects.exists()
        release_requests.approve(asked, publishers[0])
        page = client.get("/releases/").content.decode()
        assert "2098 results" in page and "12 March 2099, 09:30" in page
        footer = client.get("/about/").content.decode()
        assert "Next results: <strong>2098 results</strong>" in footer
        assert not ReleaseRequest.objects.exists()

    def test_nobody_approves_what_they_asked_for(self, publishers):
        paul, petra = publishers
        asked = release_requests.ask(
            ReleaseAct.ANNOUNCE, paul, label="2098 results", release_month=datetime.date(2099, 3, 1)
        )
        with pytest.raises(PublishingError, match="another publisher must approve"):
            release_requests.approve(asked, paul)
        release_requests.approve(asked, petra)

    def test_a_one_publisher_office_approves_alone_and_says_so(self, client, publisher):
        asked = release_requests.ask(
            ReleaseAct.ANNOUNCE,
            publisher,
            label="2098 results",
            release_month=datetime.date(2099, 3, 1),
        )
        release_requests.approve(asked, publisher)
        change = AnnouncementChange.objects.get()
        assert not change.second_person
        assert "(approved by one person)" in client.get("/releases/").content.decode()

    def test_a_month_or_a_time_not_both_and_never_in_the_past(self, officer):
        for fields in (
            {},
            {"release_at": later(days=40), "release_month": datetime.date(2099, 1, 1)},
            {"release_at": later(days=-1)},
            {"release_month": datetime.date(2001, 1, 1)},
        ):
            with pytest.raises(PublishingError):
                release_requests.ask(ReleaseAct.ANNOUNCE, officer, label="2098 results", **fields)
        assert not ReleaseRequest.objects.exists()


class TestMovingAndCancelling:
    @pytest.fixture
    def announcement(self):
        return make_announcement(
            label="2098 results", at=datetime.datetime(2099, 3, 12, 9, 30, tzinfo=UTC)
        )

    def test_a_move_keeps_the_previous_date_and_the_reason(
        self, client, officer, publishers, announcement
    ):
        with pytest.raises(PublishingError, match="Give the reason"):
            release_requests.ask(
                ReleaseAct.MOVE, officer, announcement=announcement, release_at=later(days=400)
            )
        ask_and_approve(
            ReleaseAct.MOVE,
            officer,
            publishers[0],
            announcement=announcement,
            release_at=datetime.datetime(2099, 3, 19, 9, 30, tzinfo=UTC),
            reason="The figures for March are still being checked.",
        )
        page = client.get("/releases/").content.decode()
        assert (
            "Moved from 12 March 2099, 09:30 to 19 March 2099, 09:30: The figures for March are "
            "still being checked." in page
        )

    @pytest.mark.django_db(transaction=True)  # what happens on a real commit
    def test_calendar_apps_update_the_event_they_imported(
        self, client, officer, publishers, announcement, settings
    ):
        settings.SITE_URL = "https://results.example.org"
        (before,) = events(client)
        ask_and_approve(
            ReleaseAct.MOVE,
            officer,
            publishers[0],
            announcement=announcement,
            release_at=datetime.datetime(2099, 3, 19, 9, 30, tzinfo=UTC),
            reason="Checking.",
        )
        (after,) = events(client)
        assert str(after["uid"]) == str(before["uid"]) and str(after["uid"]).endswith(
            "@results.example.org"
        )
        assert int(after["sequence"]) > int(before["sequence"])
        assert after.decoded("dtstart") == datetime.datetime(2099, 3, 19, 9, 30, tzinfo=UTC)
        ask_and_approve(
            ReleaseAct.CANCEL, officer, publishers[0], announcement=announcement, reason="Merged."
        )
        (cancelled,) = events(client)
        assert str(cancelled["status"]) == "CANCELLED" and str(cancelled["uid"]) == str(
            before["uid"]
        )
        assert "Cancelled: Merged." in client.get("/releases/").content.decode()

    def test_a_release_date_a_few_weeks_away_is_flagged(self, announcement):
        assert release_requests.notice_warning(later(days=10)).endswith(
            "asks for at least four weeks' notice of a release date."
        )
        assert release_requests.notice_warning(later(days=40)) is None

    def test_one_request_waits_at_a_time_for_each_release(self, officer, announcement):
        release_requests.ask(ReleaseAct.CANCEL, officer, announcement=announcement, reason="A.")
        with pytest.raises(PublishingError, match="already waiting"):
            release_requests.ask(ReleaseAct.CANCEL, officer, announcement=announcement, reason="B.")
        assert ReleaseRequest.objects.count() == 1

    def test_the_calendar_is_kept_for_good(self, announcement):
        change = announcement.changes.get()
        with pytest.raises(AppendOnlyError):
            change.delete()
        with pytest.raises(DatabaseError), transaction.atomic():
            AnnouncementChange.objects.filter(pk=change.pk).update(reason="rewritten")
        with pytest.raises(DatabaseError), transaction.atomic():
            ReleaseAnnouncement.objects.filter(pk=announcement.pk).delete()


class TestAScheduledYearFollowsItsRelease:
    @pytest.fixture
    def scheduled(self, drugs, publishers):
        return schedule(make_publishable_year("2023"), publishers[1], later(days=7))

    def test_moved_three_minutes_ahead_needs_a_second_person_and_the_footer_follows(
        self, client, publishers, scheduled
    ):
        paul, petra = publishers
        soon = later(minutes=3)
        asked = release_requests.ask(
            ReleaseAct.MOVE,
            paul,
            announcement=scheduled.announcement,
            release_at=soon,
            reason="Brought forward for the commissioner's briefing.",
        )
        scheduled.refresh_from_db()
        assert scheduled.published_at > later(days=6)  # nothing moved on one person's word
        release_requests.approve(asked, petra)
        scheduled.refresh_from_db()
        assert scheduled.published_at == soon and scheduled.is_scheduled
        assert soon.strftime("%-d %B %Y") in client.get("/about/").content.decode()
        with time_machine.travel(soon + datetime.timedelta(seconds=1)):
            assert client.get("/years/2023/").status_code == HTTPStatus.OK
            assert "Next results" not in client.get("/about/").content.decode()

    def test_cancelled_the_year_goes_back_to_draft_and_early_access_ends(
        self, client, publishers, scheduled
    ):
        link = pre_release.share(scheduled, publishers[0], organisation="BBC Cumbria")
        ask_and_approve(
            ReleaseAct.CANCEL,
            publishers[0],
            publishers[1],
            announcement=scheduled.announcement,
            reason="The operation's results will be published with the annual report instead.",
        )
        scheduled.refresh_from_db()
        assert scheduled.state == YearState.DRAFT and scheduled.published_at is None
        assert PreviewLink.objects.get(pk=link.pk).revoked_at is not None
        assert client.get(link.get_absolute_url()).status_code == HTTPStatus.GONE

    def test_a_provisional_month_again_unschedules_it(self, publishers, scheduled):
        ask_and_approve(
            ReleaseAct.MOVE,
            publishers[0],
            publishers[1],
            announcement=scheduled.announcement,
            release_month=timezone.localdate(later(days=60)),
            reason="Waiting for the court results.",
        )
        scheduled.refresh_from_db()
        assert scheduled.state == YearState.DRAFT and not scheduled.is_scheduled

    def test_a_published_release_cannot_move(self, publishers, scheduled):
        with time_machine.travel(scheduled.published_at + datetime.timedelta(minutes=1)):
            with pytest.raises(PublishingError, match="published"):
                release_requests.ask(
                    ReleaseAct.MOVE,
                    publishers[0],
                    announcement=scheduled.announcement,
                    release_at=later(days=30),
                    reason="Too late.",
                )


class TestThroughTheAdmin:
    def test_announce_review_and_approve(self, django_app, client, officer, publishers):
        form = django_app.get("/admin/stats/releaseannouncement/add/", user=officer).forms[1]
        form["label"] = "2098 results"
        form["release_month"] = "2099-03-01"
        review = form.submit().follow()
        assert "Announce “2098 results” in the release calendar for March 2099" in review.text
        assert not [f for f in review.forms.values() if "seen" in f.fields]  # officers cannot
        page = django_app.get(review.request.path, user=publishers[0])
        next(f for f in page.forms.values() if "seen" in f.fields).submit()
        assert "March 2099 (provisional)" in client.get("/releases/").content.decode()

    def test_a_direct_post_by_a_press_officer_approves_nothing(self, client, officer):
        asked = release_requests.ask(
            ReleaseAct.ANNOUNCE,
            officer,
            label="2098 results",
            release_month=datetime.date(2099, 3, 1),
        )
        client.force_login(officer)
        response = client.post(
            f"/admin/stats/releaserequest/{asked.pk}/approve/", {"seen": asked.pk}
        )
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert not ReleaseAnnouncement.objects.exists()

    def test_the_calendar_cannot_be_edited_or_deleted_in_place(self, client, publishers):
        announcement = make_announcement(label="2098 results", at=later(days=60))
        client.force_login(publishers[0])
        url = f"/admin/stats/releaseannouncement/{announcement.pk}"
        client.post(f"{url}/change/", {"label": "Renamed", "status": "cancelled"})
        client.post(f"{url}/delete/", {"post": "yes"})
        announcement.refresh_from_db()
        assert (announcement.label, announcement.status) == ("2098 results", "confirmed")

    def test_a_request_is_discarded_only_by_its_author_or_a_publisher(self, client, officer):
        asked = release_requests.ask(
            ReleaseAct.ANNOUNCE,
            officer,
            label="2098 results",
            release_month=datetime.date(2099, 3, 1),
        )
        client.force_login(make_user("oscar", "Press officers"))
        response = client.post(f"/admin/stats/releaserequest/{asked.pk}/discard/")
        assert response.status_code == HTTPStatus.FORBIDDEN
        client.force_login(officer)
        client.post(f"/admin/stats/releaserequest/{asked.pk}/discard/")
        assert not ReleaseRequest.objects.exists()


class TestTheCalendarFile:
    """/next-release.ics as RFC 5545 parsers and calendar apps read it: never a calendar with
    no component, one event per release whatever its state, updated in place."""

    def parse(self, client):
        from stats.pagecache import page_cache

        page_cache().clear()
        body = client.get("/next-release.ics").content
        calendar = Calendar.from_ical(body)
        calendar.validate()  # icalendar: PRODID, VERSION and at least one component
        assert not calendar.get_missing_tzids()  # every TZID used has its VTIMEZONE
        parsed = vobject.readOne(body.decode(), validate=True)  # a second, stricter reader
        for event in parsed.contents.get("vevent", []):
            assert event.uid.value and event.dtstamp.value and event.dtstart.value
        return body, calendar

    def test_with_nothing_announced_it_is_a_calendar_to_subscribe_to_that_says_so(self, client):
        _, calendar = self.parse(client)
        assert calendar.walk("VEVENT") == []
        assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
        assert (
            str(calendar["x-wr-calname"]) == str(calendar["name"]) == "Operation Alliance results"
        )
        assert "No release is announced yet" in str(calendar["x-wr-caldesc"])
        assert str(calendar["refresh-interval"].to_ical(), "ascii") == "P1D"

    def test_a_provisional_month_is_a_tentative_all_day_span_that_blocks_no_time(self, client):
        make_announcement(label="2098 results", month=datetime.date(2099, 3, 1))
        (event,) = self.parse(client)[1].walk("VEVENT")
        assert event.decoded("dtstart") == datetime.date(2099, 3, 1)
        assert event.decoded("dtend") == datetime.date(2099, 4, 1)
        assert (str(event["status"]), str(event["transp"])) == ("TENTATIVE", "TRANSPARENT")
        assert str(event["summary"]) == "Operation Alliance: 2098 results (provisional, March 2099)"

    def test_confirming_it_updates_the_same_event(self, client, officer, publishers):
        announcement = make_announcement(label="2098 results", month=datetime.date(2099, 3, 1))
        (before,) = self.parse(client)[1].walk("VEVENT")
        moment = datetime.datetime(2099, 3, 12, 9, 30, tzinfo=UTC)
        ask_and_approve(
            ReleaseAct.CONFIRM, officer, publishers[0], announcement=announcement, release_at=moment
        )
        body, calendar = self.parse(client)
        (after,) = calendar.walk("VEVENT")
        assert str(after["uid"]) == str(before["uid"])
        assert int(after["sequence"]) > int(before["sequence"])
        assert str(after["status"]) == "CONFIRMED" and str(after["transp"]) == "OPAQUE"
        assert after.decoded("dtstart") == moment
        assert b"DTSTART;TZID=Europe/London:20990312T093000" in body  # 09:30 UK time, as said

    def test_a_cancelled_provisional_release_stays_as_cancelled(self, client, officer, publishers):
        announcement = make_announcement(label="2098 results", month=datetime.date(2099, 3, 1))
        make_announcement(label="2099 results", at=datetime.datetime(2100, 3, 1, 9, 30, tzinfo=UTC))
        ask_and_approve(
            ReleaseAct.CANCEL, officer, publishers[0], announcement=announcement, reason="Merged."
        )
        events = {str(e["summary"]): e for e in self.parse(client)[1].walk("VEVENT")}
        cancelled = events["Operation Alliance: 2098 results (provisional, March 2099)"]
        assert str(cancelled["status"]) == "CANCELLED" and "Merged." in str(
            cancelled["description"]
        )
        assert len({str(e["uid"]) for e in events.values()}) == 2  # a UID per release

    def test_the_same_file_on_every_request_until_something_changes(self, client):
        make_announcement(label="2099 results", at=datetime.datetime(2100, 3, 1, 9, 30, tzinfo=UTC))
        first, _ = self.parse(client)
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=5)):
            again, _ = self.parse(client)
        assert first == again  # DTSTAMP is when the release last changed, not when asked
