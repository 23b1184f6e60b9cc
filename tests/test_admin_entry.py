"""Entering and correcting a year in the admin: the grid, forgiving input, checks, corrections."""

from decimal import Decimal
from http import HTTPStatus

import pytest

from stats.enums import Qualifier, Unit, YearState
from stats.models import ChangeNote, Figure, Year

from . import admin_posts
from .factories import make_figure, make_measure, make_quote, make_user, make_year

pytestmark = pytest.mark.django_db

ADD = "/admin/stats/year/add/"


def change_url(year):
    return f"/admin/stats/year/{year.pk}/change/"


@pytest.fixture
def officer_client(client):
    client.force_login(make_user("olivia", "Press officers"))
    return client


@pytest.fixture
def measures():
    return {
        "drugs": make_measure(name="Drugs seized", slug="drugs", unit=Unit.MONEY, is_headline=True),
        "cannabis": make_measure(name="Cannabis", slug="cannabis", unit=Unit.MONEY),
        "arrests": make_measure(name="Arrests", slug="arrests", unit=Unit.COUNT),
        "change": make_measure(name="Cyber arrests", slug="change", unit=Unit.PERCENT_CHANGE),
    }


def test_adding_a_year_offers_every_active_measure_as_a_row(officer_client, measures):
    make_measure(name="Retired", is_active=False)
    response = officer_client.get(ADD)
    formset = next(
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.formset.prefix == "figures"
    )
    offered = [form.initial.get("measure") for form in formset.forms]
    assert offered == [m.pk for m in measures.values()]


def test_values_are_read_the_way_people_type_them(officer_client, measures):
    measures["cannabis"].parent = measures["drugs"]
    measures["cannabis"].save()
    figures = [
        {"measure": measures["drugs"].pk, "value": "£1.5m", "qualifier": Qualifier.NEARLY},
        {"measure": measures["cannabis"].pk, "value": "550,000"},
        {"measure": measures["arrests"].pk, "value": "38"},
        {"measure": measures["change"].pk, "value": "40%", "comparison": "compared with 2020"},
    ]
    response = officer_client.post(ADD, admin_posts.new_year(figures))
    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    stored = {f.measure.slug: f.value for f in Figure.objects.select_related("measure")}
    assert stored == {
        "drugs": Decimal("1500000"),
        "cannabis": Decimal("550000"),
        "arrests": Decimal("38"),
        "change": Decimal("40"),
    }
    assert Year.objects.get().state == YearState.DRAFT


@pytest.mark.parametrize(
    ("measure", "typed", "message"),
    [
        ("arrests", "38.5", "A count must be a whole number."),
        ("arrests", "-3", "Money and counts cannot be negative."),
        ("drugs", "£2bn", "outside what this measure can be"),
        ("drugs", "four million", "Enter a number"),
        ("arrests", "£38", "is not counted in £"),
        ("change", "40%", "Say what the change compares with"),
    ],
)
def test_a_bad_value_is_explained_and_nothing_is_lost_or_saved(
    officer_client, measures, measure, typed, message
):
    data = admin_posts.new_year(
        [{"measure": measures[measure].pk, "value": typed}], title="My unsaved title"
    )
    response = officer_client.post(ADD, data)
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert message in page
    assert 'value="My unsaved title"' in page
    assert f'value="{typed}"' in page
    assert not Year.objects.exists()


def test_parts_cannot_add_up_to_more_than_their_total(officer_client, measures):
    measures["cannabis"].parent = measures["drugs"]
    measures["cannabis"].save()
    figures = [
        {"measure": measures["drugs"].pk, "value": "1m"},
        {"measure": measures["cannabis"].pk, "value": "1.2m"},
    ]
    response = officer_client.post(ADD, admin_posts.new_year(figures))
    assert (
        "The parts of “Drugs seized” add up to £1.2m, more than its total of £1m."
        in response.content.decode()
    )
    assert not Year.objects.exists()


