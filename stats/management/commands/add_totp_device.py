from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Give a staff member an authenticator-app device and print the address to add it."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        user = get_user_model().objects.filter(username=username, is_staff=True).first()
        if user is None:
            raise CommandError(f"No staff account called {username!r}.")
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        self.stdout.write(
            "Add this to the authenticator app (a superuser can also show it as a QR code in "
            "Admin > TOTP devices):"
        )
        self.stdout.write(device.config_url)
        self.stdout.write(
            "Staff can also set up or replace their own app from a QR code at "
            f"/{settings.ADMIN_URL}authenticator/ (they are sent there when they have none)."
        )
