"""The technical sections other apps add to the admin: superusers only.

django-axes (sign-in attempts and lockouts) and django-otp (authenticator devices, with their
secret keys) register admin screens of their own. They are no part of a press officer's job,
so whatever permissions a group is given, only superusers see them or use them. Every admin
registered by a third-party app is wrapped here, so one added later is covered too
(tests/test_accounts.py fails if one is not).
"""

# Imported for their side effect, so both are registered before they are wrapped below.
import axes.admin  # noqa: F401
import django_otp.plugins.otp_totp.admin  # noqa: F401
from django.contrib import admin

# Our own screens, and accounts and groups (which follow the permissions they are given).
OURS = {"stats", "auth"}


class SuperusersOnly:
    """Mixed in ahead of a ModelAdmin: nothing in it for anyone but an active superuser."""

    @staticmethod
    def _superuser(request):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._superuser(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args, **kwargs):
        return self._superuser(request) and super().has_add_permission(request, *args, **kwargs)

    def has_change_permission(self, request, obj=None):
        return self._superuser(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._superuser(request) and super().has_delete_permission(request, obj)


def superusers_only(site=admin.site):
    """Re-register every third-party admin on `site` with SuperusersOnly in front of it."""
    for model, model_admin in list(site._registry.items()):
        if model._meta.app_label in OURS or isinstance(model_admin, SuperusersOnly):
            continue
        base = type(model_admin)
        wrapped = type(base.__name__, (SuperusersOnly, base), {"__module__": __name__})
        site.unregister(model)
        site.register(model, wrapped)


superusers_only()
