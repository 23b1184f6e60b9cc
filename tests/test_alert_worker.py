"""The worker as it runs in production: the Procfile's command in its own process, on the
test database, sending to a real SMTP server (aiosmtpd). Exactly once, even when the worker
is killed mid-send; on time at a release moment nobody visits; retried, and bounced."""

import datetime
import os
import re
import signal
import time
from collections import Counter
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from stats.models import Delivery, ProblemReport, Subscriber
from stats.models.alert import DeliveryState
from stats.models.enums import ReleaseAct
from stats.models.subscriber import SubscriberState
from stats.rules import publishing, release_requests
from tests.factories import make_publishable_year, make_user, schedule
from tests.mail import Inbox, smtp_server

from .relay import Relay
from .servers import (
    Browser,
    database_url,
    gunicorn,
    production_env,
    remove_committed_data,
    worker,
)

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

SITE = "https://results.example.org"


def worker_env(email_url, **extra):
    return production_env(
        EMAIL_URL=email_url,
        SITE_URL=SITE,
        DEFAULT_FROM_EMAIL="Operation Alliance results <alerts@results.example.org>",
        PRESS_OFFICE_EMAIL="press@example.org",
        ALERTS_STALE_SECONDS="2",
        ALERTS_RETRY_SECONDS="1",
        **extra,
    )


@pytest.fixture
def people(drugs, settings):
    """Two publishers (a second pair of eyes), the headline measure; the site's address as
    the web process that publishes knows it."""
    settings.SITE_URL = SITE
    yield make_user("paul", "Publishers"), make_user("petra", "Publishers")
    remove_committed_data()


def subscribers(count, **fields):
    Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n}@example.org", state=SubscriberState.ACTIVE, **fields)
        for n in range(count)
    )


def wait_until(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.2)


def test_a_published_year_reaches_each_subscriber_once_and_its_own_header_unsubscribes(
    people, tmp_path
):
    subscribers(20)
    Subscriber.objects.create(email="waiting@example.org")  # never confirmed: nothing
    year = make_publishable_year("2022")
    year.figures.update(value=4000000)
    inbox = Inbox()
    with (
        smtp_server(inbox) as email_url,
        open(tmp_path / "worker.log", "w") as log,
        worker(worker_env(email_url), log),
    ):
        publishing.publish(year, people[0])
        messages = inbox.wait_for(20)
        time.sleep(1)  # nothing more comes
    assert sorted(Counter(m["To"] for m in inbox.messages).values()) == [1] * 20
    message = inbox.messages[0]
    assert message["From"] == "Operation Alliance results <alerts@results.example.org>"
    assert message["Subject"] == "Published: Results 2022"
    assert re.fullmatch(r"<alert\.\d+\.\d+@results\.example\.org>", message["Message-ID"])
    assert message["Date"] and message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip().strip("<>")
    assert link.startswith(f"{SITE}/alerts/unsubscribe/")
    text = message.get_body(("plain",)).get_content()
    assert "£4m" in text and f"{SITE}/years/2022/" in text
    assert "<strong>£4m</strong>" in message.get_body(("html",)).get_content()
    assert len(messages) == 20

    # The mail client's one-click unsubscribe: a POST to the header's link, no sign-in.
    reader = Subscriber.objects.get(email=message["To"])
    with gunicorn(production_env()) as url:
        answer = Browser(url).get(urlsplit(link).path, {"List-Unsubscribe": "One-Click"})
    assert answer.status == HTTPStatus.OK and "You are unsubscribed" in answer.text
    reader.refresh_from_db()
    assert reader.state == SubscriberState.ENDED
    assert Subscriber.objects.filter(state=SubscriberState.ACTIVE).count() == 19


def test_a_worker_killed_mid_send_and_restarted_leaves_everyone_exactly_one_alert(people, tmp_path):
    subscribers(300)
    year = make_publishable_year("2022")
    killed = []

    def kill_the_worker(count):
        # Inside the server's reply to the 100th message: the worker has sent it whole and
        # waits for "250 OK", its batch half done. The worst moment to die.
        if count == 100 and not killed:
            os.kill(killed_pid[0], signal.SIGKILL)
            killed.append(count)

    inbox = Inbox(on_message=kill_the_worker)
    killed_pid = []
    with smtp_server(inbox) as email_url, open(tmp_path / "worker.log", "w") as log:
        # One job at a time, so one sender, killed at the moment chosen. A second would be
        # killed wherever chance found it, and in the microseconds between its last line and
        # its commit that alert goes twice (the next test kills one as its commit is made).
        env = worker_env(email_url, WORKER_CONCURRENCY="1")
        with worker(env, log) as first:
            killed_pid.append(first.pid)
            publishing.publish(year, people[0])
            first.wait(timeout=60)
        assert killed and first.returncode == -signal.SIGKILL
        stuck = Delivery.objects.exclude(state=DeliveryState.SENT).count()
        assert stuck > 0  # the dead worker left work behind
        with worker(env, log):
            inbox.wait_for(300, timeout=90)
            wait_until(lambda: not Delivery.objects.exclude(state=DeliveryState.SENT).exists())
            time.sleep(3)  # a sweep more: nothing is sent twice
    counts = Counter(m["To"] for m in inbox.messages)
    assert len(counts) == 300 and set(counts.values()) == {1}
    assert Delivery.objects.filter(state=DeliveryState.SENT).count() == 300


