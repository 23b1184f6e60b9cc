"""Subscribing from a public page: double opt-in, the same answer whatever the address's
state, one email an hour at most, rate limits per address and per visitor, and hostile input
answered with a clear message and nothing stored or sent."""

import datetime
from http import HTTPStatus

import pytest
import time_machine
from procrastinate.contrib.django.models import ProcrastinateJob

from stats.alerts import subscriptions
from stats.models import FormUse, Subscriber
from stats.models.subscriber import SubscriberState

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/alerts/subscribe/"


def jobs(name):
    return ProcrastinateJob.objects.filter(task_name=f"stats.alerts.tasks.{name}")


def post(client, address, kinds=("release",), ip="198.51.100.7", **extra):
    return client.post(SUBSCRIBE, {"email": address, "kinds": list(kinds), **extra}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("page", ["/years/2022/", "/releases/"])
def test_readers_can_subscribe_where_they_read_about_releases(client, public_year, page):
    body = client.get(page).content.decode()
    assert 'action="/alerts/subscribe/"' in body
    for kind in ("release", "correction", "calendar"):
        assert f'value="{kind}"' in body


def test_a_new_address_waits_for_confirmation_and_is_sent_one_email(client):
    answer = post(client, "reader@example.org", kinds=["release", "calendar"])
    assert answer.status_code == HTTPStatus.OK
    assert "Check your email" in answer.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.state == SubscriberState.PENDING
    assert subscriber.kinds == ["release", "calendar"]
    assert jobs("send_confirmation").count() == 1


@pytest.mark.parametrize("state", ["new", "pending", "active", "ended"])
def test_the_page_answers_the_same_whatever_the_address_state(client, state):
    if state != "new":
        Subscriber.objects.create(
            email="known@example.org",
            state=state,
            ended_at=datetime.datetime.now(datetime.UTC) if state == "ended" else None,
        )
    answer = post(client, "known@example.org")
    assert answer.status_code == HTTPStatus.OK
    body = answer.content.decode()
    assert "<h1>Check your email</h1>" in body and "known@example.org" not in body
    assert jobs("send_confirmation").count() == 1


def test_asking_again_within_the_hour_sends_no_second_email(client):
    for _ in range(3):
        assert post(client, "reader@example.org").status_code == HTTPStatus.OK
    assert jobs("send_confirmation").count() == 1
    jobs("send_confirmation").update(status="succeeded")  # as the worker would have
    with time_machine.travel(datetime.timedelta(hours=1, minutes=1)):
        post(client, "reader@example.org")
    assert jobs("send_confirmation").count() == 2


def test_an_address_is_limited_to_4_a_minute_whoever_asks(client):
    answers = [post(client, "Reader@Example.org", ip=f"198.51.100.{n}") for n in range(5)]
    assert [a.status_code for a in answers[:4]] == [HTTPStatus.OK] * 4
    assert answers[4].status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many tries" in answers[4].content.decode()


def test_a_visitor_is_limited_to_4_a_minute_and_40_an_hour_whatever_the_addresses(client):
    answers = [post(client, f"r{n}@example.org") for n in range(5)]
    assert answers[4].status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert Subscriber.objects.count() == 4
    for minute in range(1, 10):
        with time_machine.travel(datetime.timedelta(minutes=minute, seconds=1)):
            for n in range(4):
                post(client, f"r{minute}-{n}@example.org")
    with time_machine.travel(datetime.timedelta(minutes=11)):
        assert post(client, "late@example.org").status_code == HTTPStatus.TOO_MANY_REQUESTS
    with time_machine.travel(datetime.timedelta(minutes=62)):
        assert post(client, "later@example.org").status_code == HTTPStatus.OK


def test_behind_the_proxy_the_limit_counts_the_visitor_not_the_proxy(client):
    for n in range(4):
        client.post(
            SUBSCRIBE,
            {"email": f"a{n}@example.org", "kinds": ["release"]},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.1",
        )
    other = client.post(
        SUBSCRIBE,
        {"email": "b@example.org", "kinds": ["release"]},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.2",
    )
    assert other.status_code == HTTPStatus.OK


HOSTILE = [
    ("reader@example.org\r\nBcc: everyone@example.net", "no spaces, line breaks"),
    ("reader@example.org%0d%0aBcc:x@example.net", "right form"),
    ("a" * 10_000 + "@example.org", "at most 254 characters"),
    ("pаul@example.org", "“а” is not a letter we can send to"),  # Cyrillic а
    ("paul@exаmple.org", "“а” is not a letter we can send to"),
    ("ｐａｕｌ@example.org", "is not a letter we can send to"),  # full-width
    ("paul\u200b@example.org", "hidden characters"),  # zero-width space
    ("", "Enter your email address"),
    ("not an address", "no spaces"),
    ("<script>@example.org", "right form"),
]


@pytest.mark.parametrize(("address", "says"), HOSTILE)
def test_hostile_addresses_get_a_clear_message_and_nothing_is_stored_or_sent(client, address, says):
    answer = post(client, address)
    assert answer.status_code == HTTPStatus.BAD_REQUEST
    body = answer.content.decode()
    assert says in body and "There is a problem" in body
    assert "<script>@" not in body
    assert not Subscriber.objects.exists()
    assert not FormUse.objects.exists()
    assert not jobs("send_confirmation").exists()


def test_no_choice_is_refused_with_a_message(client):
    answer = post(client, "reader@example.org", kinds=[])
    assert answer.status_code == HTTPStatus.BAD_REQUEST
    assert "Choose at least one kind of alert." in answer.content.decode()
    assert not Subscriber.objects.exists()


def test_a_robot_filling_the_hidden_field_is_told_nothing_and_nothing_is_kept(client):
    answer = post(client, "reader@example.org", website="http://spam.example")
    assert answer.status_code == HTTPStatus.OK and "Check your email" in answer.content.decode()
    assert not Subscriber.objects.exists() and not jobs("send_confirmation").exists()


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_SEC_FETCH_SITE": "cross-site"}],
)
def test_a_form_posted_from_another_site_is_refused(client, headers):
    answer = client.post(
        SUBSCRIBE, {"email": "victim@example.org", "kinds": ["release"]}, **headers
    )
    assert answer.status_code == HTTPStatus.FORBIDDEN
    assert "not sent from our site" in answer.content.decode()
    assert not Subscriber.objects.exists()


