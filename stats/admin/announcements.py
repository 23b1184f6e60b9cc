"""Announcing the next release: its label and expected time, in every page's footer and in
/next-release.ics."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ..models import NextRelease


@admin.register(NextRelease)
class NextReleaseAdmin(SimpleHistoryAdmin):
    list_display = ["label", "expected_at", "note"]
