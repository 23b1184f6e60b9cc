"""Staff set up their own authenticator app: a QR code to scan, one code back to confirm.

With OTP_REQUIRED (production) the admin's sign-in asks for a password and a code. Someone
with a correct password but no confirmed authenticator app yet is signed in with the password
alone and sent to this page, the only one open to them: django-otp's OTPAdminSite turns away
every unverified session. Once a code from the new app is confirmed the session is verified
and the admin opens. Someone who already has an app sees it here and may replace it, but only
from a session verified with it (or after typing a code from it): a password alone, or a
borrowed session that was never verified, cannot swap it for an attacker's.

alliance/urls.py routes this page, and the admin's sign-in page, ahead of the admin's own URLs.
"""

import base64

import django_otp
from django import forms
from django.conf import settings
from django.contrib import admin, auth, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import BLANK_CHOICE_DASH
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_totp.models import TOTPDevice

from stats.admin import sign_in

DEVICE_NAME = "Authenticator app"
URL_NAME = "staff_authenticator"


def _is_verified(user):
    # After auth.login() request.user is the bare user, without django-otp's is_verified().
    return getattr(user, "otp_device", None) is not None


def needs_enrolment(user):
    """Signed in with a password, staff, and no confirmed authenticator app to verify with."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and not _is_verified(user)
        and not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


class LoginForm(OTPAdminAuthenticationForm):
    """django-otp's sign-in form, with two changes: someone with no authenticator app yet signs
    in with the password alone (to reach this page and nothing else), and someone with exactly
    one app need not pick it from a list first."""

    def clean(self):
        self.cleaned_data = AdminAuthenticationForm.clean(self)  # password, active, staff
        user = self.get_user()
        if user is not None and TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            try:
                self.clean_otp(user)
            except forms.ValidationError:
                # A wrong or missing code counts as a failed sign-in (django-axes), and the
                # page says what it says for a wrong password: no "Invalid token", no list of
                # the account's devices, no password kept in the field.
                sign_in.second_factor_failed(self.request, self.cleaned_data.get("username"))
                self.fields["otp_device"].widget.choices = BLANK_CHOICE_DASH
                self.fields["password"].widget.render_value = False
                raise self.get_invalid_login_error() from None
        return self.cleaned_data

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is None and not self.cleaned_data.get("otp_device"):
            # Called inside clean_otp's transaction: locked, as django-otp locks its own pick.
            apps = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
            apps = list(apps[:2])
            if len(apps) == 1:
                device = apps[0]
        return device


class OTPAdminSiteWithEnrolment(OTPAdminSite):
    """The admin with a second factor (alliance/urls.py swaps it in when OTP_REQUIRED)."""

    login_form = LoginForm

    def login(self, request, extra_context=None):
        if request.method == "GET" and needs_enrolment(request.user):
            return redirect(URL_NAME)
        response = super().login(request, extra_context)
        if request.method == "POST" and needs_enrolment(request.user):
            return redirect(URL_NAME)
        return response


def admin_login(request):
    """The admin's sign-in page, looked up on the site when asked for rather than when the URLs
    were built, so it follows the class alliance/urls.py (or a test) gives admin.site."""
    return admin.site.login(request)


TYPE_THE_CODE = "Type the 6 numbers the app shows, for example 123456."


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=20,
        error_messages={"required": TYPE_THE_CODE, "max_length": TYPE_THE_CODE},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": 8}
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError(TYPE_THE_CODE)
        return code


def _check(form, user, device, request=None):
    """Whether the form holds a current code from `device`; if not, says why on the form. With
    `request`, a wrong code counts as a failed sign-in (stats/admin/sign_in.py)."""
    if not form.is_valid():
        return False
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        form.add_error(
            "code", "Too many wrong codes in a row. Wait a minute, then type the newest code."
        )
        return False
    if django_otp.verify_token(user, device.persistent_id, form.cleaned_data["code"]) is None:
        if request is not None:
            sign_in.second_factor_failed(request, user.get_username())
        form.add_error(
            "code",
            "That code is not right. Type the code the app shows now for this account; "
            "a code changes every 30 seconds.",
        )
        return False
    return True


def qr_code_svg(text):
    """`text` as a QR code in inline SVG: one black path on a white square, no style."""
    # Loaded when a QR code is drawn (first sign-ins only), not by every worker at start.
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, border=4)
    root = image.get_image()
    root.attrib.pop("version", None)
    root.set("width", "240")
    root.set("height", "240")
    root.set("role", "img")
    root.set("aria-labelledby", "qr-label")
    root.set("shape-rendering", "crispEdges")
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 - our own drawing


def _secret(device):
    """The key as people type it into an app by hand: base32 in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@never_cache
@sensitive_post_parameters("code")
def authenticator(request):
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    current = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").last()
    # Someone with an app may only see or confirm a replacement from a verified session.
    may_replace = current is None or _is_verified(user)
    pending = None
    if may_replace:
        pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").last()
    action = request.POST.get("action") if request.method == "POST" else None
    form = CodeForm(request.POST if action in ("confirm", "start") else None)

    if action == "sign-out":
        auth.logout(request)
        return redirect("admin:login")
    if action == "cancel" and current is not None and pending is not None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        messages.info(request, "Nothing changed: your authenticator app is the same as before.")
        return redirect(URL_NAME)
    if action == "start" and current is not None:
        # A code from the app already set up is a second factor: a wrong one is a failed
        # sign-in. (A mistyped code for a new app is not, but django-otp throttles it.)
        if may_replace or _check(form, user, current, request):
            if not may_replace:
                request.session.cycle_key()
                django_otp.login(request, current)
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
            return redirect(URL_NAME)
        form.fields["code"].label = "Code from the app you have now"
    if action == "confirm" and pending is not None and _check(form, user, pending):
        with transaction.atomic():
            # The new app replaces any other; the old one stops working now, not before.
            TOTPDevice.objects.filter(user=user).exclude(pk=pending.pk).delete()
            pending.confirmed = True
            pending.save(update_fields=["confirmed"])
        request.session.cycle_key()
        django_otp.login(request, pending)
        messages.success(
            request, "Your authenticator app is set up. Sign in with a code from it from now on."
        )
        return redirect("admin:index")

    if current is None and pending is None:
        pending = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    context = {
        **admin.site.each_context(request),
        "title": "Your authenticator app",
        "current": current,
        "pending": pending,
        "may_replace": may_replace,
        "form": form,
        "action": action,
    }
    if not context["has_permission"]:
        context["available_apps"] = []  # nothing of the admin for someone who cannot enter it
    if pending is not None:
        context.update(
            qr_code=qr_code_svg(pending.config_url),
            config_url=pending.config_url,
            secret=_secret(pending),
            issuer=settings.OTP_TOTP_ISSUER,
        )
    return TemplateResponse(request, "admin/enrolment/authenticator.html", context)
