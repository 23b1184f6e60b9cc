"""What stats tells the page cache (stats/pagecache/): when public content changes, whether
the public had seen it, and when the next scheduled year goes public.

Every way of writing a public record is covered: save() and delete() by the signals below;
QuerySet.update(), bulk_create() and bulk_update() by the public models' queryset
(stats/models/public.py); a data migration by `migrate` itself (post_migrate). Raw SQL must
call `public_content_changed(seen=True)`. tests/test_page_cache.py fails if a model read by a public
page is not tracked.
"""

import time

from django.apps import apps
from django.db import DatabaseError
from django.db.models.signals import post_delete, post_migrate, post_save

from . import pagecache
from .models import (
    AnnouncementChange,
    ChangeNote,
    Figure,
    Measure,
    OldSlug,
    PreviewLink,
    Quote,
    ReleaseAnnouncement,
    ReleaseVersion,
    Year,
)
from .models.public import bulk_written

PUBLIC_MODELS = [
    Year,
    ReleaseVersion,
    Figure,
    Quote,
    ChangeNote,
    Measure,
    OldSlug,
    ReleaseAnnouncement,
    AnnouncementChange,
    PreviewLink,  # who had early access is published with the release
]


def public_content_changed(*, seen):
    """Every public page is rendered afresh once the change commits; if the public may have
    `seen` what changed (a correction, a withdrawal), no last good copy made before it is ever
    served in an outage."""
    pagecache.content_changed(void_last_good=seen)


def record_changed(sender, instance, **kwargs):
    public_content_changed(seen=_part_of_a_public_page(instance))


def rows_written(sender, **kwargs):
    # A bulk write does not say which rows: take it that the public saw them.
    public_content_changed(seen=True)


def _part_of_a_public_page(instance):
    """Whether the record is, or was, on a page the public has seen."""
    if isinstance(instance, Year):
        return instance.has_been_public
    if isinstance(instance, Measure):
        return True  # its name is on the page of every year that has a figure for it
    year_id = getattr(instance, "year_id", None)  # figures, quotes, change notes, old addresses
    return year_id is not None and Year.objects.ever_public().filter(pk=year_id).exists()


def next_scheduled_moment():
    """When the next scheduled year goes public (a timestamp), or None."""
    try:
        moment = Year.objects.next_publication_moment()
    except DatabaseError:
        return time.time() + 30  # no database to ask: look again shortly
    return moment.timestamp() if moment else None


def migrated(sender, **kwargs):
    # A data migration may have changed anything the public sees.
    public_content_changed(seen=True)


def connect():
    pagecache.schedule(next_scheduled_moment)
    for model in PUBLIC_MODELS:
        post_save.connect(record_changed, sender=model, dispatch_uid=f"page-cache-{model.__name__}")
        post_delete.connect(
            record_changed, sender=model, dispatch_uid=f"page-cache-del-{model.__name__}"
        )
    bulk_written.connect(rows_written, dispatch_uid="page-cache-bulk")
    post_migrate.connect(
        migrated, sender=apps.get_app_config("stats"), dispatch_uid="page-cache-migrate"
    )
