"""Whether alerts are going out, for Prometheus (docs/operations.md): read from the database
at each scrape by gunicorn's master (gunicorn.conf.py), beside the page cache's counters. The
queue lives in PostgreSQL, so every web server reports the same numbers and the worker needs
no server of its own; a worker that has died is seen by its silence here.

Loaded only where metrics are served (METRICS_PORT): it imports prometheus_client.
"""

import datetime
import logging

from django.db import DatabaseError, connection
from django.db.models import Count, Min
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob, ProcrastinateWorker
from procrastinate.jobs import Status
from prometheus_client.core import GaugeMetricFamily

from stats.models import Delivery
from stats.models.alert import DeliveryState

logger = logging.getLogger("stats.alerts")

# A worker writes its heartbeat every 10 s; procrastinate counts one silent for 30 s as gone
# (Worker.stalled_worker_timeout), and so do we.
WORKER_SILENT = datetime.timedelta(seconds=30)


class AlertsCollector:
    """Each scrape asks the database afresh and closes the connection after: this runs in the
    master, which forks the workers, and a connection open at a fork would be shared."""

    def collect(self):
        try:
            families = self.read(timezone.now())
        except DatabaseError as error:
            logger.warning("Metrics: the database did not answer: %s", error)
            families = []
        finally:
            connection.close()
        up = GaugeMetricFamily(
            "alliance_database_up", "1 if the database answered this scrape, 0 if not"
        )
        up.add_metric([], 1 if families else 0)
        return [up, *families]

    def read(self, now):
        by_state = counts(Delivery.objects, "state")
        deliveries = GaugeMetricFamily(
            "alliance_alert_deliveries",
            "Alert emails by state (each kept 7 days): failed ones gave up after the retries",
            labels=["state"],
        )
        for state in DeliveryState:
            deliveries.add_metric([state.value], by_state.get(state.value, 0))

        due = Delivery.objects.due(now).aggregate(oldest=Min("next_attempt_at"))["oldest"]
        overdue = GaugeMetricFamily(
            "alliance_alert_oldest_due_seconds",
            "How long the alert email waiting longest has been due (0: none is): it rises while "
            "no worker sends",
            value=(now - due).total_seconds() if due else 0,
        )

        by_status = counts(ProcrastinateJob.objects, "status")
        jobs = GaugeMetricFamily(
            "alliance_queue_jobs", "The worker's jobs by status (kept a week)", labels=["status"]
        )
        for status in Status:
            jobs.add_metric([status.value], by_status.get(status.value, 0))

        workers = GaugeMetricFamily(
            "alliance_workers",
            "Workers heard from in the last 30 s (0: no email goes out)",
            value=ProcrastinateWorker.objects.filter(
                last_heartbeat__gte=now - WORKER_SILENT
            ).count(),
        )
        return [deliveries, overdue, jobs, workers]


def counts(rows, field):
    """{value: how many rows have it}, in one query."""
    grouped = rows.order_by().values(field).annotate(rows=Count("*"))
    return {group[field]: group["rows"] for group in grouped}
