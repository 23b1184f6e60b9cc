"""Small builders for test data: each makes a valid record and takes overrides."""

import datetime
from decimal import Decimal
from itertools import count

from django.contrib.auth.models import Group, User
from django.utils import timezone

from stats.models import AnnouncementChange, Figure, Measure, Quote, ReleaseAnnouncement, Year
from stats.models.enums import AnnouncementStatus, Unit, YearState
from stats.rules.versions import freeze

_serial = count(1)


def make_measure(**fields):
    n = next(_serial)
    defaults = {
        "name": f"Measure {n}",
        "slug": f"measure-{n}",
        "unit": Unit.COUNT,
        "display_order": n,
    }
    return Measure.objects.create(**{**defaults, **fields})


def make_drugs(slug="drugs"):
    """The headline measure most tests need: drugs seized, in pounds."""
    return make_measure(name="Drugs seized", slug=slug, unit=Unit.MONEY, is_headline=True)


def make_year(label="2022", **fields):
    start = int(label[:4])
    defaults = {
        "slug": label.replace("/", "-"),
        "title": f"Results {label}",
        "introduction": f"What the operation achieved in {label}.",
        "period_start": datetime.date(start, 1, 1),
        "period_end": datetime.date(start, 12, 31),
        "state": YearState.PUBLISHED,
        "published_at": timezone.now() - datetime.timedelta(days=1),
    }
    return Year.objects.create(label=label, **{**defaults, **fields})


def make_figure(year, measure, value, **fields):
    """A figure; a headline one when its measure is a headline measure, unless told."""
    fields.setdefault("is_headline", measure.is_headline and not measure.parent_id)
    value = None if value is None else Decimal(value)
    return Figure.objects.create(year=year, measure=measure, value=value, **fields)


def make_quote(year, **fields):
    defaults = {
        "speaker_name": "Ian Hussey",
        "speaker_role": "Detective Superintendent",
        "text": "Words.",
    }
    return Quote.objects.create(year=year, **{**defaults, **fields})


def release(year, user=None, **options):
    """Freeze the year's rows as its next version, as approving it does (the public reads only
    versions): for a year built here with make_year() and its figures and quotes. A first
    version of a year already public counts as approved when it was published."""
    if year.current_version_id is None and year.published_at and year.published_at < timezone.now():
        options.setdefault("at", year.published_at)
    freeze(year, user, **options)
    year.refresh_from_db()
    return year


def make_headline_year(label="2022", **figure_fields):
    """A public year with one headline figure (£4m of drugs seized) and a quote: enough of a
    year's page for the tests of how pages are served."""
    year = make_year(label)
    make_figure(year, make_drugs(slug="drugs-seized"), "4000000", **figure_fields)
    make_quote(year)
    return release(year)


PASSWORD = "correct-horse-battery-staple"


def make_user(username, group=None, **fields):
    user = User.objects.create_user(
        username, f"{username}@example.org", PASSWORD, is_staff=True, **fields
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_publishable_year(label="2023", **fields):
    """A draft with everything publishing needs: intro, the headline figures, a quote."""
    year = make_year(label, state=YearState.DRAFT, published_at=None, **fields)
    for measure in Measure.objects.filter(is_headline=True, is_active=True, parent__isnull=True):
        make_figure(
            year,
            measure,
            "100",
            comparison="compared with 2020" if measure.unit == Unit.PERCENT_CHANGE else "",
        )
    make_quote(year)
    return year


def make_announcement(year=None, *, at=None, month=None, label=None):
    """A release in the calendar as if approved: confirmed for `at`, or provisional for the
    month of `month`, with the change that announced it."""
    confirmed = at is not None
    announcement = ReleaseAnnouncement.objects.create(
        label=label or (f"{year.label} results" if year else "Next results"),
        year=year,
        status=AnnouncementStatus.CONFIRMED if confirmed else AnnouncementStatus.PROVISIONAL,
        release_at=at,
        release_month=(timezone.localdate(at) if confirmed else month).replace(day=1),
        sequence=1,
    )
    AnnouncementChange.objects.create(
        announcement=announcement,
        kind=AnnouncementChange.Kind.ANNOUNCED,
        release_at=at,
        release_month=None if confirmed else announcement.release_month,
    )
    return announcement


def schedule(year, publisher, at):
    """A year approved and scheduled for `at`, the time its release is announced for."""
    from stats.rules import publishing

    make_announcement(year, at=at)
    return publishing.publish(year, publisher)
