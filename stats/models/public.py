"""The queryset of every model shown on a public page: bulk writes, which skip save() and its
signals, send `bulk_written` instead, which stats/signals.py hands to the page cache, so no
page outlives the content it shows."""

from django.db import models
from django.dispatch import Signal

# Sent after a queryset update(), bulk_create() or bulk_update() wrote rows (sender: the model).
bulk_written = Signal()


def _changed(model):
    bulk_written.send(sender=model)


class PublicQuerySet(models.QuerySet):
    def update(self, **kwargs):
        rows = super().update(**kwargs)
        if rows:
            _changed(self.model)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            _changed(self.model)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        if rows:
            _changed(self.model)
        return rows