def test_a_worker_killed_once_postgresql_has_its_handover_has_already_sent_the_message_whole(
    people, tmp_path
):
    """The handover is committed after the message's last line is sent. A worker dies the
    moment PostgreSQL has that commit, before it hears so: the alert is recorded as sent, so
    the server must have it whole. Before, the commit came first and the worker died with
    the last line unsent: the alert counted as sent and never arrived (the CI run where 299
    of 300 readers got theirs)."""
    subscribers(1)
    year = make_publishable_year("2022")
    inbox = Inbox()
    with (
        Relay.in_front_of(database_url()) as database,
        smtp_server(inbox) as email_url,
        open(tmp_path / "worker.log", "w") as log,
    ):
        database.hold_answers_after(b"SET \"state\" = 'handed_over'", b"COMMIT")
        env = worker_env(email_url, DATABASE_URL=database.url)
        with worker(env, log) as first:
            publishing.publish(year, people[0])
            assert database.answers_held.wait(timeout=30)
            inbox.wait_for(1, timeout=3)
            first.kill()
            first.wait(timeout=10)
        # The commit was made: recorded as sent, so the server must have the message.
        wait_until(lambda: Delivery.objects.get().state == DeliveryState.HANDED_OVER, timeout=5)
        with worker(worker_env(email_url), log):
            wait_until(lambda: Delivery.objects.get().state == DeliveryState.SENT)
            time.sleep(3)  # a sweep more: nothing is sent again
    assert [message["To"] for message in inbox.messages] == ["reader0@example.org"]


def test_the_release_moment_sends_on_time_with_no_visitor_and_a_moved_one_at_its_new_time(
    people, tmp_path
):
    subscribers(3)
    year = make_publishable_year("2022")
    moved = make_publishable_year("2023")
    cancelled = make_publishable_year("2024")
    inbox = Inbox()
    with (
        smtp_server(inbox) as email_url,
        open(tmp_path / "worker.log", "w") as log,
        worker(worker_env(email_url), log),
    ):
        now = timezone.now()
        moment = now + datetime.timedelta(seconds=4)
        schedule(year, people[0], moment)
        moved = schedule(moved, people[0], now + datetime.timedelta(seconds=3))
        new_moment = now + datetime.timedelta(seconds=7)
        asked = release_requests.ask(
            ReleaseAct.MOVE,
            people[0],
            announcement=moved.announcement,
            release_at=new_moment,
            reason="Moved.",
        )
        release_requests.approve(asked, people[1])
        cancelled = schedule(cancelled, people[0], now + datetime.timedelta(seconds=4))
        publishing.unschedule(cancelled, people[0])
        inbox.wait_for(6, timeout=40)
        time.sleep(3)
    by_subject = Counter(m["Subject"] for m in inbox.messages)
    assert by_subject == {"Published: Results 2022": 3, "Published: Results 2023": 3}
    for message in inbox.messages:
        due = moment if message["Subject"].endswith("2022") else new_moment
        assert message.received_at >= due.timestamp()  # never before its moment


def test_failures_are_retried_and_an_address_that_does_not_exist_is_ended(people, tmp_path):
    subscribers(3)
    Subscriber.objects.create(email="gone@example.org", state=SubscriberState.ACTIVE)
    year = make_publishable_year("2022")
    inbox = Inbox(refuse={"gone@example.org": "550 5.1.1 No such user"}, busy=2)
    with (
        smtp_server(inbox) as email_url,
        open(tmp_path / "worker.log", "w") as log,
        worker(worker_env(email_url), log),
    ):
        publishing.publish(year, people[0])
        inbox.wait_for(3, timeout=60)
        wait_until(lambda: not Delivery.objects.filter(state__in=["pending", "sending"]).exists())
    assert sorted(m["To"] for m in inbox.messages) == [f"reader{n}@example.org" for n in range(3)]
    gone = Delivery.objects.get(subscriber__email="gone@example.org")
    assert gone.state == DeliveryState.FAILED and "550" in gone.error
    assert Subscriber.objects.get(email="gone@example.org").ended_because == "bounced"
    assert Delivery.objects.filter(attempts__gt=1).exists()  # the busy answers were retried


def test_a_reported_problem_reaches_the_press_office_inbox_and_a_confirmation_its_reader(
    people, tmp_path
):
    inbox = Inbox()
    get_user_model().objects.create_superuser("admin", "admin@example.org", "x" * 20)
    with (
        smtp_server(inbox) as email_url,
        open(tmp_path / "worker.log", "w") as log,
        worker(worker_env(email_url), log),
        gunicorn(production_env()) as url,
    ):
        browser = Browser(url)
        sent = browser.get(
            "/report-a-problem/",
            {"page": "/years/2022/", "what_doing": "Reading", "what_wrong": "A typo"},
        )
        assert sent.status == HTTPStatus.OK
        asked = browser.get("/alerts/subscribe/", {"email": "new@example.org", "kinds": "release"})
        assert asked.status == HTTPStatus.OK
        inbox.wait_for(2)
    report = next(m for m in inbox.messages if m["To"] == "press@example.org")
    assert report["Subject"] == "Problem reported on /years/2022/"
    assert "A typo" in report.get_body(("plain",)).get_content()
    assert ProblemReport.objects.get().emailed_at is not None
    confirm = next(m for m in inbox.messages if m["To"] == "new@example.org")
    assert f"{SITE}/alerts/confirm/" in confirm.get_body(("plain",)).get_content()


def test_the_worker_stops_gracefully_on_sigterm(tmp_path):
    with open(tmp_path / "worker.log", "w") as log, worker(worker_env("dummymail://"), log) as w:
        w.send_signal(signal.SIGTERM)
        assert w.wait(timeout=20) == 0
    assert "Stopped worker" in (tmp_path / "worker.log").read_text()
