"""The jobs the worker runs (`python manage.py procrastinate worker`, the Procfile's
`worker`). Each is small and safe to run twice: what must happen once is made unique in the
database, not remembered by a worker."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from stats.models import AlertEvent, ProblemReport, Subscriber, Year
from stats.models.subscriber import AlertKind

from . import emails, events, queue, retention, sending

logger = logging.getLogger(__name__)

# A job that fails unexpectedly (the database restarting, say) is tried again after 2, 4,
# 8... seconds, ten times in all.
RETRY = RetryStrategy(max_attempts=10, exponential_wait=2)
SENDERS = 2  # jobs sending one alert at once (the machines have two cores)


@app.task(retry=RETRY)
def prepare_alert(event_id):
    event = AlertEvent.objects.get(pk=event_id)
    made = sending.prepare(event)
    logger.info("Alert %s: %s subscribers to send it to", event_id, made)
    for part in range(SENDERS):
        queue.defer("send_alert", lock=f"send-{event_id}-{part}", event_id=event_id, part=part)


@app.task(retry=RETRY, pass_context=True)
def send_alert(context, event_id, part=0):
    next_due = sending.send_due(event_id, should_stop=context.should_abort)
    if next_due is not None:
        queue.defer(
            "send_alert", lock=f"send-{event_id}-{part}", at=next_due, event_id=event_id, part=part
        )


@app.task(retry=RETRY)
def release_moment(year_id, moment):
    events.release_moment(year_id, moment)


@app.task(retry=RETRY)
def send_confirmation(subscriber_id):
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is not None and subscriber.state != "ended":
        emails.confirmation(subscriber).send()


@app.task(retry=RETRY)
def send_report(report_id):
    report = ProblemReport.objects.filter(pk=report_id, emailed_at__isnull=True).first()
    if report is None or not settings.PRESS_OFFICE_EMAIL:
        return
    emails.report(report).send()
    ProblemReport.objects.filter(pk=report_id).update(emailed_at=timezone.now())


@app.task(retry=RETRY)
def send_test_alert(user_id):
    """The release alert for the latest published year, to a member of staff's own address;
    its links belong to no subscriber (they lead to "link not recognised")."""
    user = get_user_model().objects.get(pk=user_id)
    year = Year.objects.latest_published()
    if year is None or not user.email:
        return
    from . import content

    words = content.release(year)
    event = AlertEvent(pk=0, kind=AlertKind.RELEASE, content=words, subject=words["subject"])
    stand_in = Subscriber(pk=0, email=user.email)  # a random token: its links lead nowhere
    emails.alert(event, stand_in, to=user.email).send()


@app.periodic(cron="* * * * * */10")  # every 10 seconds (croniter: seconds come last)
@app.task(queueing_lock="sweep", retry=False)
async def sweep(timestamp):
    """What a worker that died left behind: its alerts half-sent, its jobs stuck."""
    from asgiref.sync import sync_to_async

    due, unprepared = await sync_to_async(sending.sweep)()
    jobs = [(send_alert, f"send-{pk}-0", pk) for pk in due]
    jobs += [(prepare_alert, f"prepare-{pk}", pk) for pk in unprepared]
    for task, lock, event_id in jobs:
        try:
            await task.configure(queueing_lock=lock).defer_async(event_id=event_id)
        except AlreadyEnqueued:
            pass
    for job in await app.job_manager.get_stalled_jobs():
        await app.job_manager.retry_job(job)


@app.periodic(cron="17 * * * *")  # hourly
@app.task(queueing_lock="retention", retry=RETRY)
async def keep_little(timestamp):
    """Delete what /privacy/ says goes, and the queue's own finished jobs after a week (they
    name records by number only)."""
    from asgiref.sync import sync_to_async

    deleted = await sync_to_async(retention.purge)()
    await app.job_manager.delete_old_jobs(nb_hours=7 * 24, include_failed=True)
    logger.info("Retention: deleted %s", deleted)
