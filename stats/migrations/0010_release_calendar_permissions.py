# The press office's groups get the release calendar's permissions: anyone on the desk may ask
# for a change to a release; publishers approve it (stats/rules/roles.py).

from django.db import migrations

from stats.rules import roles


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0009_release_record"),
    ]

    operations = [migrations.RunPython(roles.make_groups, migrations.RunPython.noop)]
