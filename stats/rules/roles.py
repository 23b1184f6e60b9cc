"""The two press-office roles, with least privilege, defined once: the migrations that make
the groups and the tests that re-make them both call `make_groups`.

Press officers enter and correct years (a correction to a published year waits for a
publisher), may add a measure a new release needs, and may ask for a change to the release
calendar; Publishers may also publish, approve corrections and what others asked for
(calendar changes, withdrawals), share early access and change measures.
"""

PRESS_OFFICERS = "Press officers"
PUBLISHERS = "Publishers"

PRESS_OFFICER_PERMISSIONS = [
    "view_year", "add_year", "change_year", "delete_year",
    "view_figure", "add_figure", "change_figure", "delete_figure",
    "view_quote", "add_quote", "change_quote", "delete_quote",
    "view_changenote", "add_changenote",
    "view_measure", "add_measure",
    # Anyone on the desk may ask for a change to the release calendar; a publisher approves.
    "view_releaseannouncement", "view_releaserequest", "add_releaserequest",
]  # fmt: skip
PUBLISHER_ONLY_PERMISSIONS = [
    "publish_year",
    "change_measure",
    "view_previewlink", "change_previewlink", "view_previewlinkuse",
]  # fmt: skip


def make_groups(apps, schema_editor=None):
    """Make (or put right) both groups with exactly their permissions. `apps` is a migration's
    app registry, or django.apps.apps."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after all migrations; these groups need them now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def exists(codename):
        # An earlier migration makes the groups before later models exist: their permissions
        # are given by the migration that adds them (each calls make_groups again).
        action, _, model = codename.partition("_")
        try:
            apps.get_model("stats", model)
        except LookupError:
            return False
        return True

    def permissions(codenames):
        codenames = [codename for codename in codenames if exists(codename)]
        found = Permission.objects.filter(content_type__app_label="stats", codename__in=codenames)
        missing = set(codenames) - set(found.values_list("codename", flat=True))
        if missing:
            raise LookupError(f"missing permissions: {sorted(missing)}")
        return found

    officers, _ = Group.objects.get_or_create(name=PRESS_OFFICERS)
    officers.permissions.set(permissions(PRESS_OFFICER_PERMISSIONS))
    publishers, _ = Group.objects.get_or_create(name=PUBLISHERS)
    publishers.permissions.set(permissions(PRESS_OFFICER_PERMISSIONS + PUBLISHER_ONLY_PERMISSIONS))
