"""`migrate` run by several containers at once on a new database (every web server of a
release may run it): without the advisory lock (stats/management/commands/migrate.py) such
runs failed three times out of three (a table, a type or a content type made twice)."""

import os
import subprocess
import sys

import pytest
from django.db import connection

from .servers import ROOT, database_url

# CREATE and DROP DATABASE cannot run inside the test's transaction.
pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def empty_database():
    name = connection.settings_dict["NAME"] + "_migrate_race"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url().rsplit("/", 1)[0] + "/" + name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_three_concurrent_migrate_runs_on_an_empty_database_all_succeed(empty_database):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(DATABASE_URL=empty_database, DEBUG="true")
    runs = [
        subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "migrate", "--no-input"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], "\n".join(o[-1500:] for o in outputs)
    check = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "--check"], cwd=ROOT, env=env, capture_output=True
    )
    assert check.returncode == 0
