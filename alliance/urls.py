from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from stats import health

if settings.OTP_REQUIRED:
    from django_otp.admin import OTPAdminSite

    # Staff sign in with a one-time code as well as their password.
    admin.site.__class__ = OTPAdminSite

admin.site.site_header = f"{settings.OPERATION_NAME} results: press office"
admin.site.site_title = f"{settings.OPERATION_NAME} admin"
admin.site.index_title = "Years, figures and quotes"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("stats.urls")),
]
