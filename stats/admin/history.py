"""The revision history of measures and announcements, for reading only.

django-simple-history's "revert" page saves any POST from someone who may merely view the
record, and judges what changed against the old version, not the current one: it would let
a press officer rename a public measure, or get past the rules for changing one. Changes go
through each record's ordinary change form and its rules instead.
"""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Change the record on its own page, not from its history.")
        return super().history_form_view(request, object_id, version_id, extra_context)
