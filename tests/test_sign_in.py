"""Sign-in throttling a stranger cannot turn against the press office (stats/admin/sign_in.py):
addresses from the trusted proxy only, lockout by (name, address), a generous lockout per
address, and a wrong second factor counted like a wrong password. Through the real proxy too:
tests/test_front_door.py."""

from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django_otp.plugins.otp_totp.models import TOTPDevice

from .factories import PASSWORD, make_user
from .test_enrolment import code, otp_required, wrong_code  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PROXY = "127.0.0.1"  # TRUSTED_PROXIES' default
WRONG_PASSWORD_SAYS = "Please enter the correct username and password"


def attempt(client, username, password="wrong", via=PROXY, visitor=None, **extra):  # noqa: S107
    headers = {"REMOTE_ADDR": via}
    if visitor:
        headers["HTTP_X_FORWARDED_FOR"] = visitor
    data = {"username": username, "password": password, "next": "/admin/", **extra}
    return client.post(LOGIN, data, **headers)


def failures_from(address):
    return sum(a.failures_since_start for a in AccessAttempt.objects.filter(ip_address=address))


def test_the_forwarded_address_is_believed_only_from_the_trusted_proxy(client):
    attempt(client, "olivia", visitor="198.51.100.7")
    assert failures_from("198.51.100.7") == 1
    # Straight from somewhere else, a made-up header is ignored: the sender's own address counts.
    attempt(client, "olivia", via="203.0.113.5", visitor="198.51.100.99")
    assert failures_from("203.0.113.5") == 1 and failures_from("198.51.100.99") == 0


def test_nobody_elsewhere_can_lock_a_press_officer_out(client, settings):
    make_user("olivia", "Press officers")
    for name in ["olivia"] * settings.AXES_FAILURE_LIMIT + ["a", "b", "c", "d", "e"]:
        attempt(client, name, visitor="198.51.100.66")
    # The attacker's own tries at her name are locked...
    refused = attempt(client, "olivia", PASSWORD, visitor="198.51.100.66")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    # ...she, from the office, is not: the lockout is for the pair (name, address).
    signed_in = attempt(client, "olivia", PASSWORD, visitor="192.0.2.10")
    assert signed_in.status_code == HTTPStatus.FOUND and signed_in["Location"] == "/admin/"


def test_an_address_failing_with_many_names_is_locked_out_as_a_whole(client, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    make_user("olivia", "Press officers")
    for number in range(12):
        attempt(client, f"guess{number}", visitor="198.51.100.66")
    refused = attempt(client, "olivia", PASSWORD, visitor="198.51.100.66")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert attempt(client, "olivia", PASSWORD, visitor="192.0.2.10").status_code == HTTPStatus.FOUND


@pytest.mark.usefixtures("otp_required")
class TestSecondFactor:
    @pytest.fixture
    def device(self):
        user = make_user("olivia", "Press officers")
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)

    @pytest.mark.parametrize("token", ["wrong", ""])
    def test_a_wrong_or_missing_code_reads_like_a_wrong_password(self, client, device, token):
        wrong_password = attempt(client, "olivia", "not-her-password", otp_token="123456")
        token = wrong_code(device) if token == "wrong" else ""
        wrong_code_page = attempt(client, "olivia", PASSWORD, otp_token=token)
        for response in (wrong_password, wrong_code_page):
            page = response.content.decode()
            assert response.status_code == HTTPStatus.OK
            assert WRONG_PASSWORD_SAYS in page
            for tell in ["Invalid token", "select a device", "OTP token", "Authenticator app"]:
                assert tell not in page
            assert PASSWORD not in page  # the right password is not kept in the field
        assert failures_from(PROXY) == 2  # both counted

    def test_wrong_codes_lock_the_account_out_like_wrong_passwords(self, client, device, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(client, "olivia", PASSWORD, otp_token=wrong_code(device))
        refused = attempt(client, "olivia", PASSWORD, otp_token=code(device))
        assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS

    def test_a_wrong_code_to_replace_the_app_counts_too(self, client, device):
        # A session signed in with the password alone (before the app was set up) must type a
        # code from the app to replace it: a wrong one is a failed sign-in.
        client.force_login(device.user)
        response = client.post(
            "/admin/authenticator/", {"action": "start", "code": wrong_code(device)}
        )
        assert "That code is not right" in response.content.decode()
        assert failures_from(PROXY) == 1
