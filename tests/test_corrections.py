"""Every path to a public page keeps the rules: a change to an approved year waits for another
publisher, needs a public change note, and leaves the year complete; the public record of
changes is append-only; nobody deletes what the public has seen or is about to."""

import datetime
import io
from decimal import Decimal
from http import HTTPStatus

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from PIL import Image

from stats.models import ChangeNote, PendingCorrection, Year
from stats.models.change_note import AppendOnlyError
from stats.models.enums import YearState
from stats.rules import corrections, publishing

from .admin_pages import approve_form, change_url, fill, fill_figure, quote_rows, year_form
from .factories import make_publishable_year, make_user, schedule

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def public_page(client, slug="2022"):
    return client.get(f"/years/{slug}/").content.decode()


class TestAPressOfficersCorrection:
    @pytest.mark.django_db(transaction=True)  # what happens on a real commit
    def test_waits_for_approval_and_the_public_sees_the_approved_year(
        self, django_app, client, officer, drugs, public_year, publishers
    ):
        form = fill_figure(year_form(django_app, officer, public_year), drugs, value="4.2m")
        response = fill(form, change_note="Corrected drugs seized.").submit().follow()
        assert "waiting for a publisher" in response.text
        assert "Figure “Drugs seized”: £4m; headline → £4.2m; headline" in response.text
        assert "£4m" in public_page(client) and "£4.2m" not in public_page(client)
        assert "4200000" not in client.get("/years/2022/data.csv").content.decode()

        corrections.approve(public_year, publishers[0])
        assert "£4.2m" in public_page(client)
        assert "Corrected drugs seized." in public_page(client)
        assert not PendingCorrection.objects.exists()

    def test_needs_a_public_change_note(self, django_app, officer, drugs, public_year):
        form = fill_figure(year_form(django_app, officer, public_year), drugs, value="4.2m")
        response = form.submit()
        assert "say what you changed in the public change note" in response.text
        assert not PendingCorrection.objects.exists()

    def test_a_direct_post_cannot_approve(self, django_app, client, officer, drugs, public_year):
        form = fill_figure(year_form(django_app, officer, public_year), drugs, value="4.2m")
        fill(form, change_note="Corrected.").submit()
        client.force_login(officer)
        response = client.post(
            f"/admin/stats/year/{public_year.pk}/approve/", {"change_note": "Approved."}
        )
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert PendingCorrection.objects.exists() and "£4.2m" not in public_page(client)

    def test_another_change_waits_until_this_one_is_approved_or_discarded(
        self, django_app, officer, drugs, public_year
    ):
        form = fill_figure(year_form(django_app, officer, public_year), drugs, value="4.2m")
        fill(form, change_note="Corrected.").submit()
        again = fill(year_form(django_app, officer, public_year), title="Another title")
        assert "waiting for a publisher" in again.submit().text
        corrections.discard(public_year)
        assert fill(year_form(django_app, officer, public_year), title="Another title").submit()

    @pytest.mark.django_db(transaction=True)  # what happens on a real commit
    def test_a_discarded_correction_takes_its_new_photo_with_it(
        self, django_app, officer, public_year, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        photo = io.BytesIO()
        Image.new("RGB", (64, 48), "navy").save(photo, "JPEG")
        form = year_form(django_app, officer, public_year)
        form["photo"] = ("raid.jpg", photo.getvalue())
        fill(form, photo_alt="Officers at a door", change_note="A photo.").submit()
        held = PendingCorrection.objects.get().after["year"]["photo"]
        assert (tmp_path / held).exists()  # written when the change was held
        corrections.discard(public_year)
        assert not (tmp_path / held).exists()
        assert not Year.objects.get(pk=public_year.pk).photo


class TestApprovingWhatWasReviewed:
    """A publisher approves the change they read: if it was discarded and another made while
    they read it, their approval publishes nothing (a measure's: test_measure_changes.py)."""

    def test_a_year(self, django_app, client, officer, drugs, public_year, publishers):
        fill(
            fill_figure(year_form(django_app, officer, public_year), drugs, value="4.2m"),
            change_note="Corrected.",
        ).submit()
        page = django_app.get(f"/admin/stats/year/{public_year.pk}/approve/", user=publishers[0])
        corrections.discard(public_year)
        fill(
            fill_figure(year_form(django_app, officer, public_year), drugs, value="9m"),
            change_note="Another correction.",
        ).submit()
        response = approve_form(page).submit(user=publishers[0])
        assert "discarded and another one made since" in response.text
        assert "→ £9m" in response.text  # and here it is, to read
        assert "£4m" in public_page(client) and PendingCorrection.objects.exists()
        approve_form(response).submit(user=publishers[0])  # read, it can be approved from here
        assert not PendingCorrection.objects.exists()
        assert Decimal(Year.objects.get().current_version.content["figures"][0]["value"]) == 9000000


class TestSecondPairOfEyes:
    def test_a_publisher_cannot_approve_their_own_correction(
        self, django_app, drugs, public_year, publishers
    ):
        paul, petra = publishers
        form = fill_figure(year_form(django_app, paul, public_year), drugs, value="4.2m")
        fill(form, change_note="Corrected.").submit()
        with pytest.raises(publishing.PublishingError, match="another publisher"):
            corrections.approve(public_year, paul)
        corrections.approve(public_year, petra)

    def test_an_edit_to_a_scheduled_year_waits_and_the_approved_version_goes_out(
        self, django_app, client, officer, drugs, publishers
    ):
        moment = timezone.now() + datetime.timedelta(days=1)
        year = make_publishable_year("2023")
        schedule(year, publishers[0], moment)
        form = fill(year_form(django_app, officer, year), title="Edited after scheduling")
        assert form.submit().status_code == HTTPStatus.FOUND
        assert PendingCorrection.objects.filter(year=year).exists()
        with time_machine.travel(moment + datetime.timedelta(minutes=1), tick=False):
            page = public_page(client, "2023")
        assert "Results 2023" in page and "Edited after scheduling" not in page

    def test_a_change_to_a_scheduled_year_keeps_its_note_for_the_record_only(
        self, django_app, officer, drugs, publishers
    ):
        year = schedule(make_publishable_year("2023"), publishers[1], timezone.now() + HOUR)
        fill_figure(year_form(django_app, officer, year), drugs, value="150").submit()
        page = django_app.get(f"/admin/stats/year/{year.pk}/approve/", user=publishers[0])
        assert "the note goes in its record for the press office only" in page.text
        refused = approve_form(page).submit(user=publishers[0])
        assert "before the release, the public is not shown it" in refused.text
        fill(approve_form(refused), addition="Drugs figure put right before the release.").submit(
            user=publishers[0]
        )
        notes = django_app.get("/admin/stats/changenote/", user=publishers[0])
        (row,) = notes.html.select("#result_list tbody tr")
        assert "put right before the release" in row.text
        assert public_column(notes) == ["record only"]
        on_year = django_app.get(change_url(year), user=publishers[0])
        assert public_column(on_year) == ["record only"]

    def test_a_year_released_while_its_correction_was_read_is_read_again_first(
        self, django_app, officer, drugs, publishers
    ):
        """Read before the release, the page said the note was for the record only: approved
        after it, the note would be public and sent to subscribers, so it is shown again."""
        moment = timezone.now() + datetime.timedelta(minutes=10)  # within a staff session
        year = schedule(make_publishable_year("2023"), publishers[1], moment)
        fill_figure(year_form(django_app, officer, year), drugs, value="150").submit()
        page = django_app.get(f"/admin/stats/year/{year.pk}/approve/", user=publishers[0])
        form = fill(approve_form(page), addition="Drugs figure put right.")
        with time_machine.travel(moment + datetime.timedelta(minutes=1)):
            refused = form.submit(user=publishers[0])
            assert "released while you read this" in refused.text
            assert "press office only" not in refused.text and PendingCorrection.objects.exists()
            assert "The note is public, under “Updates to this page”" in refused.text
            approve_form(refused).submit(user=publishers[0])
            assert not PendingCorrection.objects.exists()
            notes = django_app.get("/admin/stats/changenote/", user=publishers[0])
            assert public_column(notes) == ["on the page"]


class TestTheYearStaysComplete:
    def test_a_correction_that_empties_the_introduction_cannot_be_approved(
        self, django_app, client, officer, public_year, publishers
    ):
        form = fill(year_form(django_app, officer, public_year), introduction="")
        fill(form, change_note="Shorter.").submit()
        with pytest.raises(publishing.PublishingError, match="Write the introduction"):
            corrections.approve(public_year, publishers[0])
        assert "What the operation achieved" in public_page(client)

    def test_removing_every_quote_cannot_be_approved(
        self, django_app, officer, public_year, publishers
    ):
        form = year_form(django_app, officer, public_year)
        for row in quote_rows(form):
            if form[f"{row}-id"].value:
                form[f"{row}-DELETE"] = True
        fill(form, change_note="No quotes.").submit()
        with pytest.raises(publishing.PublishingError, match="Add at least one quote"):
            corrections.approve(public_year, publishers[0])
        assert public_year.quotes.count() == 1

    def test_photo_caption_and_credit_are_public_content(
        self, django_app, client, officer, public_year, publishers
    ):
        form = year_form(django_app, officer, public_year)
        fill(form, photo_caption="A new caption", photo_credit="Someone else")
        response = fill(form, change_note="New caption.").submit().follow()
        assert "Photo caption: (empty) → A new caption" in response.text
        corrections.approve(public_year, publishers[0])
        assert Year.objects.get(pk=public_year.pk).photo_caption == "A new caption"


class TestDeleting:
    def test_a_press_officer_cannot_delete_a_scheduled_year(
        self, client, officer, drugs, publishers
    ):
        year = schedule(
            make_publishable_year("2023"),
            publishers[0],
            timezone.now() + datetime.timedelta(days=1),
        )
        client.force_login(officer)
        response = client.post(f"/admin/stats/year/{year.pk}/delete/", {"post": "yes"})
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert Year.objects.filter(pk=year.pk).exists()

    def test_a_quote_of_an_approved_year_cannot_be_deleted_on_its_own(
        self, client, officer, public_year
    ):
        quote = public_year.quotes.get()
        client.force_login(officer)
        response = client.post(f"/admin/stats/quote/{quote.pk}/delete/", {"post": "yes"})
        assert response.status_code == HTTPStatus.FORBIDDEN
        client.post(
            "/admin/stats/quote/",
            {"action": "delete_selected", "_selected_action": [quote.pk], "post": "yes"},
        )
        assert public_year.quotes.exists()

    def test_there_is_no_bulk_delete(self, client, officer, public_year):
        client.force_login(officer)
        client.post(
            "/admin/stats/year/",
            {"action": "delete_selected", "_selected_action": [public_year.pk], "post": "yes"},
        )
        assert Year.objects.filter(pk=public_year.pk).exists()


class TestChangeNotesAreAppendOnly:
    @pytest.fixture
    def note(self, public_year):
        return ChangeNote.objects.create(year=public_year, text="Corrected the cash figure.")

    def test_the_model_refuses_to_rewrite_or_delete(self, note):
        note.text = "Something else"
        with pytest.raises(AppendOnlyError):
            note.save()
        with pytest.raises(AppendOnlyError):
            note.delete()

    def test_the_database_refuses_too(self, note):
        for statement in (
            "UPDATE stats_changenote SET text = 'rewritten', made_at = now() - interval '1 year'",
            "DELETE FROM stats_changenote",
        ):
            with pytest.raises(DatabaseError), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(statement)
        with pytest.raises(DatabaseError), transaction.atomic():
            ChangeNote.objects.filter(pk=note.pk).update(text="rewritten")
        assert ChangeNote.objects.get().text == "Corrected the cash figure."

    def test_the_admin_offers_no_way_to_edit_one(self, client, officer, note, public_year):
        client.force_login(officer)
        response = client.post(
            f"/admin/stats/changenote/{note.pk}/change/",
            {"text": "rewritten", "made_at_0": "01/01/2020", "made_at_1": "10:00:00"},
        )
        assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.FOUND)
        page = client.get(change_url(public_year)).content.decode()
        assert 'name="change_notes-0-text"' not in page
        assert ChangeNote.objects.get().text == "Corrected the cash figure."


