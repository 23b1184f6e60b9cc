from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from stats.admin import enrolment
from stats.public import health

if settings.OTP_REQUIRED:
    # Staff sign in with a one-time code as well as their password; someone with no
    # authenticator app yet signs in with the password and is sent to set one up.
    admin.site.__class__ = enrolment.OTPAdminSiteWithEnrolment

admin.site.site_header = f"{settings.OPERATION_NAME} results: press office"
admin.site.site_title = f"{settings.OPERATION_NAME} admin"
admin.site.index_title = "Years, figures and quotes"
# The admin's side menu would leave the year's figure grid too little room on a laptop screen.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Ahead of the admin's own: staff set up their authenticator app, and the sign-in page
    # (the admin's own view, looked up on each request) sends them there when they have none.
    path(
        settings.ADMIN_URL + "authenticator/",
        enrolment.authenticator,
        name=enrolment.URL_NAME,
    ),
    path(settings.ADMIN_URL + "login/", enrolment.admin_login),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("stats.urls")),
]
if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    # A provider's bounce reports (django-anymail's tracking webhooks): they end dead
    # addresses' alerts (stats/alerts/bounces.py).
    urlpatterns.append(path("anymail/", include("anymail.urls")))
