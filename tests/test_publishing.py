import datetime

import pytest
import time_machine
from django.utils import timezone

from stats.models import ChangeNote, ReleaseVersion, Year
from stats.models.enums import ReleaseAct, Unit, YearState
from stats.rules import publishing, release_requests
from stats.rules.approval import editors_since_approval
from stats.rules.checklist import checklist, problems_before_publishing
from stats.rules.figure_grid import figure_rows_for
from stats.rules.snapshot import fingerprint, snapshot

from .factories import (
    make_announcement,
    make_figure,
    make_measure,
    make_publishable_year,
    make_quote,
    make_user,
    make_year,
    release,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def headline_measures():
    return [
        make_measure(name="Drugs seized", unit=Unit.MONEY, is_headline=True),
        make_measure(name="Cyber crime arrests", unit=Unit.PERCENT_CHANGE, is_headline=True),
    ]


class TestChecksBeforePublishing:
    def test_a_complete_year_has_no_problems(self, headline_measures):
        assert problems_before_publishing(make_publishable_year()) == []

    def test_every_missing_thing_is_listed(self, headline_measures):
        year = make_year("2023", introduction="", state=YearState.DRAFT, published_at=None)
        drugs = headline_measures[0]
        make_figure(year, make_measure(name="Cannabis", unit=Unit.MONEY), "5.5")
        make_quote(year, speaker_name="Peter McCall", text="")
        year.figures.create(measure=make_measure(name="Arrests"), value=None)
        last_year = make_year("2022")
        make_figure(last_year, drugs, "4000000")
        release(last_year)
        problems = problems_before_publishing(year)
        assert problems == [
            "Write the introduction.",
            "Enter a value for “Arrests”, or tick “not reported this year”.",
            "Choose at least one headline figure.",
            f"“{drugs.name}” was reported in 2022: enter this year's figure or tick “not "
            "reported this year”.",
            "“Cannabis”: £5.50 has pence, which a release's figures rarely do. Correct it, or "
            "confirm it on the year's page.",
            "Add at least one quote.",
            "Add the words of the quote by Peter McCall, or remove it.",
        ]

    def test_a_measure_left_out_on_purpose_is_noted_not_refused(self, headline_measures):
        drugs, cyber = headline_measures
        last_year = make_year("2022")
        make_figure(last_year, drugs, "4000000")
        release(last_year)
        year = make_year("2023", state=YearState.DRAFT, published_at=None)
        make_figure(year, cyber, "40", comparison="compared with 2022")
        make_quote(year)
        make_figure(year, drugs, None, not_reported=True)
        assert checklist(year) == (
            [],
            [f"Not reported this year: “{drugs.name}”."],
        )

    def test_a_redefined_figure_is_noted(self, headline_measures):
        year = make_publishable_year()
        year.figures.filter(measure=headline_measures[0]).update(
            not_comparable=True, comparability_note="Now includes accounts frozen."
        )
        assert checklist(year)[1] == [
            "Not comparable with earlier years: “Drugs seized” (Now includes accounts frozen.)."
        ]

    def test_parts_adding_up_to_more_than_the_total(self, headline_measures):
        year = make_publishable_year()
        drugs = headline_measures[0]
        cannabis = make_measure(name="Cannabis", unit=Unit.MONEY, parent=drugs)
        make_figure(year, cannabis, "101")
        assert problems_before_publishing(year) == [
            f"The parts of “{drugs.name}” add up to £101, more than its total of £100."
        ]

    def test_an_inactive_headline_measure_is_not_required(self, headline_measures):
        year = make_publishable_year()
        make_measure(name="Retired measure", is_headline=True, is_active=False)
        assert problems_before_publishing(year) == []


class TestPublish:
    def test_publishing_now_freezes_version_1(self, headline_measures, publisher):
        year = publishing.publish(make_publishable_year(), publisher)
        assert year.is_public
        assert list(Year.objects.published()) == [year]
        version = ReleaseVersion.objects.get()
        assert (version.number, version.approved_by, year.current_version) == (
            1,
            publisher,
            version,
        )
        assert version.content == snapshot(year)

    def test_scheduled_for_the_time_the_calendar_confirmed(self, headline_measures, publisher):
        moment = timezone.now() + datetime.timedelta(days=30)
        year = make_publishable_year()
        make_announcement(year, at=moment)
        year = publishing.publish(year, publisher)
        assert year.is_scheduled and not year.is_public and year.published_at == moment
        assert not Year.objects.published().exists()
        with time_machine.travel(moment, tick=False):
            assert Year.objects.published().get() == year

    def test_a_provisional_month_or_a_past_time_publishes_now(self, headline_measures, publisher):
        year = make_publishable_year()
        make_announcement(year, month=timezone.localdate())
        assert publishing.publish(year, publisher).is_public

    def test_an_incomplete_year_is_refused_and_stays_a_draft(self, headline_measures, publisher):
        year = make_year("2023", state=YearState.DRAFT, published_at=None)
        with pytest.raises(publishing.PublishingError) as refused:
            publishing.publish(year, publisher)
        assert "Add at least one quote." in refused.value.problems
        year.refresh_from_db()
        assert year.state == YearState.DRAFT and not ReleaseVersion.objects.exists()

    def test_an_edit_after_the_publisher_looked_is_not_approved(
        self, headline_measures, publishers
    ):
        year = make_publishable_year()
        seen = fingerprint(snapshot(year))
        figure = year.figures.first()
        figure.value = 150
        figure._history_user = make_user("olivia", "Press officers")
        figure.save()
        with pytest.raises(publishing.PublishingError, match="changed since you opened"):
            publishing.publish(year, publishers[1], seen=seen)
        assert not Year.objects.published().exists()
        fresh = fingerprint(snapshot(year))
        assert publishing.publish(year, publishers[1], seen=fresh).is_public

    def test_a_published_year_is_not_published_again(self, headline_measures, publisher):
        year = publishing.publish(make_publishable_year(), publisher)
        with pytest.raises(publishing.PublishingError, match="already published"):
            publishing.publish(year, publisher, change_note="A note with no change behind it.")
        assert not ChangeNote.objects.exists() and ReleaseVersion.objects.count() == 1

    def test_publishing_again_after_a_withdrawal(self, headline_measures, publishers):
        paul, petra = publishers
        year = publishing.publish(make_publishable_year(), petra)
        asked = release_requests.ask(
            ReleaseAct.WITHDRAW, paul, year=year, reason="Withdrawn while cash is checked."
        )
        release_requests.approve(asked, petra)
        year = Year.objects.get()
        assert not year.is_public
        assert year.withdrawal_reason == "Withdrawn while cash is checked."
        with pytest.raises(publishing.PublishingError, match="public change note"):
            publishing.publish(year, petra)
        first_published = year.published_at
        publishing.publish(year, petra, change_note="Cash figure checked: unchanged.")
        year = Year.objects.get()
        assert year.is_public and year.published_at == first_published
        assert year.current_version.number == 2
        # The withdrawal stays in the public record after the year is published again.
        assert [n["text"] for n in year.current_version.content["change_notes"]] == [
            "Cash figure checked: unchanged.",
            "Withdrawn: Withdrawn while cash is checked.",
        ]
        assert year.withdrawn_at is None


class TestSecondPairOfEyes:
    def test_with_two_publishers_the_last_editor_cannot_publish(self, headline_measures, publisher):
        make_user("petra", "Publishers")
        year = make_publishable_year()
        year.introduction = "Edited by Paul."
        year._history_user = publisher
        year.save()
        with pytest.raises(publishing.PublishingError, match="another publisher"):
            publishing.publish(year, publisher)
        assert publishing.publish(year, make_user("quinn", "Publishers")).is_public

    def test_anyone_who_changed_it_since_approval_cannot_approve(
        self, headline_measures, publisher
    ):
        make_user("petra", "Publishers")
        year = make_publishable_year()
        figure = year.figures.first()
        figure.value = 200
        figure._history_user = publisher
        figure.save()
        # Someone else changing one character afterwards does not make Paul a second pair of eyes.
        year.title += "."
        year._history_user = make_user("olivia", "Press officers")
        year.save()
        with pytest.raises(publishing.PublishingError, match="another publisher"):
            publishing.publish(year, publisher)

    def test_marking_ready_is_not_an_edit(self, headline_measures, publisher):
        officer = make_user("olivia", "Press officers")
        year = make_publishable_year()
        year.introduction = "Written by Olivia."
        year._history_user = officer
        year.save()
        publishing.mark_ready(year, publisher)
        assert editors_since_approval(year) == {officer.pk}

    def test_an_approval_clears_the_slate(self, headline_measures, publisher):
        petra = make_user("petra", "Publishers")
        year = make_publishable_year()
        year._history_user = publisher
        year.save()
        publishing.publish(year, petra)
        assert editors_since_approval(Year.objects.get()) == set()

    def test_a_one_publisher_office_can_publish_its_own_work(self, headline_measures, publisher):
        year = make_publishable_year()
        year._history_user = publisher
        year.save()
        assert publishing.publish(year, publisher).is_public

    def test_the_rule_can_be_turned_off(self, headline_measures, publisher, settings):
        settings.PUBLISH_NEEDS_SECOND_PERSON = False
        make_user("petra", "Publishers")
        year = make_publishable_year()
        year._history_user = publisher
        year.save()
        assert publishing.publish(year, publisher).is_public


class TestStartFromLastYear:
    def test_same_speakers_and_the_grid_offers_last_years_measures(
        self, headline_measures, publisher
    ):
        drugs, cyber = headline_measures
        previous = make_year("2022", title="Operation Alliance results 2022")
        make_figure(previous, drugs, "4000000", is_headline=False)
        make_figure(previous, cyber, "40", comparison="compared with 2021")
        make_quote(previous)
        release(previous)
        year = publishing.start_from(previous, publisher)
        assert (year.label, year.slug, year.title) == (
            "2023",
            "2023",
            "Operation Alliance results 2023",
        )
        assert (year.period_start, year.period_end) == (
            datetime.date(2023, 1, 1),
            datetime.date(2023, 12, 31),
        )
        assert year.state == YearState.DRAFT and not year.figures.exists()
        offered = {measure: initial for measure, initial in figure_rows_for(year)}
        # Last year's choices are offered again: Drugs seized was not a headline in 2022.
        assert offered[drugs]["is_headline"] is False
        assert offered[cyber]["is_headline"] is True
        assert offered[cyber]["comparison"] == "compared with 2022"
        quote = year.quotes.get()
        assert (quote.speaker_name, quote.speaker_role, quote.text) == (
            "Ian Hussey",
            "Detective Superintendent",
            "",
        )

    def test_a_financial_year(self, publisher):
        previous = make_year(
            "2022/23", period_start=datetime.date(2022, 4, 1), period_end=datetime.date(2023, 3, 31)
        )
        year = publishing.start_from(previous, publisher)
        assert (year.label, year.slug) == ("2023/24", "2023-24")
        assert year.period_end == datetime.date(2024, 3, 31)

    def test_refused_when_the_next_year_exists(self, publisher):
        previous = make_year("2022")
        make_year("2023")
        with pytest.raises(publishing.PublishingError, match="already exists"):
            publishing.start_from(previous, publisher)


def test_only_a_draft_can_be_marked_ready(publisher):
    year = make_year("2023", state=YearState.DRAFT, published_at=None)
    publishing.mark_ready(year, publisher)
    assert Year.objects.get().state == YearState.READY
    with pytest.raises(publishing.PublishingError):
        publishing.mark_ready(year, publisher)
