"""Staff accounts: the technical admin screens are for superusers alone; demo accounts for a
newcomer; `python manage.py` typed by hand finds the same database as make."""

import os
import re
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from stats.admin.technical import OURS, SuperusersOnly

from .factories import make_user

ROOT = Path(__file__).resolve().parent.parent

TECHNICAL = [AccessAttempt, AccessLog, AccessFailureLog, TOTPDevice]


def technical_records():
    """One of each technical record, so every change page has something to show."""
    owner = make_user("owner")
    seen = {"user_agent": "test", "ip_address": "192.0.2.1", "username": "someone"}
    return {
        AccessAttempt: AccessAttempt.objects.create(
            **seen, get_data="", post_data="", failures_since_start=1
        ),
        AccessLog: AccessLog.objects.create(**seen),
        AccessFailureLog: AccessFailureLog.objects.create(**seen),
        TOTPDevice: TOTPDevice.objects.create(user=owner, name="Authenticator app"),
    }


def urls(model, obj):
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    found = [
        reverse(f"{name}_changelist"),
        reverse(f"{name}_change", args=[obj.pk]),
        reverse(f"{name}_history", args=[obj.pk]),
        reverse(f"{name}_delete", args=[obj.pk]),
    ]
    if model is TOTPDevice:  # the device's secret, as an otpauth:// address and a QR code
        found += [
            reverse("admin:otp_totp_totpdevice_config", kwargs={"pk": obj.pk}),
            reverse("admin:otp_totp_totpdevice_qrcode", kwargs={"pk": obj.pk}),
        ]
    return found


def test_every_third_party_admin_is_for_superusers_only():
    # A new app's admin registered after ours would slip past the wrapping: this catches it.
    theirs = {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label not in OURS
    }
    assert set(TECHNICAL) <= set(theirs)
    for model, model_admin in theirs.items():
        assert isinstance(model_admin, SuperusersOnly), model


@pytest.mark.django_db
@pytest.mark.parametrize("group", ["Press officers", "Publishers"])
def test_press_office_staff_never_see_the_technical_screens(client, group):
    records = technical_records()
    # Even a group given every permission on them does not open them.
    everything = Permission.objects.filter(content_type__app_label__in=["axes", "otp_totp"])
    Group.objects.get(name=group).permissions.add(*everything)
    client.force_login(make_user("pat", group))

    index = client.get(reverse("admin:index"))
    assert index.status_code == HTTPStatus.OK
    shown = {m["object_name"] for app in index.context["app_list"] for m in app["models"]}
    assert "Year" in shown
    assert not shown & {model.__name__ for model in TECHNICAL}
    page = index.content.decode()
    for words in ["Access attempts", "Access logs", "TOTP devices", "/admin/axes/"]:
        assert words not in page

    for model, obj in records.items():
        for url in urls(model, obj) + [
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        ]:
            assert client.get(url).status_code == HTTPStatus.FORBIDDEN, url
        # Nor can they be changed or deleted by posting.
        delete = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_delete", args=[obj.pk]
        )
        assert client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
        assert model.objects.filter(pk=obj.pk).exists()
    for app_label in ["axes", "otp_totp"]:
        url = reverse("admin:app_list", args=[app_label])
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_a_superuser_sees_and_uses_them(client):
    records = technical_records()
    client.force_login(make_user("root", is_superuser=True))

    index = client.get(reverse("admin:index"))
    shown = {m["object_name"] for app in index.context["app_list"] for m in app["models"]}
    assert {model.__name__ for model in TECHNICAL} <= shown
    for model, obj in records.items():
        for url in urls(model, obj):
            assert client.get(url).status_code == HTTPStatus.OK, url
    device = records[TOTPDevice]
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FOUND
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    # An account that is no longer a superuser loses them at once.
    User.objects.filter(username="root").update(is_superuser=False)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def demo_accounts(capsys):
    call_command("demo_accounts")
    out = capsys.readouterr().out
    return dict(re.findall(r"^  (demo-\S+) +(\S+)", out, re.MULTILINE))


@pytest.mark.django_db
def test_demo_accounts_for_a_newcomer(capsys):
    passwords = demo_accounts(capsys)
    assert set(passwords) == {"demo-officer", "demo-publisher", "demo-admin"}
    users = {user.username: user for user in User.objects.filter(username__startswith="demo-")}
    for username, password in passwords.items():
        assert users[username].is_staff and users[username].check_password(password)
    assert [g.name for g in users["demo-officer"].groups.all()] == ["Press officers"]
    assert [g.name for g in users["demo-publisher"].groups.all()] == ["Publishers"]
    assert users["demo-admin"].is_superuser and not users["demo-officer"].is_superuser

    # Again: the same three accounts, put back as they should be, with new passwords.
    User.objects.filter(username="demo-officer").update(is_active=False)
    again = demo_accounts(capsys)
    assert User.objects.filter(username__startswith="demo-").count() == 3
    officer = User.objects.get(username="demo-officer")
    assert officer.pk == users["demo-officer"].pk and officer.is_active
    assert officer.check_password(again["demo-officer"])
    assert not officer.check_password(passwords["demo-officer"])


@pytest.mark.django_db
def test_demo_accounts_are_refused_in_production(settings, capsys):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="Refusing to make demo accounts in production"):
        call_command("demo_accounts")
    assert not User.objects.filter(username__startswith="demo-").exists()
    assert "demo-" not in capsys.readouterr().out


def manage_py_by_hand(**environ):
    """`python manage.py ...` as someone types it: the machine's python, not the venv's, and
    no DATABASE_URL. Prints the database address settings chose, and the python that ran."""
    unset = ("DATABASE_URL", "LOCAL_PG_PORT", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(DEBUG="true", **environ)
    code = (
        "import sys; from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['HOST'], d['PORT'], d['NAME'], sys.prefix)"
    )
    machine_python = Path(sys.base_prefix) / "bin" / "python3"
    ran = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [machine_python, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return ran.stdout.split()


@pytest.mark.server
def test_manage_py_by_hand_uses_the_database_make_uses():
    dotenv = ROOT / ".env"
    if dotenv.exists() and re.search(
        r"^\s*(DATABASE_URL|LOCAL_PG_PORT)=", dotenv.read_text(), re.M
    ):
        pytest.skip(".env chooses the database")
    host, port, name, prefix = manage_py_by_hand(LOCAL_PG_PORT="55555")
    assert (host, port, name) == ("127.0.0.1", "55555", "alliance")
    # The machine's python has no Django: manage.py ran itself again with the venv's.
    assert Path(prefix).resolve() == (ROOT / ".venv").resolve()
    assert manage_py_by_hand()[:3] == ["127.0.0.1", "54329", "alliance"]
