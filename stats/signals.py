"""Any change to what the public can see makes a new content version (stats/page_cache.py)."""

from django.db.models.signals import post_delete, post_save

from . import page_cache
from .models import ChangeNote, Figure, Measure, NextRelease, OldSlug, Quote, Year

PUBLIC_MODELS = [Year, Figure, Quote, ChangeNote, Measure, NextRelease, OldSlug]


def content_changed(sender, **kwargs):
    page_cache.new_version()


def connect():
    for model in PUBLIC_MODELS:
        post_save.connect(
            content_changed, sender=model, dispatch_uid=f"page-cache-{model.__name__}"
        )
        post_delete.connect(
            content_changed, sender=model, dispatch_uid=f"page-cache-del-{model.__name__}"
        )