def test_a_value_ten_times_off_last_year_needs_confirming(officer_client, measures):
    make_figure(make_year("2022"), measures["drugs"], "10400000")
    slip = admin_posts.new_year([{"measure": measures["drugs"].pk, "value": "10.4"}])
    response = officer_client.post(ADD, slip)
    assert (
        "more than 10 times smaller than the last published figure (£10.4m for 2022)"
        in response.content.decode()
    )
    assert not Year.objects.filter(label="2023").exists()

    confirmed = admin_posts.new_year(
        [{"measure": measures["drugs"].pk, "value": "10.4", "confirm_unusual": "on"}]
    )
    assert officer_client.post(ADD, confirmed).status_code == HTTPStatus.FOUND
    assert Figure.objects.get(year__label="2023").value == Decimal("10.4")


class TestCorrections:
    @pytest.fixture
    def public_year(self, measures):
        year = make_year("2022")
        make_figure(year, measures["drugs"], "4000000")
        make_quote(year)
        return year

    def test_changing_a_public_figure_needs_a_change_note(self, officer_client, public_year):
        data = admin_posts.existing_year(public_year, figures={"drugs": {"value": "4.2m"}})
        response = officer_client.post(change_url(public_year), data)
        assert response.status_code == HTTPStatus.OK
        assert "say what you changed in the public change note" in response.content.decode()
        assert public_year.figures.get().value == Decimal("4000000")

    def test_with_a_note_the_correction_is_published_in_the_open(
        self, officer_client, public_year, client
    ):
        data = admin_posts.existing_year(
            public_year,
            figures={"drugs": {"value": "4.2m"}},
            change_note="Corrected the value of drugs seized.",
        )
        assert officer_client.post(change_url(public_year), data).status_code == HTTPStatus.FOUND
        assert public_year.figures.get().value == Decimal("4200000")
        assert ChangeNote.objects.get().text == "Corrected the value of drugs seized."
        page = client.get("/years/2022/").content.decode()
        assert "Updates to this page" in page and "Corrected the value of drugs seized." in page

    def test_changing_the_introduction_needs_a_note_too(self, officer_client, public_year):
        data = admin_posts.existing_year(public_year, introduction="New words.")
        response = officer_client.post(change_url(public_year), data)
        assert response.status_code == HTTPStatus.OK
        assert Year.objects.get().introduction != "New words."

    def test_a_draft_needs_no_note(self, officer_client, measures):
        year = make_year("2023", state=YearState.DRAFT, published_at=None)
        make_figure(year, measures["drugs"], "1")
        data = admin_posts.existing_year(year, figures={"drugs": {"value": "2"}})
        assert officer_client.post(change_url(year), data).status_code == HTTPStatus.FOUND
        assert not ChangeNote.objects.exists()


class TestTwoPeopleEditingAtOnce:
    def test_the_second_save_is_refused_and_says_what_changed(self, client, measures):
        year = make_year("2023", state=YearState.DRAFT, published_at=None)
        make_figure(year, measures["drugs"], "4000000")
        first = make_user("olivia", "Press officers", first_name="Olivia", last_name="Jones")
        second = make_user("sam", "Press officers")
        # Both open the page before either saves.
        olivia_form = admin_posts.existing_year(year, figures={"drugs": {"value": "4.5m"}})
        sam_form = admin_posts.existing_year(year, title="Sam's title")

        client.force_login(first)
        assert client.post(change_url(year), olivia_form).status_code == HTTPStatus.FOUND

        client.force_login(second)
        response = client.post(change_url(year), sam_form)
        assert response.status_code == HTTPStatus.OK
        page = response.content.decode()
        assert "Someone else saved this year while you were editing" in page
        assert (
            "Olivia Jones" in page
            and "Figure: Drugs seized changed (value: 4000000 → 4500000)" in page
        )
        assert "Sam&#x27;s title" in page  # Sam's input is still on the form
        year.refresh_from_db()
        assert year.title != "Sam's title" and year.figures.get().value == Decimal("4500000")

        # Having seen the changes, Sam saves again on purpose: the form now carries the new version.
        resubmit = {**sam_form, "version": response.context["adminform"].form.data["version"]}
        assert client.post(change_url(year), resubmit).status_code == HTTPStatus.FOUND
        assert Year.objects.get().title == "Sam's title"
