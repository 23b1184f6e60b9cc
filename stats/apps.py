from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = "Results"

    def ready(self):
        from . import signals
        from .alerts import receivers

        signals.connect()
        receivers.connect()
