from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from stats.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the 2022 demo year from the force's press release. Running it twice changes nothing."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "Refusing to load demo data where ENVIRONMENT=production: the public would read "
                "it as the force's results."
            )
        if load_demo():
            self.stdout.write(self.style.SUCCESS("Loaded the 2022 demo year."))
        else:
            self.stdout.write("The 2022 demo year is already loaded: nothing changed.")
