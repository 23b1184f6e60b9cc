"""What connects the alerts to the rules: the publishing rules say a year was published or
corrected (stats/rules/signals.py), and django-anymail says a provider reported a bounce."""

from anymail.signals import tracking

from stats.rules import signals

from . import bounces, events


def year_published(sender, year, **kwargs):
    events.year_published(year)


def correction_published(sender, year, note, **kwargs):
    events.correction_approved(year, note)


def connect():
    signals.year_published.connect(year_published, dispatch_uid="alerts-year-published")
    signals.correction_published.connect(
        correction_published, dispatch_uid="alerts-correction-published"
    )
    tracking.connect(bounces.tracked, dispatch_uid="alerts-anymail-tracking")
