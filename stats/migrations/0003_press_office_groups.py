"""The two press-office roles, with least privilege.

Press officers enter and correct years; Publishers may also publish, schedule, unpublish,
share embargoed previews, define measures and announce the next release.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PRESS_OFFICERS = "Press officers"
PUBLISHERS = "Publishers"

PRESS_OFFICER_PERMISSIONS = [
    "view_year", "add_year", "change_year", "delete_year",
    "view_figure", "add_figure", "change_figure", "delete_figure",
    "view_quote", "add_quote", "change_quote", "delete_quote",
    "view_changenote", "add_changenote", "change_changenote",
    "view_measure", "view_nextrelease",
]
PUBLISHER_ONLY_PERMISSIONS = [
    "publish_year",
    "add_measure", "change_measure",
    "add_nextrelease", "change_nextrelease", "delete_nextrelease",
    "view_previewlink", "change_previewlink", "view_previewlinkuse",
]


def make_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; these groups need them now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(codenames):
        found = Permission.objects.filter(content_type__app_label="stats", codename__in=codenames)
        missing = set(codenames) - set(found.values_list("codename", flat=True))
        assert not missing, f"missing permissions: {missing}"
        return found

    officers, _ = Group.objects.get_or_create(name=PRESS_OFFICERS)
    officers.permissions.set(permissions(PRESS_OFFICER_PERMISSIONS))
    publishers, _ = Group.objects.get_or_create(name=PUBLISHERS)
    publishers.permissions.set(permissions(PRESS_OFFICER_PERMISSIONS + PUBLISHER_ONLY_PERMISSIONS))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[PRESS_OFFICERS, PUBLISHERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0002_workflow_history_locking"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_groups, remove_groups)]
