import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from stats.models import Figure, Measure, Year
from stats.models.enums import Qualifier, Unit, YearState
from stats.rules.releases import Release

from .factories import make_figure, make_measure, make_year, release

pytestmark = pytest.mark.django_db

LONDON = timezone.get_default_timezone()


def assert_refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


class TestDatabaseConstraints:
    """Rules the database enforces even if code forgets to validate."""

    def test_one_figure_per_measure_per_year(self):
        year, measure = make_year(), make_measure()
        make_figure(year, measure, "1")
        assert_refused_by_database(lambda: make_figure(year, measure, "2"))
        assert Figure.objects.get().value == Decimal("1")

    @pytest.mark.parametrize("unit", [Unit.MONEY, Unit.COUNT])
    def test_money_and_counts_are_never_negative(self, unit):
        measure = make_measure(unit=unit)
        assert_refused_by_database(lambda: make_figure(make_year(), measure, "-1"))

    def test_a_percentage_change_may_be_negative(self):
        measure = make_measure(unit=Unit.PERCENT_CHANGE)
        figure = make_figure(make_year(), measure, "-12.5", comparison="compared with 2021")
        figure.refresh_from_db()
        assert figure.value == Decimal("-12.5")

    def test_counts_are_whole(self):
        measure = make_measure(unit=Unit.COUNT)
        assert_refused_by_database(lambda: make_figure(make_year(), measure, "38.5"))

    def test_a_percentage_change_needs_its_comparison_period(self):
        measure = make_measure(unit=Unit.PERCENT_CHANGE)
        assert_refused_by_database(lambda: make_figure(make_year(), measure, "40"))

    def test_slugs_are_unique(self):
        make_year("2022")
        assert_refused_by_database(lambda: make_year("2022b", slug="2022"))
        make_measure(slug="drugs-seized")
        assert_refused_by_database(lambda: make_measure(slug="drugs-seized"))

    def test_a_period_cannot_end_before_it_starts(self):
        assert_refused_by_database(
            lambda: make_year(
                period_start=datetime.date(2022, 12, 31), period_end=datetime.date(2022, 1, 1)
            )
        )

    def test_a_measure_cannot_be_part_of_itself(self):
        measure = make_measure()
        measure.parent = measure
        assert_refused_by_database(measure.save)

    def test_values_are_stored_exactly(self):
        measure = make_measure(unit=Unit.MONEY)
        make_figure(make_year(), measure, "1534210.07")
        assert Figure.objects.get().value == Decimal("1534210.07")


class TestFigureValidation:
    """What a press officer is told when a value is wrong."""

    @pytest.mark.parametrize(
        ("unit", "value", "comparison", "field", "message"),
        [
            (Unit.MONEY, "-5", "", "value", "Money and counts cannot be negative."),
            (Unit.COUNT, "-1", "", "value", "Money and counts cannot be negative."),
            (Unit.COUNT, "38.5", "", "value", "A count must be a whole number."),
            (Unit.PERCENT_CHANGE, "40", "", "comparison", "Say what the change compares with"),
        ],
    )
    def test_bad_values_get_a_clear_message_on_their_field(
        self, unit, value, comparison, field, message
    ):
        figure = Figure(
            year=make_year(),
            measure=make_measure(unit=unit),
            value=Decimal(value),
            comparison=comparison,
        )
        with pytest.raises(ValidationError) as raised:
            figure.full_clean()
        assert message in " ".join(raised.value.message_dict[field])

    def test_a_good_figure_passes(self):
        figure = Figure(
            year=make_year(), measure=make_measure(unit=Unit.MONEY), value=Decimal("1500000")
        )
        figure.full_clean()
        assert figure.unit == Unit.MONEY

    def test_the_unit_is_recorded_from_the_measure(self):
        figure = make_figure(
            make_year(), make_measure(unit=Unit.MONEY), "4000000", qualifier=Qualifier.NEARLY
        )
        assert figure.unit == Unit.MONEY
        assert figure.display == "nearly £4m"


class TestMeasureValidation:
    def test_a_part_of_a_part_is_refused(self):
        drugs = make_measure(unit=Unit.MONEY)
        cannabis = make_measure(unit=Unit.MONEY, parent=drugs)
        with pytest.raises(ValidationError, match="cannot itself be part"):
            Measure(name="Skunk", slug="skunk", unit=Unit.MONEY, parent=cannabis).full_clean()

    def test_a_part_has_the_unit_of_its_total(self):
        drugs = make_measure(unit=Unit.MONEY)
        with pytest.raises(ValidationError, match="same unit"):
            Measure(name="Cannabis", slug="cannabis", unit=Unit.COUNT, parent=drugs).full_clean()


class TestPublication:
    def test_drafts_are_not_published(self):
        make_year("2021", state=YearState.DRAFT, published_at=None)
        assert list(Year.objects.published()) == []

    def test_publishing_without_a_time_publishes_now(self):
        year = make_year(published_at=None)
        assert year.published_at is not None
        assert not year.is_public  # published with no approved version shows nothing
        assert release(year).is_public

    def test_a_scheduled_year_appears_at_its_moment(self):
        moment = datetime.datetime(2023, 1, 9, 7, 0, tzinfo=LONDON)
        with time_machine.travel(moment - datetime.timedelta(days=1), tick=False):
            year = release(make_year(published_at=moment))
        with time_machine.travel(moment - datetime.timedelta(seconds=1), tick=False):
            assert list(Year.objects.published()) == []
            assert not year.is_public
        with time_machine.travel(moment, tick=False):
            assert list(Year.objects.published()) == [year]
            assert year.is_public

    def test_the_latest_published_year_is_the_most_recent_period(self):
        release(make_year("2021"))
        latest = release(make_year("2022"))
        make_year("2023", state=YearState.DRAFT, published_at=None)
        assert Year.objects.latest_published() == latest

    def test_last_updated_moves_with_a_new_version_not_with_any_save(self):
        moment = datetime.datetime(2023, 1, 9, 10, 0, tzinfo=LONDON)
        with time_machine.travel(moment, tick=False):
            year = release(make_year(published_at=moment))
        year.save()  # an edit with no new version tells the public nothing
        assert Release.of(year).last_updated == moment
        assert not Release.of(year).updated_since_publication
        with time_machine.travel(moment + datetime.timedelta(days=3), tick=False):
            release(year, note_text="Corrected a figure.")
        assert Release.of(year).updated_since_publication
        assert Release.of(year).last_updated.date() == datetime.date(2023, 1, 12)

    def test_a_correction_the_same_day_is_an_update_too(self):
        moment = datetime.datetime(2023, 1, 9, 10, 0, tzinfo=LONDON)
        with time_machine.travel(moment, tick=False):
            year = release(make_year(published_at=moment))
        with time_machine.travel(moment + datetime.timedelta(hours=2), tick=False):
            release(year, note_text="Corrected a figure within the hour.")
        assert Release.of(year).updated_since_publication
        assert Release.of(year).last_updated == moment + datetime.timedelta(hours=2)
