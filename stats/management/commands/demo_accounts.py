"""Demo accounts for trying the press office admin on a development machine (`make demo-accounts`).

A press officer, a publisher and a superuser, each with a new random password printed here.
Running it again makes no second set: it puts the same three accounts back as they should be
(active, staff, in their group) and prints new passwords, so a lost one is never a problem.
It refuses to run in production, where every account belongs to a real person.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# user name, group (None: a superuser), what they can do
ACCOUNTS = [
    ("demo-officer", "Press officers", "enters and corrects years"),
    ("demo-publisher", "Publishers", "also publishes, schedules and shares previews"),
    ("demo-admin", None, "superuser: everything, accounts and technical screens too"),
]


class Command(BaseCommand):
    help = (
        "Development only: make (or reset) a demo press officer, publisher and superuser, "
        "and print their new passwords."
    )

    def handle(self, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "Refusing to make demo accounts in production: give each person their own "
                "account (python manage.py createsuperuser, then the admin's Users page)."
            )
        User = get_user_model()
        made = []
        with transaction.atomic():
            for username, group, job in ACCOUNTS:
                user = User.objects.filter(username=username).first() or User(username=username)
                password = secrets.token_urlsafe(12)
                user.email = f"{username}@example.org"
                user.is_active = user.is_staff = True
                user.is_superuser = group is None
                user.set_password(password)
                user.save()
                user.groups.set([Group.objects.get(name=group)] if group else [])
                made.append((username, password, group or "", job))

        address = f"http://127.0.0.1:8000/{settings.ADMIN_URL}"
        self.stdout.write(f"Demo accounts (development only). Sign in at {address}")
        for username, password, group, job in made:
            self.stdout.write(f"  {username:<15} {password:<17} {group:<15} {job}")
        self.stdout.write("Running this again gives them new passwords.")
        if settings.OTP_REQUIRED:
            self.stdout.write("OTP_REQUIRED is on: each sets up an authenticator app at sign-in.")
