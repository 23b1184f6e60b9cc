"""A reader subscribes in a browser, confirms from the email the worker sent to a real SMTP
server, and at the release moment (a few seconds ahead, with nobody visiting) gets one alert
with the headline figures."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import make_headline_year, make_publishable_year, make_user, schedule
from tests.mail import Inbox, smtp_server
from tests.servers import production_env, remove_committed_data, worker

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_reader_subscribes_confirms_and_gets_one_alert_at_the_release_moment(
    page, live_server, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    make_user("paul", "Publishers")
    make_headline_year("2022")  # published, with the form on its page
    year = make_publishable_year("2023")
    year.figures.update(value=4500000)
    inbox = Inbox()
    # The live server is this process: the worker signs its links with the same key.
    env = production_env(
        SITE_URL=live_server.url, ENVIRONMENT="development", SECRET_KEY=settings.SECRET_KEY
    )
    try:
        with (
            smtp_server(inbox) as email_url,
            open(tmp_path / "worker.log", "w") as log,
            worker({**env, "EMAIL_URL": email_url}, log),
        ):
            page.goto(live_server.url + "/years/2022/")
            box = page.get_by_role("region", name="Email me when results are published")
            box.get_by_label("Email address").fill("journalist@example.org")
            box.get_by_label("Corrections to published results").check()
            box.get_by_role("button", name="Email me").click()
            expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

            [confirmation] = inbox.wait_for(1)
            text = confirmation.get_body(("plain",)).get_content()
            link = re.search(r"http\S+/alerts/confirm/\S+/", text).group(0)
            page.goto(link)
            page.get_by_role("button", name="Confirm my alerts").click()
            expect(page.get_by_role("heading", name="Your alerts are confirmed")).to_be_visible()

            moment = timezone.now() + datetime.timedelta(seconds=4)
            schedule(year, get_user_model().objects.get(username="paul"), moment)
            messages = inbox.wait_for(2, timeout=40)
        [alert] = [m for m in messages if m["Subject"] == "Published: Results 2023"]
        assert alert["To"] == "journalist@example.org"
        body = alert.get_body(("plain",)).get_content()
        assert "£4.5m" in body and "/years/2023/" in body
        assert alert.received_at >= moment.timestamp()
        assert len(inbox.messages) == 2  # the confirmation and the one alert
    finally:
        remove_committed_data()
