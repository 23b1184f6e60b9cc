"""Who may approve what goes public: the one home of "may this person publish?" and of the
second pair of eyes. Every screen and rule asks here."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q

from stats.models import Figure, Quote

# Changing only these is publishing, not editing: it does not make someone an editor.
WORKFLOW_FIELDS = {
    "state",
    "published_at",
    "approved_at",
    "approved_by",
    "withdrawn_at",
    "withdrawal_reason",
    "withdrawn_title",
}
PERMISSION = ("stats", "publish_year")


def may_publish(user):
    """Whether the person may approve anything for the public (a publisher)."""
    return user.is_active and user.has_perm(".".join(PERMISSION))


def publishers():
    permission = Permission.objects.get(
        content_type__app_label=PERMISSION[0], codename=PERMISSION[1]
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions=permission)
            | Q(groups__permissions=permission)
        )
        .distinct()
    )


def second_person_required():
    """A second pair of eyes: on, unless turned off or there is only one publisher. Where it
    is off, what is published says so in public (ReleaseVersion.second_person)."""
    return settings.PUBLISH_NEEDS_SECOND_PERSON and publishers().count() >= 2


def editors_since_approval(year):
    """Everyone who changed the year's content (its text, figures or quotes) since a publisher
    last approved it, or ever if it was never approved."""
    since = year.approved_at
    editors = set()
    records = list(year.history.order_by("-history_date"))
    for record, older in zip(records, records[1:] + [None], strict=True):
        if since is not None and record.history_date <= since:
            break
        if older is None or set(record.diff_against(older).changed_fields) - WORKFLOW_FIELDS:
            editors.add(record.history_user_id)
    for model in (Figure, Quote):
        changes = model.history.filter(year_id=year.pk)
        if since is not None:
            changes = changes.filter(history_date__gt=since)
        editors.update(changes.values_list("history_user_id", flat=True))
    pending = year.held_correction
    if pending is not None:
        editors.add(pending.made_by_id)
    editors.discard(None)
    return editors


def second_person_problem(year, user):
    """Where the office has two or more publishers, nobody approves their own changes."""
    if not second_person_required():
        return None
    if user.pk in editors_since_approval(year):
        return (
            "You changed this year since it was last approved: another publisher must check "
            "and approve it."
        )
    return None


def proposer_problem(proposed_by_id, user):
    """An act someone proposed (a calendar change, a withdrawal, a measure's new wording) is
    approved by another publisher, where the office has two."""
    if second_person_required() and proposed_by_id == user.pk:
        return "You asked for this: another publisher must approve it."
    return None