def test_the_form_pages_take_posts_and_every_other_public_page_still_refuses_them(client):
    assert client.post("/years/").status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.put(SUBSCRIBE).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.get(SUBSCRIBE).status_code == HTTPStatus.OK
    assert client.get(SUBSCRIBE)["Cache-Control"].startswith("max-age=0")


def confirm_link(subscriber):
    return f"/alerts/confirm/{subscriptions.confirmation_token(subscriber)}/"


def test_confirming_takes_a_button_press_so_a_link_scanner_confirms_nothing(client):
    post(client, "reader@example.org")
    subscriber = Subscriber.objects.get()
    page = client.get(confirm_link(subscriber))
    assert page.status_code == HTTPStatus.OK and "Confirm my alerts" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.state == SubscriberState.PENDING
    done = client.post(confirm_link(subscriber))
    assert "Your alerts are confirmed" in done.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.state == SubscriberState.ACTIVE


def test_a_confirmation_link_older_than_7_days_is_refused_with_a_clear_page(client):
    post(client, "reader@example.org")
    link = confirm_link(Subscriber.objects.get())
    with time_machine.travel(datetime.timedelta(days=7, minutes=1)):
        answer = client.post(link)
    assert answer.status_code == HTTPStatus.GONE
    assert "This link has expired" in answer.content.decode()
    assert Subscriber.objects.get().state == SubscriberState.PENDING


def test_a_forged_confirmation_link_confirms_nothing(client):
    post(client, "reader@example.org")
    link = confirm_link(Subscriber.objects.get())
    answer = client.post(link[:-3] + "xx/")
    assert answer.status_code == HTTPStatus.NOT_FOUND
    assert Subscriber.objects.get().state == SubscriberState.PENDING


def test_unsubscribing_is_one_button_and_a_post_with_no_sign_in(client):
    subscriber = Subscriber.objects.create(email="r@example.org", state=SubscriberState.ACTIVE)
    link = f"/alerts/unsubscribe/{subscriber.token}/"
    page = client.get(link)
    main = page.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    assert main.count("<button") == 1
    subscriber.refresh_from_db()
    assert subscriber.state == SubscriberState.ACTIVE  # opening the link ended nothing
    done = client.post(link, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == HTTPStatus.OK and "You are unsubscribed" in done.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.state == SubscriberState.ENDED and subscriber.ended_because == "unsubscribed"
    assert client.post(link).status_code == HTTPStatus.OK  # twice: still a plain answer


def test_an_unknown_link_says_so(client):
    assert client.get("/alerts/unsubscribe/nothing-here/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/alerts/manage/nothing-here/").status_code == HTTPStatus.NOT_FOUND


def test_managing_changes_the_choices_and_refuses_none(client):
    subscriber = Subscriber.objects.create(email="r@example.org", state=SubscriberState.ACTIVE)
    link = f"/alerts/manage/{subscriber.token}/"
    assert 'value="release" checked' in client.get(link).content.decode()
    saved = client.post(link, {"kinds": ["correction", "calendar"]})
    assert "Saved" in saved.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.kinds == ["correction", "calendar"]
    none = client.post(link, {})
    assert none.status_code == HTTPStatus.BAD_REQUEST
    assert "Choose at least one kind of alert." in none.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.kinds == ["correction", "calendar"]


def test_an_ended_address_asking_again_starts_over_as_pending(client):
    Subscriber.objects.create(
        email="back@example.org",
        state=SubscriberState.ENDED,
        ended_at=datetime.datetime.now(datetime.UTC),
        ended_because="unsubscribed",
    )
    post(client, "back@example.org", kinds=["correction"])
    subscriber = Subscriber.objects.get()
    assert subscriber.state == SubscriberState.PENDING and subscriber.kinds == ["correction"]
