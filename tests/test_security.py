"""Security settings and headers, checked on real responses from the production configuration."""

import datetime
import subprocess
import sys
import urllib.error
import urllib.request
from http import HTTPStatus

import pytest
from django.utils import timezone

from stats.models.enums import Unit

from .factories import make_figure, make_measure, make_year, release
from .servers import (
    HTTPS,
    ROOT,
    NoRedirect,
    gunicorn,
    production_env,
    remove_committed_data,
)

# Every test here uses the test database: the module's server reads data committed to it.
pytestmark = pytest.mark.django_db


def run_manage(env, *args):
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.server
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DEBUG": "true"}, "DEBUG must be off"),
        ({"SECRET_KEY": "short-and-weak"}, "SECRET_KEY must be at least 50 random characters"),
        ({"SECRET_KEY": "a" * 60}, "SECRET_KEY must be at least 50 random characters"),
        ({"SECRET_KEY": ""}, "Set SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must name"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS must name"),
    ],
)
def test_production_refuses_to_start_with_an_unsafe_setting(override, message):
    result = run_manage(production_env(**override), "check")
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.server
@pytest.mark.django_db
def test_the_deployment_checklist_passes_in_production():
    result = run_manage(production_env(), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback
    opener = urllib.request.build_opener(NoRedirect)
    try:
        return opener.open(request, timeout=10)
    except urllib.error.HTTPError as error:
        return error


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """A production server over a year with a figure (committed, and removed afterwards)."""
    with django_db_blocker.unblock():
        year = make_year("2022")
        make_figure(
            year, make_measure(slug="drugs-seized", unit=Unit.MONEY, is_headline=True), "4000000"
        )
        release(year)
        try:
            with gunicorn(production_env()) as url:
                yield url
        finally:
            remove_committed_data()


@pytest.mark.server
def test_security_headers_on_a_public_page(site):
    response = fetch(site + "/years/2022/", HTTPS)
    assert response.status == HTTPStatus.OK
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert (
        "camera=()" in headers["Permissions-Policy"]
        and "geolocation=()" in headers["Permissions-Policy"]
    )


@pytest.mark.server
def test_the_same_headers_on_a_page_from_the_cache(site):
    first = fetch(site + "/years/2022/", HTTPS).headers
    again = fetch(site + "/years/2022/", HTTPS).headers
    for name in [
        "Content-Security-Policy",
        "Strict-Transport-Security",
        "X-Frame-Options",
        "Permissions-Policy",
    ]:
        assert again[name] == first[name]


@pytest.mark.server
def test_only_the_figure_embed_may_be_framed(site):
    for _ in range(2):  # rendered, then from the cache
        headers = fetch(site + "/years/2022/embed/drugs-seized/", HTTPS).headers
        assert "frame-ancestors *" in headers["Content-Security-Policy"]
        assert "X-Frame-Options" not in headers


@pytest.mark.server
def test_plain_http_is_sent_to_https_except_the_probes(site):
    response = fetch(site + "/years/2022/")
    assert response.status == HTTPStatus.MOVED_PERMANENTLY
    location = response.headers["Location"]
    assert location.startswith("https://127.0.0.1") and location.endswith("/years/2022/")
    assert fetch(site + "/healthz").status == HTTPStatus.OK


@pytest.mark.server
def test_admin_cookies_are_secure_host_only_and_the_login_asks_for_a_code(site):
    response = fetch(site + "/admin/login/", HTTPS)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-csrftoken=")
    assert (
        "Secure" in cookie
        and "HttpOnly" in cookie
        and "SameSite=Lax" in cookie
        and "Path=/" in cookie
    )
    page = response.read().decode()
    assert 'name="otp_token"' in page
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.server
def test_no_page_shows_a_stack_trace(site):
    for path in [
        "/years/%00/",
        "/years/../../etc/passwd",
        "/years/" + "9" * 5000 + "/",
        "/measures/%ff/",
    ]:
        response = fetch(site + path, HTTPS)
        body = response.read().decode(errors="replace")
        # gunicorn answers an overlong address itself with 414.
        plain = (HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND, HTTPStatus.REQUEST_URI_TOO_LONG)
        assert response.status in plain, path[:40]
        assert "Traceback" not in body and "django" not in body.lower(), path[:40]


def test_passwords_need_twelve_characters_and_not_a_common_one(settings):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["short1", "password1234", "123456789012"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("a-long-uncommon-passphrase")


@pytest.mark.django_db
def test_a_staff_member_gets_an_authenticator_device(capsys):
    from django.core.management import CommandError, call_command
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .factories import make_user

    user = make_user("olivia", "Press officers")
    call_command("add_totp_device", "olivia")
    assert "otpauth://totp/" in capsys.readouterr().out
    device = TOTPDevice.objects.get(user=user)
    assert device.verify_token(totp(device.bin_key))
    with pytest.raises(CommandError, match="No staff account"):
        call_command("add_totp_device", "nobody")


@pytest.mark.django_db
def test_admin_messages_set_no_cookie_of_their_own_and_never_hold_a_preview_address(client):
    from stats.models import PreviewLink

    from .factories import make_publishable_year, make_user, schedule

    make_measure(name="Drugs seized", unit=Unit.MONEY, is_headline=True)
    paul = make_user("paul", "Publishers")
    year = make_publishable_year()
    year.figures.update(value=4000000)  # as this module's committed 2022 has it: no slip
    year = schedule(year, paul, timezone.now() + datetime.timedelta(hours=2))
    client.force_login(paul)
    response = client.post(f"/admin/stats/year/{year.pk}/share/", {"organisation": "BBC"})
    assert response.status_code == HTTPStatus.FOUND
    # Django's default keeps messages in a "messages" cookie: no __Host- prefix, and readable
    # by anyone who sees the browser's cookies.
    assert "messages" not in response.cookies
    page = client.get(response["Location"]).content.decode()
    token = PreviewLink.objects.get().get_absolute_url()
    assert "Preview link for BBC made" in page
    message = page.split("Preview link for BBC made", 1)[1].split("</li>", 1)[0]
    assert token not in message and "/preview/" not in message


@pytest.mark.django_db
def test_the_measure_history_page_has_no_inline_style(client):
    from django.contrib.auth import get_user_model

    # Not "drugs-seized": this module's server keeps that measure committed until its end.
    measure = make_measure(slug="cash-seized")
    admin = get_user_model().objects.create_superuser("root", "r@example.org", "x-long-pass-123")
    client.force_login(admin)
    page = client.get(f"/admin/stats/measure/{measure.pk}/history/").content.decode()
    assert "change-history" in page  # simple_history's list is on the page
    assert "style=" not in page and "<style" not in page  # the CSP would block it
