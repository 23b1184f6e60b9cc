"""A release as a record: what a version freezes of the rows, and the page objects every public
output reads from it."""

import datetime

import pytest
from django.db import IntegrityError, ProgrammingError, transaction

from stats.models import ReleaseVersion
from stats.models.enums import Qualifier, Unit
from stats.models.release_version import FrozenError
from stats.rules.releases import Release
from stats.rules.snapshot import snapshot

from .factories import make_figure, make_measure, make_quote, make_year, release

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    drugs = make_measure(
        name="Drugs", slug="drugs", unit=Unit.MONEY, is_headline=True, display_order=1
    )
    cannabis = make_measure(
        name="Cannabis", slug="cannabis", unit=Unit.MONEY, parent=drugs, display_order=2
    )
    arrests = make_measure(name="Arrests", slug="arrests", display_order=3)
    change = make_measure(
        name="Cyber arrests", slug="cyber", unit=Unit.PERCENT_CHANGE, display_order=4
    )
    before = make_year("2021")
    make_figure(before, drugs, "3000000")
    release(before)
    year = make_year("2022")
    make_figure(year, drugs, "4000000", note="Street value.")
    make_figure(year, cannabis, "1000000", note="Street value.")
    make_figure(year, arrests, "38")
    make_figure(
        year,
        change,
        "40",
        comparison="compared with 2020",
        not_comparable=True,
        comparability_note="Counted by charge since 2022.",
    )
    make_quote(year, text="First paragraph.\n\nSecond paragraph.")
    make_quote(year, speaker_name="Copied speaker", text="")
    return release(year)


def test_headlines_others_and_parts(year):
    published = Release.of(year)
    assert [c.figure.measure.slug for c in published.headline_cards] == ["drugs"]
    assert [c.figure.measure.slug for c in published.other_cards] == ["arrests", "cyber"]
    (drugs,) = published.breakdowns
    assert [(p.figure.measure.slug, p.share) for p in drugs.parts] == [("cannabis", 25)]
    assert (drugs.remainder, drugs.remainder_share) == ("£3m", 75)
    # One note, numbered once, however many figures share it.
    assert published.notes == [(1, "Street value.")]
    assert drugs.note_number == drugs.parts[0].note_number == 1


def test_what_changed_comes_from_the_year_before_as_its_public_saw_it(year):
    drugs = Release.of(year).headline_cards[0]
    assert drugs.change == "up from £3m in 2021"


def test_a_figure_not_comparable_compares_with_nothing(year):
    cyber = Release.of(year).card("cyber")
    assert cyber.change == "" and cyber.figure.period_compared == ""
    assert cyber.figure.label == "Cyber arrests"  # not "..., compared with 2020"
    assert cyber.figure.display == "up 40%"


def test_a_quote_without_words_is_not_in_the_release(year):
    quotes = Release.of(year).quotes
    assert [q.paragraphs for q in quotes] == [["First paragraph.", "Second paragraph."]]


def test_a_version_keeps_what_the_measure_was_called(year):
    version = year.current_version
    measure = year.figures.get(measure__slug="drugs").measure
    measure.name = "Drugs seized (street value)"
    measure.save()
    assert Release.of(year, version).card("drugs").figure.measure.name == "Drugs"
    assert snapshot(year)["figures"][0]["name"] == "Drugs seized (street value)"


def test_an_approved_version_never_changes(year):
    version = ReleaseVersion.objects.get(year=year)
    with pytest.raises(FrozenError):
        version.save()
    with pytest.raises(FrozenError):
        version.delete()
    # Nor by any other path: the database itself refuses.
    for attempt in (
        lambda: ReleaseVersion.objects.filter(pk=version.pk).update(content={}),
        lambda: ReleaseVersion.objects.filter(pk=version.pk)._raw_delete("default"),
    ):
        with pytest.raises(ProgrammingError, match="is a record"), transaction.atomic():
            attempt()
    version.refresh_from_db()
    assert version.content["figures"][0]["value"] == "4000000.00"


def test_one_number_per_version(year):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReleaseVersion.objects.create(year=year, number=1, content={})


def test_nothing_new_is_stored_when_nothing_changed(year):
    release(year)
    assert year.versions.count() == 1
    year.figures.filter(measure__slug="arrests").update(value=39)
    release(year, note_text="Corrected the arrests.")
    assert list(year.versions.values_list("number", flat=True)) == [1, 2]
    assert year.current_version.note.text == "Corrected the arrests."
    assert year.current_version.content["change_notes"][0]["text"] == "Corrected the arrests."


def test_the_qualifier_stays_with_the_number(year):
    year.figures.filter(measure__slug="drugs").update(qualifier=Qualifier.NEARLY)
    release(year, note_text="The total is approximate.")
    card = Release.of(year).headline_cards[0]
    assert card.figure.display == "nearly £4m"
    assert not card.exact_breakdown and card.remainder == ""


def test_a_release_read_back_is_the_same_whatever_the_time(year):
    published = Release.of(year)
    assert published.period_start == datetime.date(2022, 1, 1)
    assert published.version == 1 and published.published_at == year.published_at
