"""A measure's name, description and order are on every year that shows it: once the public
has seen it, a change waits for another publisher and comes with a public change note on each
of those years; its address and unit do not change (stats/rules/measure_changes.py)."""

import datetime
from http import HTTPStatus

import pytest
import time_machine
from django.utils import timezone

from stats.models import ChangeNote, Measure, PendingMeasureChange
from stats.models.enums import Unit

from .admin_pages import approve_form, fill
from .factories import make_publishable_year, schedule

pytestmark = pytest.mark.django_db


class TestMeasures:
    def test_a_press_officer_can_add_the_measure_a_new_release_needs(self, django_app, officer):
        form = django_app.get("/admin/stats/measure/add/", user=officer).forms["measure_form"]
        fill(form, name="Heroin seized", slug="heroin-seized", unit=Unit.MONEY)
        assert form.submit().status_code == HTTPStatus.FOUND
        assert Measure.objects.filter(slug="heroin-seized").exists()

    def test_but_cannot_change_one(self, client, officer, drugs):
        client.force_login(officer)
        response = client.post(f"/admin/stats/measure/{drugs.pk}/change/", {"name": "Drugs"})
        assert response.status_code == HTTPStatus.FORBIDDEN

    @pytest.mark.django_db(transaction=True)  # what happens on a real commit
    def test_a_new_name_for_a_public_measure_waits_for_another_publisher(
        self, django_app, client, drugs, public_year, publishers
    ):
        paul, petra = publishers
        url = f"/admin/stats/measure/{drugs.pk}/change/"
        form = fill(django_app.get(url, user=paul).forms["measure_form"], name="Drugs recovered")
        assert "the public will read it" in form.submit().text
        form = fill(
            django_app.get(url, user=paul).forms["measure_form"],
            name="Drugs recovered",
            change_note="Renamed to match the force's wording.",
        )
        assert form.submit().status_code == HTTPStatus.FOUND
        page = client.get("/years/2022/").text
        assert "Drugs seized" in page and "Drugs recovered" not in page
        approve_form(django_app.get(url, user=paul)).submit(user=paul)
        assert Measure.objects.get(pk=drugs.pk).name == "Drugs seized"  # not by its author
        approve_form(django_app.get(url, user=petra)).submit(user=petra)
        page = client.get("/years/2022/").text
        assert "Drugs recovered" in page and "Renamed to match the force&#39;s wording." in page

    def test_the_unit_of_a_measure_with_figures_cannot_change(
        self, django_app, drugs, public_year, publishers
    ):
        url = f"/admin/stats/measure/{drugs.pk}/change/"
        form = django_app.get(url, user=publishers[0]).forms["measure_form"]
        response = fill(form, unit=Unit.COUNT).submit()
        assert "this cannot change: add a new measure instead" in response.text
        assert Measure.objects.get(pk=drugs.pk).unit == Unit.MONEY

    def test_approving_what_was_reviewed(self, django_app, client, drugs, public_year, publishers):
        paul, petra = publishers
        url = f"/admin/stats/measure/{drugs.pk}/change/"

        def rename(name):
            form = django_app.get(url, user=paul).forms["measure_form"]
            fill(form, name=name, change_note=f"Renamed to {name}.").submit()

        rename("Drugs recovered")
        page = django_app.get(url, user=petra)  # she reads it
        discard = next(
            f
            for f in django_app.get(url, user=paul).forms.values()
            if "discard" in (f.action or "")
        )
        discard.submit()
        rename("Drugs taken")
        response = approve_form(page).submit().follow()
        assert "discarded and another one made since" in response.text
        assert Measure.objects.get(pk=drugs.pk).name == "Drugs seized"
        # Without saying which change, a direct POST approves nothing either.
        client.force_login(petra)
        client.post(url.replace("change", "approve"))
        assert Measure.objects.get(pk=drugs.pk).name == "Drugs seized"

    def test_the_history_page_cannot_revert_a_measure(self, client, officer, drugs, publishers):
        drugs.name = "Drugs recovered"
        drugs.save()  # an older version exists to "revert" to
        old = drugs.history.order_by("history_date").first()
        for user in (officer, publishers[0]):
            client.force_login(user)
            response = client.post(
                f"/admin/stats/measure/{drugs.pk}/history/{old.history_id}/",
                {"name": "Drugs seized", "slug": "renamed", "unit": Unit.MONEY},
            )
            assert response.status_code == HTTPStatus.FORBIDDEN
        assert Measure.objects.get(pk=drugs.pk).slug == "drugs"

    def test_a_public_measure_keeps_its_address_and_its_order_waits(
        self, django_app, client, drugs, public_year, publishers
    ):
        url = f"/admin/stats/measure/{drugs.pk}/change/"
        form = fill(django_app.get(url, user=publishers[0]).forms["measure_form"], slug="moved")
        assert "it cannot change" in form.submit().text
        form = fill(
            django_app.get(url, user=publishers[0]).forms["measure_form"],
            display_order="99",
            change_note="Reordered.",
        )
        assert form.submit().status_code == HTTPStatus.FOUND
        assert Measure.objects.get(pk=drugs.pk).display_order != 99  # held for approval

    def test_a_year_released_while_the_change_was_read_is_read_again_first(
        self, django_app, client, drugs, public_year, publishers
    ):
        """The page says, year by year, whether the note will be public or for the record: a
        year released while a publisher read it would make the note public and tell its
        subscribers, so the change is shown again instead of approved."""
        paul, petra = publishers
        moment = timezone.now() + datetime.timedelta(minutes=10)
        year = make_publishable_year("2023")
        year.figures.filter(measure=drugs).update(value=4100000)
        scheduled = schedule(year, paul, moment)
        url = f"/admin/stats/measure/{drugs.pk}/change/"
        form = fill(
            django_app.get(url, user=paul).forms["measure_form"],
            name="Drugs recovered",
            change_note="Renamed to match the force's wording.",
        )
        form.submit()
        page = django_app.get(url, user=petra)
        (years,) = page.html.select("#pending-years")
        assert "2022: public, under “Updates to this page”" in years.text
        assert "2023 (to be released " in years.text and "its record only" in years.text
        with time_machine.travel(moment + datetime.timedelta(minutes=1)):
            refused = approve_form(page).submit().follow()
            assert "released while you read this" in refused.text
            assert Measure.objects.get(pk=drugs.pk).name == "Drugs seized"
            assert PendingMeasureChange.objects.exists()
            (years,) = refused.html.select("#pending-years")
            assert "2023: public, under “Updates to this page”" in years.text
            client.force_login(petra)
            pending = PendingMeasureChange.objects.get().pk
            for released in ("", "x", str(public_year.pk)):  # direct POSTs, saying less
                response = client.post(
                    url.replace("change", "approve"), {"change": pending, "released": released}
                )
                assert response.status_code == HTTPStatus.FOUND
                assert Measure.objects.get(pk=drugs.pk).name == "Drugs seized"
            approve_form(refused).submit()
            assert Measure.objects.get(pk=drugs.pk).name == "Drugs recovered"
        notes = ChangeNote.objects.filter(text__startswith="Renamed")
        assert {note.year_id for note in notes if note.after_release} == {
            public_year.pk,
            scheduled.pk,
        }
