"""What makes an alert, and what is sent, in this process (the worker's own process is
tested in test_alert_worker.py): events made once, hooked to publishing and corrections,
the release moment checked when it comes, one delivery per subscriber, retention."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from stats.alerts import events, retention, sending
from stats.models import AlertEvent, Delivery, FormUse, ProblemReport, Subscriber
from stats.models.alert import DeliveryState
from stats.models.enums import ReleaseAct
from stats.models.subscriber import SubscriberState
from stats.rules import corrections, publishing, release_requests
from tests.factories import make_publishable_year, schedule

pytestmark = pytest.mark.django_db


def jobs(name):
    return ProcrastinateJob.objects.filter(task_name=f"stats.alerts.tasks.{name}")


def subscriber(address, **fields):
    return Subscriber.objects.create(email=address, state=SubscriberState.ACTIVE, **fields)


def test_publishing_makes_one_release_alert_with_the_headline_figures(public_year):
    event = AlertEvent.objects.get()
    assert event.kind == "release" and event.year == public_year
    assert event.subject == "Published: Results 2022"
    assert event.content["figures"][0] == {
        "name": "Drugs seized",
        "value": "£4m",
        "comparison": "",
        "change": "",
    }
    own = jobs("prepare_alert").filter(args__event_id=event.pk)
    assert own.count() == 1
    events.year_published(public_year)  # asked again: nothing new
    assert AlertEvent.objects.count() == 1 and own.count() == 1


def test_scheduling_queues_the_release_moment_at_the_publication_time(drugs, publishers):
    year = make_publishable_year("2023")
    moment = timezone.now() + datetime.timedelta(days=2)
    schedule(year, publishers[0], moment)
    assert not AlertEvent.objects.filter(kind="release").exists()
    job = jobs("release_moment").filter(args__year_id=year.pk).get()
    assert job.scheduled_at == moment
    assert job.args == {"year_id": year.pk, "moment": moment.isoformat()}


def test_the_release_moment_sends_only_if_the_year_is_public_at_that_moment(drugs, publishers):
    year = make_publishable_year("2023")
    first = timezone.now() + datetime.timedelta(hours=1)
    year = schedule(year, publishers[0], first)
    later = first + datetime.timedelta(hours=1)
    asked = release_requests.ask(
        ReleaseAct.MOVE,
        publishers[0],
        announcement=year.announcement,
        release_at=later,
        reason="Later in the morning.",
    )
    release_requests.approve(asked, publishers[1])
    assert jobs("release_moment").filter(args__year_id=year.pk).count() == 2
    with time_machine.travel(first + datetime.timedelta(seconds=1)):
        assert events.release_moment(year.pk, first.isoformat()) is None  # moved: nothing
    with time_machine.travel(later + datetime.timedelta(seconds=1)):
        event = events.release_moment(year.pk, later.isoformat())
        assert event is not None and event.kind == "release"
        assert events.release_moment(year.pk, later.isoformat()) == event  # again: the same


def test_an_unscheduled_year_sends_nothing_at_its_old_moment(drugs, publishers):
    year = make_publishable_year("2023")
    moment = timezone.now() + datetime.timedelta(hours=1)
    year = schedule(year, publishers[0], moment)
    publishing.unschedule(year, publishers[0])
    with time_machine.travel(moment + datetime.timedelta(seconds=1)):
        assert events.release_moment(year.pk, moment.isoformat()) is None
    assert not AlertEvent.objects.filter(kind="release").exists()


def test_an_approved_correction_makes_a_correction_alert_with_its_change_note(
    public_year, drugs, officer, publishers
):
    before = corrections.content(public_year)
    public_year.figures.filter(measure=drugs).update(value=4200000)
    after = corrections.content(public_year)
    public_year.figures.filter(measure=drugs).update(value=4000000)
    corrections.hold(public_year, before, after, officer, "The drugs figure was mistyped.")
    corrections.approve(public_year, publishers[0])
    event = AlertEvent.objects.get(kind="correction")
    assert event.content["change_note"] == "The drugs figure was mistyped."
    assert event.content["figures"][0]["value"] == "£4.2m"


def test_a_correction_approved_as_its_year_goes_public_is_part_of_the_release_not_news(
    drugs, officer, publishers
):
    """Approved at the release moment itself, a correction's note was written no later than
    the release: the page leaves it off (ChangeNote.after_release), so no alert tells of it."""
    moment = (timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=0)
    year = schedule(make_publishable_year("2023"), publishers[1], moment)
    before = corrections.content(year)
    year.figures.filter(measure=drugs).update(value=150)
    after = corrections.content(year)
    year.figures.filter(measure=drugs).update(value=100)
    corrections.hold(year, before, after, officer, "Drugs figure put right.")
    with time_machine.travel(moment, tick=False):
        corrections.approve(year, publishers[0])
        year.refresh_from_db()
        assert year.has_been_public and not year.current_version.note.after_release
    assert not AlertEvent.objects.filter(kind="correction").exists()


def test_a_calendar_change_is_one_alert_with_its_dates_and_reason():
    first = events.calendar_changed(
        7,
        what="moved",
        label="2023 results",
        new_date="19 March 2026, 09:30",
        previous_date="12 March 2026, 09:30",
        reason="To include late figures.",
    )
    again = events.calendar_changed(
        7, what="moved", label="2023 results", new_date="19 March 2026, 09:30"
    )
    assert first == again and AlertEvent.objects.count() == 1
    assert first.subject == "Release date moved: 2023 results"
    assert first.content["previous_date"] == "12 March 2026, 09:30"


def sent_to():
    return sorted(message.to[0] for message in mail.outbox)


def test_each_matching_subscriber_is_sent_the_alert_once(public_year):
    subscriber("a@example.org")
    subscriber("b@example.org", wants_release=False, wants_correction=True)
    subscriber("c@example.org", wants_calendar=True)
    Subscriber.objects.create(email="pending@example.org")
    event = AlertEvent.objects.get()
    assert sending.prepare(event) == 2
    assert sending.prepare(event) == 0  # twice: no second delivery
    sending.send_due(event.pk)
    sending.send_due(event.pk)  # a second worker, or a retry: nothing more
    assert sent_to() == ["a@example.org", "c@example.org"]
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


def test_an_alert_carries_its_unsubscribe_headers_and_the_figures(public_year, settings):
    settings.SITE_URL = "https://results.example.org"
    reader = subscriber("a@example.org")
    event = AlertEvent.objects.get()
    sending.prepare(event)
    sending.send_due(event.pk)
    [message] = mail.outbox
    headers = message.message()
    assert headers["List-Unsubscribe"] == (
        f"<https://results.example.org/alerts/unsubscribe/{reader.token}/>"
    )
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["Message-ID"] == f"<alert.{event.pk}.{reader.pk}@results.example.org>"
    assert "£4m" in message.body and "/years/2022/" in message.body
    html = message.alternatives[0][0]
    assert "<strong>£4m</strong> drugs seized" in html


def test_a_claim_left_by_a_dead_worker_is_sent_again_once_and_a_handed_over_one_is_not(
    public_year, settings
):
    subscriber("a@example.org")
    subscriber("b@example.org")
    event = AlertEvent.objects.get()
    sending.prepare(event)
    first, second = Delivery.objects.order_by("pk")
    # A worker died: one alert claimed, one handed over to the mail server.
    Delivery.objects.filter(pk=first.pk).update(
        state=DeliveryState.SENDING, claim="dead", claimed_at=timezone.now()
    )
    Delivery.objects.filter(pk=second.pk).update(
        state=DeliveryState.HANDED_OVER, claim="dead", claimed_at=timezone.now()
    )
    assert sending.sweep() == ([], [])  # too recent to be taken back
    later = timezone.now() + datetime.timedelta(seconds=settings.ALERTS_STALE_SECONDS + 1)
    assert sending.sweep(later) == ([event.pk], [])
    with time_machine.travel(later):
        sending.send_due(event.pk)
    assert sent_to() == ["a@example.org"]
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


def test_a_worker_whose_claim_was_taken_back_does_not_send(public_year):
    subscriber("a@example.org")
    event = AlertEvent.objects.get()
    sending.prepare(event)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.SENDING, claim="mine")
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.PENDING, claim="")
    with sending._handing_over(delivery, "mine") as still_ours:
        assert still_ours is False


def test_retention_deletes_what_the_privacy_notice_says_when_it_says(public_year):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        waiting = Subscriber.objects.create(email="waiting@example.org")
        reader = subscriber("reader@example.org")
        leaving = subscriber("leaving@example.org")
        leaving.end("unsubscribed")
        event = AlertEvent.objects.get()
        sending.prepare(event)
        sending.send_due(event.pk)
        FormUse.objects.create(key="x", at=start)
        report = ProblemReport.objects.create(page="/", what_wrong="Typo.")

    def purge(days, **extra):
        with time_machine.travel(start + datetime.timedelta(days=days, **extra), tick=False):
            return retention.purge()

    assert purge(6, hours=23)["unconfirmed"] == 0
    assert Subscriber.objects.filter(pk=waiting.pk).exists()
    deleted = purge(7, seconds=1)
    assert deleted["unconfirmed"] == 1 and deleted["deliveries"] == 1
    assert not Subscriber.objects.filter(pk=waiting.pk).exists()
    assert AlertEvent.objects.get().counts() == {"sent": 1, "failed": 0, "pending": 0}
    assert purge(27, hours=23)["ended"] == 0
    assert purge(28, seconds=1)["ended"] == 1
    assert list(Subscriber.objects.all()) == [reader]
    assert not FormUse.objects.exists()
    assert ProblemReport.objects.filter(pk=report.pk).exists()
    assert purge(365, seconds=1)["reports"] == 1


def test_retention_and_the_sweeper_are_on_the_worker_schedule():
    from procrastinate.contrib.django import app

    crons = {task.task.name: task.cron for task in app.periodic_registry.periodic_tasks.values()}
    assert crons == {
        "stats.alerts.tasks.sweep": "* * * * * */10",
        "stats.alerts.tasks.keep_little": "17 * * * *",
    }


def test_publishing_never_depends_on_the_email_settings(drugs, publishers, settings):
    """In production without SITE_URL the worker cannot write links: it says so when it
    sends, but the press office still publishes."""
    settings.PRODUCTION, settings.SITE_URL = True, ""
    year = make_publishable_year("2023")
    publishing.publish(year, publishers[0])
    assert AlertEvent.objects.get().content["path"] == "/years/2023/"
