"""Whether alerts are going out, as an operator's Prometheus reads it (stats/alerts/metrics.py):
scraped from a real gunicorn's metrics port, while the real worker is stopped, running and
stopped again, and from a web server whose database does not answer."""

import datetime
import os
import urllib.request

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from stats.models import Delivery, Subscriber
from stats.models.alert import DeliveryState
from stats.models.subscriber import SubscriberState
from stats.rules import publishing
from tests.factories import make_publishable_year, make_user
from tests.mail import Inbox, smtp_server

from .servers import free_port, gunicorn, production_env, remove_committed_data, worker
from .test_alert_worker import wait_until, worker_env

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def publisher(drugs):
    yield make_user("paul", "Publishers")
    remove_committed_data()


def scrape(port):
    """{(name, labels): value} of every sample, as Prometheus would read them."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:  # noqa: S310 - loopback
        text = answer.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def database_connections(pid):
    """The process's open TCP connections to the test database (from /proc: no library)."""
    from django.db import connection

    port = f"{int(connection.settings_dict['PORT']):04X}"
    folder = f"/proc/{pid}/fd"
    sockets = {os.readlink(f"{folder}/{fd}") for fd in os.listdir(folder)}
    with open("/proc/net/tcp") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return [row for row in rows if row[2].endswith(f":{port}") and f"socket:[{row[9]}]" in sockets]


def deliveries(metrics, state):
    return metrics["alliance_alert_deliveries", (("state", state),)]


def test_the_metrics_say_whether_a_worker_runs_and_what_waits_for_one(publisher, tmp_path):
    Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n}@example.org", state=SubscriberState.ACTIVE) for n in range(3)
    )
    port = free_port()
    inbox = Inbox()
    with (
        smtp_server(inbox) as email_url,
        gunicorn(worker_env(email_url, METRICS_PORT=str(port), METRICS_BIND="127.0.0.1")) as url,
    ):
        publishing.publish(make_publishable_year("2022"), publisher)
        stopped = scrape(port)
        # The master forks workers: it keeps no connection a worker would then share.
        assert database_connections(url.pid) == []
        assert stopped["alliance_database_up", ()] == 1
        assert stopped["alliance_workers", ()] == 0
        assert stopped["alliance_queue_jobs", (("status", "todo"),)] >= 1  # the release's alert

        with open(tmp_path / "worker.log", "w") as log, worker(worker_env(email_url), log):
            inbox.wait_for(3)
            wait_until(lambda: deliveries(scrape(port), "sent") == 3)
            running = scrape(port)
        assert running["alliance_workers", ()] == 1
        assert deliveries(running, "pending") == 0
        assert running["alliance_alert_oldest_due_seconds", ()] == 0
        assert running["alliance_queue_jobs", (("status", "succeeded"),)] >= 1

        # Stopped again, with an alert due ten minutes ago that nobody is sending.
        Delivery.objects.filter(pk=Delivery.objects.first().pk).update(
            state=DeliveryState.PENDING,
            next_attempt_at=timezone.now() - datetime.timedelta(minutes=10),
        )
        stopped_again = scrape(port)
    assert stopped_again["alliance_workers", ()] == 0  # it said goodbye as it stopped
    assert deliveries(stopped_again, "pending") == 1 and deliveries(stopped_again, "sent") == 2
    assert 600 <= stopped_again["alliance_alert_oldest_due_seconds", ()] < 700


def test_a_database_that_does_not_answer_is_said_and_the_rest_still_served():
    port = free_port()
    refused = f"postgres://alliance@127.0.0.1:{free_port()}/alliance"  # nothing listens there
    env = production_env(DATABASE_URL=refused, METRICS_PORT=str(port), METRICS_BIND="127.0.0.1")
    with gunicorn(env) as url:
        urllib.request.urlopen(url + "/healthz", timeout=5)  # noqa: S310 - loopback
        metrics = scrape(port)
    assert metrics["alliance_database_up", ()] == 0
    assert "alliance_workers" not in {name for name, _ in metrics}
    assert any(name.startswith("alliance_page_cache") for name, _ in metrics)
