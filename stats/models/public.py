"""The queryset of every model shown on a public page: bulk writes, which skip save() and its
signals, still tell the page cache (stats/signals.py), so no page outlives the content it
shows."""

from django.db import models


def _changed():
    from ..signals import public_content_changed  # the models load before the signals

    public_content_changed(void=True)


class PublicQuerySet(models.QuerySet):
    def update(self, **kwargs):
        rows = super().update(**kwargs)
        if rows:
            _changed()
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            _changed()
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        if rows:
            _changed()
        return rows
