"""Asking the worker for work: a job queued by its task's name (stats/alerts/tasks.py), so
what asks (the rules' receivers, the public forms, the admin) never imports the worker's code,
and the tasks can ask for more of each other without an import circle."""

from django.db import transaction
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

TASKS = "stats.alerts.tasks"


def defer(task, *, lock=None, at=None, **kwargs):
    """Queue the task named `task`, to run now or `at` a moment; with a `lock`, not if a job
    with that lock is waiting already (then that one will do)."""
    job = app.configure_task(f"{TASKS}.{task}", queueing_lock=lock, schedule_at=at)
    try:
        with transaction.atomic():  # a refused duplicate must not spoil the caller's transaction
            job.defer(**kwargs)
    except AlreadyEnqueued:
        pass