class TestWithdrawn:
    def test_the_address_says_when_and_why(self, client, public_year, publishers):
        publishing.withdraw(public_year, publishers[0], "A figure is being checked.")
        response = client.get("/years/2022/")
        assert response.status_code == HTTPStatus.GONE
        page = response.content.decode()
        assert "This page was withdrawn on" in page and "A figure is being checked." in page
        assert client.get("/years/2022/data.csv").status_code == HTTPStatus.NOT_FOUND
        assert Year.objects.get().state == YearState.DRAFT

    def test_staff_are_told_its_notes_are_off_the_page_until_it_is_published_again(
        self, django_app, public_year, publishers
    ):
        publishing.withdraw(public_year, publishers[0], "A figure is being checked.")
        notes = django_app.get("/admin/stats/changenote/", user=publishers[0])
        assert public_column(notes) == ["when published again"]
        on_year = django_app.get(change_url(public_year), user=publishers[0])
        assert public_column(on_year) == ["when published again"]


def public_column(page):
    return [cell.text.strip() for cell in page.html.select("td.field-on_the_page")]


class TestSideDoorsFoundInReview:
    def test_a_draft_cannot_take_a_public_years_old_address(self, django_app, officer, drugs):
        year = make_publishable_year("2022")
        publishing.publish(year, make_user("paul", "Publishers"))
        year.refresh_from_db()
        year.slug = "2022-results"
        year.save()  # /years/2022/ now leads to /years/2022-results/
        form = year_form(django_app, officer)
        fill(form, label="2022 (revised)", slug="2022", title="T", introduction="I.")
        fill(form, period_start="01/01/2022", period_end="31/12/2022")
        assert "still leads there" in form.submit().text
        assert django_app.get("/years/2022/").status_code == HTTPStatus.MOVED_PERMANENTLY

    def test_a_withdrawn_notice_shows_the_title_the_public_saw(
        self, django_app, client, officer, public_year, publishers
    ):
        title = public_year.title
        publishing.withdraw(public_year, publishers[0], "A figure is being checked.")
        fill(year_form(django_app, officer, public_year), title="Draft title").submit()
        page = client.get("/years/2022/").content.decode()
        assert title in page and "Draft title" not in page

    def test_an_unscheduled_year_was_never_public(self, drugs, publishers):
        moment = timezone.now() + datetime.timedelta(hours=1)
        year = schedule(make_publishable_year("2023"), publishers[0], moment)
        publishing.unschedule(year, publishers[0])
        year.refresh_from_db()
        assert year.published_at is None
        with time_machine.travel(moment + datetime.timedelta(days=1)):
            assert not Year.objects.get(pk=year.pk).has_been_public

    def test_the_staff_preview_asks_for_the_second_factor_too(
        self, client, officer, public_year, settings
    ):
        settings.OTP_REQUIRED = True
        client.force_login(officer)  # a password, no code
        response = client.get(f"/staff-preview/{public_year.pk}/")
        assert response.status_code == HTTPStatus.FOUND and "login" in response["Location"]

    def test_confirming_an_unusual_value_is_a_change_to_hold_not_nothing(self, drugs, public_year):
        before = corrections.content(public_year)
        public_year.figures.filter(measure=drugs).update(confirmed_value=Decimal("4000000"))
        after = corrections.content(public_year)
        assert corrections.differences(before, after) == [
            "Figure “Drugs seized”: £4m; headline confirmed as right"
        ]
