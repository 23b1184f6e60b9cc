"""What the public can check of a release over time: every version as it stood, what early
readers saw and who they were, how it was approved; and that an edit nobody approved reaches
neither a preview link nor the public."""

import csv
import datetime
import io
from http import HTTPStatus

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image

from stats.models import PreviewLink, ReleaseVersion, Year
from stats.models.enums import ReleaseAct, Unit
from stats.pagecache import page_cache
from stats.public.views import release_body
from stats.rules import corrections, pre_release, publishing, release_requests
from stats.rules.publishing import PublishingError
from stats.rules.releases import Release

from .admin_pages import fill, fill_figure, year_form
from .factories import (
    make_figure,
    make_measure,
    make_publishable_year,
    make_user,
    make_year,
    release,
    schedule,
)

pytestmark = pytest.mark.django_db


def page(client, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return response.content.decode()


def csv_value(client, path, measure):
    text = client.get(path).content.decode("utf-8-sig")
    return next(
        r["value"] for r in csv.DictReader(io.StringIO(text)) if r["measure_slug"] == measure
    )


class TestVersionsInPublic:
    def test_a_correction_keeps_what_release_day_said(
        self, django_app, client, officer, drugs, public_year, publishers
    ):
        form = fill_figure(year_form(django_app, officer, public_year), drugs, value="4.2m")
        fill(form, change_note="Drugs seized corrected from £4m to £4.2m.").submit()
        corrections.approve(public_year, publishers[0])

        current = page(client, "/years/2022/")
        assert "£4.2m" in current and "Version 2" in current and "Last updated" in current
        first = page(client, "/years/2022/versions/1/")
        assert "£4m" in first and "£4.2m" not in first
        assert "This is not the latest version" in first
        assert '<meta name="robots" content="noindex">' in first
        assert csv_value(client, "/years/2022/versions/1/data.csv", "drugs") == "4000000"
        assert csv_value(client, "/years/2022/data.csv", "drugs") == "4200000"
        listing = page(client, "/years/2022/versions/")
        assert "Version 1" in listing and "Version 2" in listing
        assert "Drugs seized corrected from £4m to £4.2m." in listing
        assert client.get("/years/2022/versions/3/").status_code == HTTPStatus.NOT_FOUND
        assert client.get("/years/2022/versions/0/").status_code == HTTPStatus.NOT_FOUND

    def test_the_approver_adds_to_the_note_but_never_rewrites_it(
        self, django_app, client, officer, drugs, public_year, publishers
    ):
        form = fill_figure(year_form(django_app, officer, public_year), drugs, value="4.2m")
        fill(form, change_note="Corrected the drugs figure.").submit()
        corrections.approve(public_year, publishers[0], "It was misread from the source.")
        note = Year.objects.get().current_version.note.text
        assert note == "Corrected the drugs figure. It was misread from the source."

    def test_a_correction_the_same_day_shows_last_updated_and_in_the_citation(
        self, client, drugs, publishers
    ):
        moment = timezone.now().replace(hour=9, minute=30, second=0, microsecond=0)
        with time_machine.travel(moment, tick=False):
            year = publishing.publish(make_publishable_year("2022"), publishers[1])
        with time_machine.travel(moment + datetime.timedelta(hours=2), tick=False):
            year.figures.filter(measure=drugs).update(value=150)
            release(year, publishers[0], note_text="Corrected within the hour.")
            html = page(client, "/years/2022/")
        assert 'Last updated <time datetime="' in html
        assert ", version 2, last updated " in html


class TestWhatEarlyReadersSee:
    def test_an_edit_after_approval_reaches_neither_the_preview_nor_the_public(
        self, django_app, client, officer, drugs, publishers
    ):
        moment = timezone.now() + datetime.timedelta(hours=3)
        year = schedule(make_publishable_year("2023"), publishers[1], moment)  # £100
        link = pre_release.share(year, publishers[0], organisation="BBC Cumbria")
        form = fill_figure(year_form(django_app, officer, year), drugs, value="£999")
        assert form.submit().status_code == HTTPStatus.FOUND
        assert "£999" not in page(client, link.get_absolute_url())
        assert "£100" in page(client, link.get_absolute_url())
        with time_machine.travel(moment + datetime.timedelta(seconds=1)):
            public = page(client, "/years/2023/")
        assert "£100" in public and "£999" not in public
        assert hasattr(Year.objects.get(pk=year.pk), "pending_correction")  # the edit waits

    def test_a_version_replaced_before_the_release_never_becomes_public(
        self, client, drugs, publishers, settings, tmp_path
    ):
        """What was taken out before a release stays out: the version approved first, its
        photo, its figures and its place in the feed, once a second replaced it."""
        settings.MEDIA_ROOT = tmp_path
        moment = timezone.now() + datetime.timedelta(hours=3)
        year = make_publishable_year("2023")
        buffer = io.BytesIO()
        Image.new("RGB", (40, 30), "navy").save(buffer, "PNG")
        year.photo = SimpleUploadedFile("door.png", buffer.getvalue(), content_type="image/png")
        year.photo_alt = "A house door, its number showing"
        year.save()
        year = schedule(year, publishers[1], moment)  # version 1: £100 and the photo
        taken_out = f"/media/{year.photo.name}"
        year.photo, year.photo_alt = None, ""
        year.save()
        year.figures.filter(measure=drugs).update(value=150)
        release(year, publishers[0])  # version 2, before the release
        with time_machine.travel(moment + datetime.timedelta(seconds=1)):
            listing = page(client, "/years/2023/versions/")
            feed = client.get("/feed.xml").content.decode()
            gone = {
                path: client.get(path).status_code
                for path in ("/years/2023/versions/1/", "/years/2023/versions/1/data.csv",
                             taken_out)
            }  # fmt: skip
            assert "£150" in page(client, "/years/2023/versions/2/")
        assert gone == dict.fromkeys(gone, HTTPStatus.NOT_FOUND)
        assert '<li value="2">' in listing and "/years/2023/versions/1/" not in listing
        assert "One version was approved and then replaced before the release" in listing
        assert "version-2" in feed and "version-1" not in feed
        assert "updated (version 2)" not in feed  # it is the release, not an update to it
        published = timezone.localtime(moment).strftime("%-d %B %Y, %H:%M")
        assert "Published <time datetime=" in listing and published in listing

    def test_a_note_on_a_change_before_the_release_stays_in_the_record_not_on_the_page(
        self, client, drugs, publishers
    ):
        """A correction approved before the release changes a version the public never saw:
        its note is the press office's record, so the page, the versions list and the feed
        read as the release itself. A note after the release is an update, shown as one."""
        moment = timezone.now() + datetime.timedelta(hours=3)
        year = schedule(make_publishable_year("2023"), publishers[1], moment)
        year.figures.filter(measure=drugs).update(value=150)
        release(year, publishers[0], note_text="Drugs figure put right before the release.")
        with time_machine.travel(moment + datetime.timedelta(seconds=1)):
            before = [
                page(client, path)
                for path in ("/years/2023/", "/years/2023/versions/", "/years/2023/versions/2/")
            ]
            before.append(client.get("/feed.xml").content.decode())
        assert year.change_notes.count() == 1  # kept, for the press office
        for text in before:
            assert "put right before the release" not in text
            assert "Updates to this page" not in text and "Updated " not in text
        with time_machine.travel(moment + datetime.timedelta(hours=1)):
            release(year, publishers[0], note_text="Drugs figure corrected after the release.")
            page_cache().clear()  # as the commit would, which this test's transaction never makes
            after = page(client, "/years/2023/")
            listing = page(client, "/years/2023/versions/")
        assert "Updates to this page" in after and "corrected after the release" in after
        assert "put right before the release" not in after + listing
        assert "corrected after the release" in listing

    def test_a_versions_page_body_is_kept_for_its_release_time_too(self, drugs, publishers):
        """Each process keeps the part of a page a version decides; which notes it shows also
        depends on the year's release time, so a body kept for another time is not reused."""
        year = release(publishing.publish(make_publishable_year("2023"), publishers[1]))
        release(year, publishers[0], note_text="Corrected after the release.")
        shown = Release.of(year)
        year.published_at = timezone.now() + datetime.timedelta(days=1)  # not saved
        later = Release.of(year)
        pk = year.current_version_id
        assert "Corrected after the release." in release_body(
            shown, pk, preview=None, old_version=False
        )
        assert "Corrected after the release." not in release_body(
            later, pk, preview=None, old_version=False
        )

    def test_published_at_once_after_a_cancelled_release_what_was_approved_first_stays_out(
        self, client, drugs, publishers
    ):
        """Published now, a year's version is approved at its publication, not a moment after
        it: the page does not read as updated since, and a version it replaced stays out."""
        later = timezone.now() + datetime.timedelta(days=3)
        year = schedule(make_publishable_year("2023"), publishers[1], later)  # version 1: £100
        cancel = release_requests.ask(
            ReleaseAct.CANCEL,
            publishers[0],
            announcement=year.announcement,
            reason="Published with the annual report instead.",
        )
        release_requests.approve(cancel, publishers[1])
        year.refresh_from_db()
        year.figures.filter(measure=drugs).update(value=150)
        publishing.publish(year, publishers[0])  # version 2, public at once
        html = page(client, "/years/2023/")
        assert "£150" in html and "Last updated" not in html
        assert client.get("/years/2023/versions/1/").status_code == HTTPStatus.NOT_FOUND

    def test_who_had_early_access_is_published_with_the_release(self, client, drugs, publishers):
        moment = timezone.now() + datetime.timedelta(days=3)
        year = schedule(make_publishable_year("2023"), publishers[1], moment)
        pre_release.share(
            year, publishers[0], organisation="BBC Cumbria", role="Home affairs correspondent"
        )
        revoked = pre_release.share(year, publishers[0], organisation="Never Opened Ltd")
        PreviewLink.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
        with time_machine.travel(moment + datetime.timedelta(seconds=1)):
            html = page(client, "/years/2023/")
        assert "BBC Cumbria (Home affairs correspondent)" in html
        assert "24 hours before publication" in html
        assert "Never Opened Ltd" not in html  # revoked before its access began

    def test_opening_sooner_than_the_window_needs_a_reason(self, drugs, publishers, settings):
        settings.PRE_RELEASE_HOURS = 24
        year = schedule(
            make_publishable_year("2023"),
            publishers[1],
            timezone.now() + datetime.timedelta(days=5),
        )
        usual = pre_release.share(year, publishers[0], organisation="ITV Border")
        early = pre_release.share(
            year, publishers[0], organisation="Home Office", early_reason="Ministerial briefing."
        )
        assert not usual.is_open and early.is_open

    def test_a_withdrawn_year_keeps_no_working_preview(self, client, drugs, publishers):
        year = publishing.publish(make_publishable_year("2023"), publishers[1])
        link = PreviewLink.objects.create(
            year=year,
            organisation="Old link",
            expires_at=timezone.now() + datetime.timedelta(days=9),
        )
        asked = release_requests.ask(
            ReleaseAct.WITHDRAW, publishers[0], year=year, reason="A figure is checked."
        )
        release_requests.approve(asked, publishers[1])
        assert client.get(link.get_absolute_url()).status_code == HTTPStatus.GONE


class TestOnePersonPublishing:
    def test_the_release_and_about_page_say_what_the_settings_allow(
        self, client, drugs, publisher, settings
    ):
        year = make_publishable_year("2022")
        year._history_user = publisher
        year.save()
        publishing.publish(year, publisher)  # the only publisher: nobody else could check it
        assert "Approved for publication by one person" in page(client, "/years/2022/")
        assert "allow one person to publish" in page(client, "/about/")
        assert "Figures are checked by a second person" not in page(client, "/about/")
        make_user("petra", "Publishers")
        assert "Figures are checked by a second person" in page(client, "/about/")
        assert not ReleaseVersion.objects.get().second_person

    def test_a_second_person_is_said_when_there_was_one(self, client, drugs, publishers):
        publishing.publish(make_publishable_year("2022"), publishers[1])
        assert "Checked and approved for publication by a second person" in page(
            client, "/years/2022/"
        )


class TestNeverCompareUnlikeFigures:
    @pytest.fixture
    def series(self):
        cash = make_measure(name="Cash seized", slug="cash", unit=Unit.MONEY)
        for label, value, redefined in [
            ("2019", "900000", False),
            ("2020", "800000", False),
            ("2021", "300000", True),
            ("2022", "400000", False),
        ]:
            year = make_year(label)
            make_figure(
                year,
                cash,
                value,
                not_comparable=redefined,
                comparability_note="Now cash only, not accounts frozen." if redefined else "",
            )
            release(year)
        return cash

    def test_highest_and_lowest_stay_within_the_run_since_the_break(self, client, series):
        html = page(client, "/measures/cash/")
        assert "The way it is counted changed in 2021" in html
        assert "Highest since 2021: £400,000 in 2022." in html
        assert "£900,000 in 2019" not in html.split("Summary")[1].split("</section>")[0]

    def test_the_chart_breaks_and_scales_each_run_on_its_own(self, client, series):
        html = page(client, "/measures/cash/")
        assert html.count('class="chart__rows') == 2
        assert "Counted differently from 2021: Now cash only, not accounts frozen." in html

    def test_a_new_definition_asks_whether_earlier_figures_still_compare(
        self, django_app, client, series, publishers
    ):
        from stats.models import PendingMeasureChange
        from stats.rules import measure_changes

        draft = make_year("2023", state="draft", published_at=None)
        figure = make_figure(draft, series, "500000")
        measure_changes.hold(
            series, {"description": "Cash and crypto seized."}, publishers[0], "New definition."
        )
        with pytest.raises(PublishingError, match="say whether earlier years"):
            measure_changes.approve(series, publishers[1])
        measure_changes.approve(series, publishers[1], still_comparable=False)
        figure.refresh_from_db()
        assert figure.not_comparable and figure.comparability_note == "New definition."
        assert not PendingMeasureChange.objects.exists()
        # Every published year showing the measure has a new version with the note.
        assert Year.objects.get(label="2022").current_version.number == 2

    def test_two_changes_held_at_once_do_not_overwrite_each_other(self, series, publishers):
        from stats.models import PendingMeasureChange
        from stats.rules import measure_changes

        measure_changes.hold(series, {"name": "Cash"}, publishers[0], "Shorter.")
        with pytest.raises(PublishingError, match="already waiting"):
            measure_changes.hold(series, {"name": "Money"}, publishers[1], "Other.")
        assert PendingMeasureChange.objects.get().changes == {"name": "Cash"}


def test_demo_data_refuses_to_load_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="ENVIRONMENT=production"):
        call_command("load_demo")
    assert not Year.objects.exists()
