"""Any change to what the public can see makes a new content version, and another once it is
committed; a change to a page the public has seen also voids the last good copies
(stats/page_cache.py)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from . import page_cache
from .models import ChangeNote, Figure, Measure, NextRelease, OldSlug, Quote, Year

PUBLIC_MODELS = [Year, Figure, Quote, ChangeNote, Measure, NextRelease, OldSlug]


def content_changed(sender, instance, **kwargs):
    # A correction: no outage may serve a page showing what it replaced.
    renew = (
        page_cache.void_last_good_copies
        if _part_of_a_public_page(instance)
        else page_cache.new_version
    )
    renew()
    # And again once the change is committed: until then other requests still read the old
    # data, and a page they render meanwhile would be kept under the version made above.
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(renew)


def _part_of_a_public_page(instance):
    """Whether the record is, or was, on a page the public has seen."""
    if isinstance(instance, Year):
        return instance.has_been_public
    if isinstance(instance, Measure):
        return True  # its name is on the page of every year that has a figure for it
    year_id = getattr(instance, "year_id", None)  # figures, quotes, change notes, old addresses
    return (
        year_id is not None
        and Year.objects.filter(pk=year_id, published_at__lte=timezone.now()).exists()
    )


def connect():
    for model in PUBLIC_MODELS:
        post_save.connect(
            content_changed, sender=model, dispatch_uid=f"page-cache-{model.__name__}"
        )
        post_delete.connect(
            content_changed, sender=model, dispatch_uid=f"page-cache-del-{model.__name__}"
        )
