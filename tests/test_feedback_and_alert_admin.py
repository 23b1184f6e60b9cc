"""Readers report a problem from the foot of any public page; the press office sees reports
with counts per page, and alerts as counts only; bounced addresses are ended."""

from http import HTTPStatus
from pathlib import Path

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.core.management import call_command
from procrastinate.contrib.django.models import ProcrastinateJob

from stats.models import AlertEvent, ProblemReport, Subscriber
from stats.models.subscriber import SubscriberState
from tests.factories import make_headline_year

pytestmark = pytest.mark.django_db

REPORT = "/report-a-problem/"


def jobs(name):
    return ProcrastinateJob.objects.filter(task_name=f"stats.alerts.tasks.{name}")


def test_every_public_page_has_the_feedback_form_posting_to_its_own_page(client):
    make_headline_year()
    for path in ["/", "/years/2022/", "/about/", "/alerts/", "/privacy/", "/years/nope/"]:
        body = client.get(path).content.decode()
        assert "Is this page useful?" in body and "Report a problem with this page" in body, path
        assert f'action="{REPORT}"' in body and f'name="page" value="{path}"' in body, path
        assert "csrfmiddlewaretoken" not in body, path


def test_a_report_is_kept_with_its_page_and_queued_for_the_press_office(client):
    answer = client.post(
        REPORT, {"page": "/years/2022/", "what_doing": "Reading", "what_wrong": "A typo."}
    )
    assert answer.status_code == HTTPStatus.OK
    assert "The press office will read it" in answer.content.decode()
    report = ProblemReport.objects.get()
    assert (report.page, report.what_wrong, report.useful) == ("/years/2022/", "A typo.", None)
    assert jobs("send_report").get().args == {"report_id": report.pk}


def test_no_then_asks_what_was_wrong_and_yes_is_counted(client):
    answer = client.post(REPORT, {"page": "/about/", "useful": "no"})
    assert "Help us improve this page" in answer.content.decode()
    client.post(REPORT, {"page": "/about/", "useful": "yes"})
    assert sorted(ProblemReport.objects.values_list("useful", flat=True)) == [False, True]
    assert not jobs("send_report").exists()  # nothing to tell the press office yet


@pytest.mark.parametrize(
    "data",
    [
        {"page": "https://evil.example/", "what_wrong": "x"},
        {"page": "//evil.example/", "what_wrong": "x"},
        {"page": "/years/", "what_wrong": "x" * 1001},
        {"page": "/years/"},
    ],
)
def test_bad_reports_get_a_message_and_nothing_is_kept(client, data):
    answer = client.post(REPORT, data)
    assert answer.status_code == HTTPStatus.BAD_REQUEST
    assert "There is a problem" in answer.content.decode()
    assert not ProblemReport.objects.exists()


def test_reports_share_the_forms_rate_limit_and_the_honeypot(client):
    answers = [client.post(REPORT, {"page": "/", "what_wrong": f"{n}"}) for n in range(5)]
    assert answers[4].status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert ProblemReport.objects.count() == 4
    client.post(REPORT, {"page": "/", "what_wrong": "spam", "website": "x"}, REMOTE_ADDR="10.9.9.9")
    assert ProblemReport.objects.count() == 4


def test_the_press_office_sees_reports_with_counts_per_page(django_app, officer):
    ProblemReport.objects.create(page="/years/2022/", what_wrong="Typo")
    ProblemReport.objects.create(page="/years/2022/", useful=False)
    ProblemReport.objects.create(page="/about/", useful=True)
    page = django_app.get("/admin/stats/problemreport/", user=officer)
    rows = [[td.text for td in tr.find_all("td")] for tr in page.html.select(".module tbody tr")]
    assert ["/years/2022/", "1", "0", "1"] in rows and ["/about/", "0", "1", "0"] in rows


def test_the_press_office_sees_counts_never_addresses(django_app, officer, public_year):
    Subscriber.objects.create(email="secret-reader@example.org", state=SubscriberState.ACTIVE)
    Subscriber.objects.create(email="waiting-reader@example.org")
    page = django_app.get("/admin/stats/alertevent/", user=officer)
    text = page.text
    assert "example.org" not in text.replace(officer.email, "")
    rows = [[td.text for td in tr.find_all("td")] for tr in page.html.select(".module tbody tr")]
    assert ["New releases", "1"] in rows and ["Corrections to published results", "0"] in rows
    assert "Published: Results 2022" in text
    event = AlertEvent.objects.get()
    assert (
        django_app.get(f"/admin/stats/alertevent/{event.pk}/change/", user=officer).status_code
        == 200
    )
    assert django_app.get("/admin/stats/subscriber/", user=officer, status=404)
    assert django_app.get("/admin/stats/delivery/", user=officer, status=404)


def test_a_press_officer_sends_a_test_alert_to_their_own_address(django_app, officer):
    page = django_app.get("/admin/stats/alertevent/", user=officer)
    form = next(f for f in page.forms.values() if f.action.endswith("/test/"))
    answer = form.submit().follow()
    assert f"on its way to {officer.email}" in answer.text
    assert jobs("send_test_alert").get().args == {"user_id": officer.pk}


DSN = b"""From: MAILER-DAEMON@mail.example.org
To: alerts@results.example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

The mail system could not deliver your message.
--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.org

Final-Recipient: rfc822; gone@example.org
Action: failed
Status: 5.1.1

Final-Recipient: rfc822; full@example.org
Action: delayed
Status: 4.2.2
--b--
"""


def test_mark_bounces_ends_hard_bounced_addresses_from_a_dsn(tmp_path):
    gone = Subscriber.objects.create(email="Gone@example.org", state=SubscriberState.ACTIVE)
    full = Subscriber.objects.create(email="full@example.org", state=SubscriberState.ACTIVE)
    (tmp_path / "bounce.eml").write_bytes(DSN)
    call_command("mark_bounces", str(Path(tmp_path / "bounce.eml")))
    gone.refresh_from_db()
    full.refresh_from_db()
    assert (gone.state, gone.ended_because) == ("ended", "bounced")
    assert full.state == "active"  # a soft bounce: tried again, not ended


def test_a_providers_bounce_report_ends_the_address(settings):
    reader = Subscriber.objects.create(email="gone@example.org", state=SubscriberState.ACTIVE)
    other = Subscriber.objects.create(email="ok@example.org", state=SubscriberState.ACTIVE)
    for event_type, address in [("bounced", "gone@example.org"), ("delivered", "ok@example.org")]:
        tracking.send(
            sender=object,
            event=AnymailTrackingEvent(event_type=event_type, recipient=address),
            esp_name="Postmark",
        )
    reader.refresh_from_db()
    other.refresh_from_db()
    assert reader.state == "ended" and other.state == "active"
