"""Announcing the next release: its label and expected time, in every page's footer and in
/next-release.ics."""

from django.contrib import admin

from ..models import NextRelease
from .history import ReadOnlyHistoryAdmin


@admin.register(NextRelease)
class NextReleaseAdmin(ReadOnlyHistoryAdmin):
    list_display = ["label", "expected_at", "note"]
