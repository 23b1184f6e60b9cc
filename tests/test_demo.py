from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core import serializers
from django.core.management import call_command

from stats.models import ChangeNote, Figure, Measure, Quote, Year
from stats.models.enums import Qualifier

pytestmark = pytest.mark.django_db


def everything():
    return serializers.serialize(
        "json",
        [
            *Year.objects.all(),
            *Measure.objects.all(),
            *Figure.objects.all(),
            *Quote.objects.all(),
            *ChangeNote.objects.all(),
        ],
    )


def test_the_demo_has_every_figure_of_the_2022_release():
    call_command("load_demo")
    figures = {
        f.measure.slug: (f.value, f.qualifier, f.comparison)
        for f in Figure.objects.filter(year__slug="2022").select_related("measure")
    }
    assert figures == {
        "drugs-seized": (Decimal("4000000"), Qualifier.NEARLY, ""),
        "criminal-cash-seized": (Decimal("1500000"), Qualifier.EXACT, ""),
        "money-returned-to-fraud-victims": (Decimal("550000"), Qualifier.EXACT, ""),
        "cyber-crime-arrests-change": (Decimal("40"), Qualifier.EXACT, "compared with 2020"),
        "cyber-crime-unit-arrests": (Decimal("38"), Qualifier.EXACT, ""),
        "children-safeguarded": (Decimal("108"), Qualifier.EXACT, ""),
    }
    year = Year.objects.get(slug="2022")
    assert "lengthy jail sentences" in year.other_results
    speakers = {(q.speaker_name, q.speaker_role) for q in year.quotes.all()}
    assert speakers == {
        ("Ian Hussey", "Detective Superintendent"),
        ("Peter McCall", "Police and Crime Commissioner for Cumbria"),
    }


def test_running_the_demo_twice_changes_nothing():
    call_command("load_demo")
    before = everything()
    call_command("load_demo")
    assert everything() == before


def test_the_demo_page_reads_as_the_force_wrote_it(client):
    call_command("load_demo")
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    for text in [
        "nearly £4m",
        "£1.5m",
        "£550,000",
        "up 40%",
        "compared with 2020",
        ">38<",
        ">108<",
        "Ian Hussey",
        "Peter McCall",
        "you will be caught and face the consequences",
    ]:
        assert text in page, text
    # Not edited since its release, so no separate "last updated" date.
    assert "Last updated" not in page
