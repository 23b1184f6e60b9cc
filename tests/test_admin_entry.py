"""Entering a year in the admin: the grid, forgiving input, slips caught, values shown back.

Every test fills in the form the rendered page holds (django-webtest), as a browser would.
"""

from decimal import Decimal
from http import HTTPStatus

import pytest

from stats.models import Figure, Year
from stats.models.enums import Qualifier, Unit, YearState

from .admin_pages import figure_row, fill, fill_figure, year_form
from .factories import (
    make_drugs,
    make_figure,
    make_measure,
    make_quote,
    make_user,
    make_year,
    release,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def measures():
    drugs = make_drugs()
    return {
        "drugs": drugs,
        "cannabis": make_measure(name="Cannabis", slug="cannabis", unit=Unit.MONEY, parent=drugs),
        "arrests": make_measure(name="Arrests", slug="arrests", unit=Unit.COUNT),
        "change": make_measure(name="Cyber arrests", slug="change", unit=Unit.PERCENT_CHANGE),
    }


def new_year(app, user, **fields):
    typed = {
        "label": "2023",
        "title": "Operation Alliance results 2023",
        "introduction": "What the operation achieved.",
        "period_start": "01/01/2023",
        "period_end": "31/12/2023",
        **fields,
    }
    return fill(year_form(app, user), **typed)


def test_the_grid_has_a_row_per_measure_in_use_totals_before_their_parts(
    django_app, officer, measures
):
    make_measure(name="Retired", is_active=False)
    page = django_app.get("/admin/stats/year/add/", user=officer)
    rows = [row.get("id") for row in page.html.select("tbody.figure-row")]
    assert rows == ["figure-drugs", "figure-cannabis", "figure-arrests", "figure-change"]
    # Each input is named after its measure, for people who cannot see the grid.
    labels = [label.get_text(strip=True) for label in page.html.select("#figure-drugs label")]
    assert "Value for Drugs seized" in labels and "Qualifier for Drugs seized" in labels


def test_values_are_read_the_way_people_type_them_and_shown_back_the_same_way(
    django_app, officer, measures
):
    form = new_year(django_app, officer)
    fill_figure(form, measures["drugs"], value="£11.2m", qualifier=Qualifier.NEARLY)
    fill_figure(form, measures["cannabis"], value="550,000")
    fill_figure(form, measures["arrests"], value="38")
    fill_figure(form, measures["change"], value="40%", comparison="compared with 2020")
    response = form.submit()
    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    stored = {f.measure.slug: f.value for f in Figure.objects.select_related("measure")}
    assert stored == {
        "drugs": Decimal("11200000"),
        "cannabis": Decimal("550000"),
        "arrests": Decimal("38"),
        "change": Decimal("40"),
    }
    assert Year.objects.get().state == YearState.DRAFT

    again = year_form(django_app, officer, Year.objects.get())
    shown = {m: again[f"{figure_row(again, measures[m])}-value"].value for m in measures}
    assert shown == {"drugs": "£11.2m", "cannabis": "£550,000", "arrests": "38", "change": "40%"}


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
    django_app, officer, measures, measure, typed, message
):
    form = new_year(django_app, officer, title="My unsaved title")
    fill_figure(form, measures[measure], value=typed)
    response = form.submit()
    assert response.status_code == HTTPStatus.OK
    page = response.text
    assert message in page
    assert 'value="My unsaved title"' in page
    assert f'value="{typed}"' in page
    assert not Year.objects.exists()


def test_parts_cannot_add_up_to_more_than_their_total(django_app, officer, measures):
    form = new_year(django_app, officer)
    fill_figure(form, measures["drugs"], value="1m")
    fill_figure(form, measures["cannabis"], value="1.2m")
    response = form.submit()
    assert "The parts of “Drugs seized” add up to £1.2m, more than its total of £1m." in (
        response.text
    )
    assert not Year.objects.exists()


