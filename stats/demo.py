"""The 2022 demo year, taken word for word from the force's release as the press reported it
(shared/seed/press-release-2022.txt).

The release gives no dates: the period (the calendar year 2022) and the publication time
are illustrative. "Up 40%" compares with two years earlier, hence "compared with 2020".
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from stats.models.enums import Qualifier, Unit, YearState

from .models import AnnouncementChange, Measure, Quote, ReleaseAnnouncement, Year
from .rules.versions import freeze

LONDON = ZoneInfo("Europe/London")

MEASURES = [
    {
        "slug": "drugs-seized",
        "name": "Drugs seized (estimated street value)",
        "unit": Unit.MONEY,
        "is_headline": True,
        "display_order": 10,
        "description": "The estimated street value of illegal drugs seized by officers in Cumbria.",
    },
    {
        "slug": "criminal-cash-seized",
        "name": "Criminal cash seized",
        "unit": Unit.MONEY,
        "is_headline": True,
        "display_order": 20,
        "description": "Illegally-held cash seized from criminals.",
    },
    {
        "slug": "money-returned-to-fraud-victims",
        "name": "Returned to victims of fraud and financial crime",
        "unit": Unit.MONEY,
        "is_headline": True,
        "display_order": 30,
        "description": "Money given back to victims of fraud and financial crime.",
    },
    {
        "slug": "cyber-crime-arrests-change",
        "name": "Cyber crime arrests",
        "unit": Unit.PERCENT_CHANGE,
        "is_headline": True,
        "display_order": 40,
        "description": "The change in the number of cyber crime arrests.",
    },
    {
        "slug": "cyber-crime-unit-arrests",
        "name": "Arrests by the cyber and digital crime unit",
        "unit": Unit.COUNT,
        "is_headline": False,
        "display_order": 50,
        "description": "Arrests made by the constabulary's cyber and digital crime unit.",
    },
    {
        "slug": "children-safeguarded",
        "name": "Children safeguarded by the cyber and digital crime unit",
        "unit": Unit.COUNT,
        "is_headline": False,
        "display_order": 60,
        "description": "Children the cyber and digital crime unit safeguarded from harm.",
    },
]

UNIT_NOTE = (
    "The unit began operating in 2019 and is funded by Cumbria's Police and Crime Commissioner."
)

FIGURES = {
    "drugs-seized": {"value": Decimal("4000000"), "qualifier": Qualifier.NEARLY},
    "criminal-cash-seized": {"value": Decimal("1500000")},
    "money-returned-to-fraud-victims": {"value": Decimal("550000")},
    "cyber-crime-arrests-change": {"value": Decimal("40"), "comparison": "compared with 2020"},
    "cyber-crime-unit-arrests": {"value": Decimal("38"), "note": UNIT_NOTE},
    "children-safeguarded": {"value": Decimal("108"), "note": UNIT_NOTE},
}

YEAR = {
    "slug": "2022",
    "label": "2022",
    "title": "Operation Alliance results 2022",
    "introduction": (
        "Drugs criminals, online offenders and those exploiting the vulnerable were among those "
        "caught and jailed in the last year as part of Operation Alliance, which targets the "
        "world of serious and organised crime. Cumbria Police officers seized drugs with an "
        "estimated street value of nearly £4m."
    ),
    "other_results": (
        "Numerous lengthy jail sentences secured for serious crime offenders throughout the county."
    ),
    "period_start": datetime.date(2022, 1, 1),
    "period_end": datetime.date(2022, 12, 31),
    "state": YearState.PUBLISHED,
    "published_at": datetime.datetime(2023, 1, 9, 10, 0, tzinfo=LONDON),
}

QUOTES = [
    {
        "speaker_name": "Ian Hussey",
        "speaker_role": "Detective Superintendent",
        "text": (
            "Our officers work all-year-round to protect Cumbria against serious and organised "
            "crime.\n\n"
            "Throughout the last year operations, drugs warrants and stop-searches have been "
            "carried out by our serious and organised crime unit, our community serious and "
            "organised crime teams, our roads crime unit, our proactive units and operational "
            "support teams, as well as detectives and uniformed officers across the force.\n\n"
            "This has seen organised crime groups jailed, drugs taken out of circulation, online "
            "offenders sentenced and the disruption or dismantling of criminal enterprises across "
            "the county."
        ),
    },
    {
        "speaker_name": "Ian Hussey",
        "speaker_role": "Detective Superintendent",
        "text": (
            "To keep up the fight against this type of organised crime we need the public to let "
            "us know when they see anything suspicious in their communities."
        ),
    },
    {
        "speaker_name": "Ian Hussey",
        "speaker_role": "Detective Superintendent",
        "text": (
            "Cumbria remains one of the safest places in the country – but we are never "
            "complacent when it comes to dealing with crime."
        ),
    },
    {
        "speaker_name": "Peter McCall",
        "speaker_role": "Police and Crime Commissioner for Cumbria",
        "text": (
            "Drug crimes and online crimes are two of the priorities that are raised with me "
            "continuously, therefore I hope this provides reassurance to the public that Cumbria "
            "Constabulary are doing everything within their power to reduce these crimes in "
            "Cumbria.\n\n"
            "This is a clear warning to anyone who is committing crime in Cumbria: you will be "
            "caught and face the consequences."
        ),
    },
]


@transaction.atomic
def load_demo():
    """Create the demo measures and the 2022 year. Returns False if the year already exists.

    Nothing that exists is touched, so running it again (or after a press officer has edited
    the demo year) changes nothing.
    """
    measures = {}
    for spec in MEASURES:
        fields = {key: value for key, value in spec.items() if key != "slug"}
        measures[spec["slug"]], _ = Measure.objects.get_or_create(
            slug=spec["slug"], defaults=fields
        )
    if Year.objects.filter(slug=YEAR["slug"]).exists():
        return False
    year = Year.objects.create(**YEAR, approved_at=YEAR["published_at"])
    # As released: not edited since publication (update() leaves auto_now alone).
    Year.objects.filter(pk=year.pk).update(updated_at=YEAR["published_at"])
    for slug, figure in FIGURES.items():
        measure = measures[slug]
        year.figures.create(measure=measure, is_headline=measure.is_headline, **figure)
    Quote.objects.bulk_create(
        Quote(year=year, order=order, **quote) for order, quote in enumerate(QUOTES, start=1)
    )
    # Published as the record requires: a frozen version 1, and its place in the calendar.
    freeze(year, None, at=YEAR["published_at"])
    announcement = ReleaseAnnouncement.objects.create(
        label="2022 results",
        year=year,
        status="confirmed",
        release_at=YEAR["published_at"],
        release_month=YEAR["published_at"].date().replace(day=1),
        sequence=1,
    )
    AnnouncementChange.objects.create(
        announcement=announcement,
        made_at=YEAR["published_at"] - datetime.timedelta(weeks=6),
        kind=AnnouncementChange.Kind.ANNOUNCED,
        release_at=YEAR["published_at"],
    )
    return True
