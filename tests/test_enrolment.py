"""Staff set up their own authenticator app: a QR code, one code back, and the admin opens."""

import re
import time
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from stats.admin.enrolment import OTPAdminSiteWithEnrolment, qr_code_svg

from .factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PAGE = "/admin/authenticator/"
LOGIN = "/admin/login/"


@pytest.fixture
def otp_required(settings):
    """The admin as production runs it (OTP_REQUIRED): alliance/urls.py swaps the class in."""
    settings.OTP_REQUIRED = True
    before = admin.site.__class__
    admin.site.__class__ = OTPAdminSiteWithEnrolment
    yield
    admin.site.__class__ = before


def code(device, ahead=0):
    """A code the device's app would show: the next one not yet used, `ahead` steps later."""
    device.refresh_from_db()
    now = (int(time.time()) - device.t0) // device.step
    wanted = max(now + device.drift, device.last_t + 1) + ahead
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, wanted - now):06d}"


def wrong_code(device):
    right = {code(device, ahead) for ahead in (-2, -1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222") if c not in right)


def sign_in(client, username, otp_token=""):
    return client.post(
        LOGIN,
        {"username": username, "password": PASSWORD, "otp_token": otp_token, "next": "/admin/"},
    )


def pending_device(user):
    return TOTPDevice.objects.get(user=user, confirmed=False)


def test_a_newcomer_enrols_from_a_qr_code_and_the_admin_opens(client, otp_required):
    user = make_user("nina", "Press officers")

    # A correct password and no app yet: signed in to set one up, and to nothing else.
    response = sign_in(client, "nina")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == PAGE
    for path in ["/admin/", "/admin/stats/year/", "/admin/stats/year/add/", LOGIN]:
        response = client.get(path, follow=True)
        assert response.redirect_chain[-1][0] == PAGE, path
        assert b"Years, figures and quotes" not in response.content

    page = client.get(PAGE)
    assert page.status_code == HTTPStatus.OK
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    html = page.content.decode()
    device = pending_device(user)
    assert "<svg" in html and 'role="img"' in html and 'aria-labelledby="qr-label"' in html
    assert device.config_url.replace("&", "&amp;") in html  # the link for an app on this phone
    # The strict CSP: no style attributes or elements, no inline scripts, anywhere on the page.
    assert not re.search(r"\sstyle=|<style", html)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "unsafe-inline" not in page["Content-Security-Policy"]
    # Reloading shows the same code: a scanned app stays right.
    client.get(PAGE)
    assert pending_device(user).pk == device.pk

    response = client.post(PAGE, {"action": "confirm", "code": code(device)})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:index")
    device.refresh_from_db()
    assert device.confirmed
    index = client.get("/admin/")
    assert index.status_code == HTTPStatus.OK
    assert b"Your authenticator app is set up" in index.content

    # From now on the app's code is needed with the password; a password alone opens nothing.
    client.logout()
    response = sign_in(client, "nina")
    assert response.status_code == HTTPStatus.OK
    assert client.get("/admin/").status_code == HTTPStatus.FOUND
    assert client.get(PAGE)["Location"].startswith(LOGIN)
    response = sign_in(client, "nina", code(device))  # one app: no need to pick it from a list
    assert response.status_code == HTTPStatus.FOUND
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_a_wrong_code_is_refused_in_plain_words(client, otp_required, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # the wait after a wrong code, long enough to see
    user = make_user("nina", "Press officers")
    sign_in(client, "nina")
    client.get(PAGE)
    device = pending_device(user)

    response = client.post(PAGE, {"action": "confirm", "code": wrong_code(device)})
    assert response.status_code == HTTPStatus.OK
    assert "That code is not right" in response.content.decode()
    response = client.post(PAGE, {"action": "confirm", "code": "12ab"})
    assert "Type the 6 numbers the app shows" in response.content.decode()
    assert not pending_device(user).confirmed
    assert client.get("/admin/", follow=True).redirect_chain[-1][0] == PAGE
    # Straight after a wrong code django-otp makes people wait, and says so.
    response = client.post(PAGE, {"action": "confirm", "code": code(device)})
    assert "Too many wrong codes in a row" in response.content.decode()

    # Not now: they can sign out from the page.
    response = client.post(PAGE, {"action": "sign-out"})
    assert response["Location"] == LOGIN
    assert client.get(PAGE)["Location"].startswith(LOGIN)


def test_the_qr_code_is_inline_svg_without_styles():
    svg = qr_code_svg("otpauth://totp/Operation%20Alliance:nina?secret=ABCDEFGH")
    assert svg.startswith("<svg") and 'viewBox="0 0 ' in svg
    assert 'width="240"' in svg and "<path" in svg and 'fill="white"' in svg
    assert "style" not in svg and "<script" not in svg


def test_anonymous_people_are_sent_to_sign_in(client, otp_required):
    response = client.get(PAGE)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{LOGIN}?next={PAGE}"
    response = client.post(PAGE, {"action": "start"})
    assert response["Location"].startswith(LOGIN)
    assert not TOTPDevice.objects.exists()


def test_someone_with_an_app_replaces_it_from_a_verified_session(client, otp_required):
    user = make_user("olivia", "Publishers")
    call_command("add_totp_device", "olivia", stdout=None)
    old = TOTPDevice.objects.get(user=user)

    # With an app, a password alone is not a session at all.
    response = sign_in(client, "olivia")
    assert response.status_code == HTTPStatus.OK
    assert client.get(PAGE)["Location"].startswith(LOGIN)

    sign_in(client, "olivia", code(old))
    page = client.get(PAGE).content.decode()
    assert "You sign in with codes from the authenticator app" in page
    assert "qr-label" not in page  # no new secret shown until asked for

    assert client.post(PAGE, {"action": "start"}).status_code == HTTPStatus.FOUND
    new = pending_device(user)
    page = client.get(PAGE).content.decode()
    assert "qr-label" in page and "Keep the app I have" in page
    # Until the new app is confirmed, the old one still signs in.
    assert TOTPDevice.objects.get(pk=old.pk).confirmed

    response = client.post(PAGE, {"action": "confirm", "code": code(new)})
    assert response["Location"] == reverse("admin:index")
    assert list(TOTPDevice.objects.filter(user=user)) == [new]
    assert TOTPDevice.objects.get(pk=new.pk).confirmed
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_a_replacement_can_be_abandoned(client, otp_required):
    user = make_user("olivia", "Publishers")
    call_command("add_totp_device", "olivia", stdout=None)
    old = TOTPDevice.objects.get(user=user)
    sign_in(client, "olivia", code(old))
    client.post(PAGE, {"action": "start"})
    response = client.post(PAGE, {"action": "cancel"})
    assert response.status_code == HTTPStatus.FOUND
    assert list(TOTPDevice.objects.filter(user=user)) == [old]


def test_an_unverified_session_cannot_silently_replace_an_app(client):
    # Without OTP_REQUIRED (development) staff sign in with a password alone; someone who has
    # an app must still prove it with a code from it before a new one can take its place.
    user = make_user("olivia", "Publishers")
    call_command("add_totp_device", "olivia", stdout=None)
    old = TOTPDevice.objects.get(user=user)
    client.force_login(user)

    page = client.get(PAGE).content.decode()
    assert "type a code from the app you have now" in page and "qr-label" not in page
    response = client.post(PAGE, {"action": "start"})
    assert "Type the 6 numbers the app shows" in response.content.decode()
    response = client.post(PAGE, {"action": "start", "code": wrong_code(old)})
    assert "That code is not right" in response.content.decode()
    assert list(TOTPDevice.objects.filter(user=user)) == [old]

    # A replacement begun from a verified session cannot be confirmed from another one.
    other = client.__class__()
    other.force_login(user)
    time.sleep(2)  # django-otp's wait after the wrong code above
    other.post(PAGE, {"action": "start", "code": code(old)})
    new = pending_device(user)
    response = client.post(PAGE, {"action": "confirm", "code": code(new)})
    assert response.status_code == HTTPStatus.OK
    assert TOTPDevice.objects.get(pk=old.pk).confirmed
    assert not TOTPDevice.objects.get(pk=new.pk).confirmed
    assert "qr-label" not in response.content.decode()