class TestSlips:
    def test_a_total_typed_in_millions_is_asked_as_a_slip_before_any_sum(
        self, django_app, officer, measures
    ):
        cocaine = make_measure(
            name="Cocaine", slug="cocaine", unit=Unit.MONEY, parent=measures["drugs"]
        )
        form = new_year(django_app, officer)
        fill_figure(form, measures["drugs"], value="14")  # meaning £14m
        fill_figure(form, measures["cannabis"], value="£10.4m")
        fill_figure(form, cocaine, value="£3.6m")
        response = form.submit()
        total = response.html.select_one("#figure-drugs").get_text(" ", strip=True)
        assert "did you mean £14m?" in total  # beside the total it is about
        assert "add up to" not in response.text  # the sum waits for the slip's answer
        # Corrected as it suggests, nothing is left to complain about.
        form = response.forms["year_form"]
        fill_figure(form, measures["drugs"], value="14m")
        assert form.submit().status_code == HTTPStatus.FOUND

    def test_a_confirmed_slip_and_a_sum_that_is_still_wrong_are_both_shown(
        self, django_app, officer, measures
    ):
        form = new_year(django_app, officer)
        fill_figure(form, measures["drugs"], value="14")
        fill_figure(form, measures["cannabis"], value="£10.4m")
        response = form.submit()
        form = response.forms["year_form"]
        form[f"{figure_row(form, measures['drugs'])}-confirm_unusual"] = True
        response = form.submit()  # "14" confirmed as right: then its parts are more than it
        assert "The parts of “Drugs seized” add up to £10.4m, more than its total of £14." in (
            response.text
        )
        assert not Year.objects.exists()

    def test_a_value_ten_times_off_last_year_needs_confirming(self, django_app, officer, measures):
        last_year = make_year("2022")
        make_figure(last_year, measures["drugs"], "10400000")
        release(last_year)
        form = new_year(django_app, officer)
        fill_figure(form, measures["drugs"], value="10.4")
        response = form.submit()
        assert (
            "£10.40 is more than 10 times smaller than the last published figure "
            "(£10.4m for 2022): did you mean £10.4m?"
        ) in response.text
        assert not Year.objects.filter(label="2023").exists()

        # The box to confirm it sits with the question, under the value.
        form = response.forms["year_form"]
        row = figure_row(form, measures["drugs"])
        question = response.html.select_one("#figure-drugs .figure-row__question")
        assert question.select_one(f"input[name='{row}-confirm_unusual']") is not None
        form[f"{row}-confirm_unusual"] = True
        assert form.submit().status_code == HTTPStatus.FOUND
        figure = Figure.objects.get(year__label="2023")
        assert figure.value == Decimal("10.4") and figure.confirmed_value == Decimal("10.4")

    def test_a_new_part_typed_in_pounds_for_millions_is_caught_without_history(
        self, django_app, officer, measures
    ):
        form = new_year(django_app, officer)
        fill_figure(form, measures["drugs"], value="£12m")
        fill_figure(form, measures["cannabis"], value="£10.4")
        response = form.submit()
        assert (
            "£10.40 is less than 0.01% of Drugs seized (£12m): did you mean £10.4m?"
            in response.text
        )
        assert not Year.objects.exists()
        form = response.forms["year_form"]
        fill_figure(form, measures["cannabis"], value="10.4m")
        assert form.submit().status_code == HTTPStatus.FOUND

    def test_a_confirmed_value_is_not_questioned_again(self, django_app, officer, measures):
        year = make_year("2023", state=YearState.DRAFT, published_at=None)
        make_figure(year, measures["drugs"], "12000000")
        make_figure(year, measures["cannabis"], "10.4", confirmed_value=Decimal("10.4"))
        form = year_form(django_app, officer, year)
        fill(form, title="A new title")
        assert form.submit().status_code == HTTPStatus.FOUND


class TestTheYearsShape:
    def test_emptying_a_row_removes_its_figure_and_it_stays_removed(
        self, django_app, officer, measures
    ):
        year = make_year("2023", state=YearState.DRAFT, published_at=None)
        make_figure(year, measures["drugs"], "4000000")
        make_figure(year, measures["arrests"], "38")
        form = year_form(django_app, officer, year)
        fill_figure(form, measures["arrests"], value="")
        assert form.submit().status_code == HTTPStatus.FOUND
        assert list(year.figures.values_list("measure__slug", flat=True)) == ["drugs"]
        # Saving again leaves it removed: the empty row is no figure.
        assert year_form(django_app, officer, year).submit().status_code == HTTPStatus.FOUND
        assert year.figures.count() == 1

    def test_a_measure_can_be_marked_not_reported_this_year(self, django_app, officer, measures):
        year = make_year("2023", state=YearState.DRAFT, published_at=None)
        form = year_form(django_app, officer, year)
        fill_figure(form, measures["arrests"], not_reported=True)
        assert form.submit().status_code == HTTPStatus.FOUND
        figure = year.figures.get()
        assert figure.not_reported and figure.value is None

    def test_headline_is_chosen_per_year(self, django_app, officer, measures):
        year = make_year("2023", state=YearState.DRAFT, published_at=None)
        form = year_form(django_app, officer, year)
        row = figure_row(form, measures["drugs"])
        assert form[f"{row}-is_headline"].checked  # the measure's usual choice, offered
        fill_figure(form, measures["drugs"], value="4m", is_headline=False)
        fill_figure(form, measures["arrests"], value="38", is_headline=True)
        assert form.submit().status_code == HTTPStatus.FOUND
        headline = dict(year.figures.values_list("measure__slug", "is_headline"))
        assert headline == {"drugs": False, "arrests": True}

    def test_not_comparable_needs_a_public_reason(self, django_app, officer, measures):
        form = new_year(django_app, officer)
        fill_figure(form, measures["drugs"], value="4m", not_comparable=True)
        response = form.submit()
        assert "Say in a few words why it cannot be compared" in response.text
        form = response.forms["year_form"]
        fill_figure(form, measures["drugs"], comparability_note="Now includes accounts frozen.")
        assert form.submit().status_code == HTTPStatus.FOUND
        assert Figure.objects.get().comparability_note == "Now includes accounts frozen."


class TestTwoPeopleEditingAtOnce:
    def test_the_second_save_is_refused_and_says_what_changed(self, django_app, measures):
        year = make_year("2023", state=YearState.DRAFT, published_at=None)
        make_figure(year, measures["drugs"], "4000000")
        make_quote(year)
        olivia = make_user("olivia", "Press officers", first_name="Olivia", last_name="Jones")
        sam = make_user("sam", "Press officers")
        # Both open the page before either saves.
        olivia_form = fill_figure(
            year_form(django_app, olivia, year), measures["drugs"], value="4.5m"
        )
        sam_form = fill(year_form(django_app, sam, year), title="Sam's title")

        assert olivia_form.submit(user=olivia).status_code == HTTPStatus.FOUND
        response = sam_form.submit(user=sam)
        assert response.status_code == HTTPStatus.OK
        page = response.text
        assert "Someone else saved this year while you were editing" in page
        assert "Olivia Jones" in page
        assert "Figure: Drugs seized changed (value: 4000000 → 4500000)" in page
        assert "Sam&#x27;s title" in page  # Sam's input is still on the form
        year.refresh_from_db()
        assert year.title != "Sam's title" and year.figures.get().value == Decimal("4500000")

        # Having seen the changes, Sam saves again on purpose: the form carries the new version.
        assert response.forms["year_form"].submit(user=sam).status_code == HTTPStatus.FOUND
        assert Year.objects.get().title == "Sam's title"
