"""A backup restores into an empty database with every record exactly as it was."""

import json
import os
import stat
import subprocess
import time

import pytest
from django.core.management import call_command
from django.db import connection

from stats.models import ChangeNote, Figure, Quote, Year
from stats.rules import publishing

from .factories import make_user
from .servers import ROOT, database_url

# Starts real processes (PostgreSQL tools, gunicorn, make): the `server` tier.
pytestmark = pytest.mark.server

TABLES = [
    "stats_year", "stats_figure", "stats_quote", "stats_changenote", "stats_measure",
    "stats_historicalyear", "stats_historicalfigure", "stats_historicalquote",
    "stats_historicalchangenote", "auth_group_permissions", "stats_releaseversion",
    "stats_releaseannouncement", "stats_announcementchange",
]  # fmt: skip


def rows(cursor, table):
    # JSON columns (a version's content) as text, read the same through Django's connection
    # (which leaves JSON undecoded for the field to decode) and a plain psycopg one.
    cursor.execute(f"SELECT * FROM {table} ORDER BY 1")  # noqa: S608 - fixed table names
    return [tuple(_plain(value) for value in row) for row in cursor.fetchall()]


def _plain(value):
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            value = json.loads(value)
        except ValueError:  # text that merely starts like JSON
            return value
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value


@pytest.mark.django_db(transaction=True)
def test_a_backup_round_trip_keeps_every_figure_quote_note_and_revision(tmp_path):
    call_command("load_demo")
    year = Year.objects.get(slug="2022")
    publishing.withdraw(year, make_user("paul", "Publishers"), "Withdrawn to check a figure.")
    figure = Figure.objects.get(measure__slug="criminal-cash-seized")
    figure.value = 1600000
    figure.save()
    publishing.publish(year, make_user("petra", "Publishers"), change_note="Cash corrected.")
    assert ChangeNote.objects.count() == 2 and Quote.objects.count() == 4
    assert Year.objects.get().current_version.number == 2

    source = database_url()
    target_name = connection.settings_dict["NAME"] + "_restored"
    target = source.rsplit("/", 1)[0] + "/" + target_name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target_name}"')
        cursor.execute(f'CREATE DATABASE "{target_name}"')
    try:
        dump = subprocess.run(  # noqa: S603 - our own script
            [str(ROOT / "scripts" / "backup.sh"), str(tmp_path)],
            env={"PATH": "/usr/bin:/bin", "DATABASE_URL": source},
            capture_output=True,
            text=True,
            check=True,
        )
        files = list(tmp_path.glob("alliance-*.dump"))
        assert len(files) == 1 and files[0].name in dump.stdout
        # Password hashes, TOTP secrets and session keys: for the owner's eyes only.
        assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
        assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o700
        subprocess.run(  # noqa: S603
            [str(ROOT / "scripts" / "backup.sh"), "restore", str(files[0])],
            env={"PATH": "/usr/bin:/bin", "DATABASE_URL": target},
            capture_output=True,
            text=True,
            check=True,
        )
        refused = subprocess.run(  # noqa: S603 - a second restore would mix two databases
            [str(ROOT / "scripts" / "backup.sh"), "restore", str(files[0])],
            env={"PATH": "/usr/bin:/bin", "DATABASE_URL": target},
            capture_output=True,
            text=True,
        )
        assert refused.returncode != 0 and "not empty" in refused.stderr

        import psycopg

        with psycopg.connect(target) as restored, connection.cursor() as original:
            for table in TABLES:
                assert rows(restored.cursor(), table) == rows(original, table), table
            assert rows(restored.cursor(), "stats_historicalfigure")  # the revisions came too
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')


@pytest.mark.parametrize(("file_mode", "folder_mode"), [(0o644, 0o700), (0o600, 0o755)])
def test_a_backup_others_could_read_is_neither_left_open_nor_restored(
    tmp_path, file_mode, folder_mode
):
    folder = tmp_path / "backups"
    folder.mkdir()
    old = folder / "alliance-20240101T000000Z.dump"
    old.write_bytes(b"PGDMP")
    old.chmod(file_mode)
    folder.chmod(folder_mode)
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    refused = subprocess.run(  # noqa: S603 - our own script
        [str(ROOT / "scripts" / "backup.sh"), "restore", str(old)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0 and "open to other users" in refused.stderr
    # The next backup closes the folder and the dumps already in it (it fails after that here:
    # there is no database at that address).
    subprocess.run([str(ROOT / "scripts" / "backup.sh"), str(folder)], env=env, check=False)  # noqa: S603
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(old.stat().st_mode) == 0o600


DAY = 24 * 60 * 60


def run_backup(folder, **env):
    return subprocess.run(  # noqa: S603 - our own script
        [str(ROOT / "scripts" / "backup.sh"), str(folder)],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
    )


def dumps_aged(folder, days):
    """Dumps in `folder` whose files are `days` old (each a float), by name."""
    folder.mkdir(mode=0o700, exist_ok=True)
    made = {}
    for age in days:
        dump = folder / f"alliance-old-{age}.dump"
        dump.write_bytes(b"PGDMP")
        moment = time.time() - age * DAY
        os.utime(dump, (moment, moment))
        made[age] = dump.name
    return made


@pytest.mark.django_db
def test_each_backup_deletes_dumps_older_than_the_days_kept_once_it_is_whole(tmp_path):
    folder = tmp_path / "backups"
    old = dumps_aged(folder, [20, 14.05, 13.95, 1])
    killed = folder / "alliance-20240101T000000Z.dump.partial"  # left by a run killed midway
    killed.write_bytes(b"PGD")
    odd = folder / "alliance-odd.dump"  # a folder under a dump's name: left alone
    (odd / "inside").mkdir(parents=True)
    for path in (killed, odd):
        os.utime(path, (time.time() - 30 * DAY, time.time() - 30 * DAY))
    done = run_backup(folder, DATABASE_URL=database_url(), BACKUP_KEEP_DAYS="14")
    assert done.returncode == 0, done.stderr
    left = {path.name for path in folder.iterdir()}
    new = left - set(old.values()) - {odd.name}
    assert len(new) == 1 and new.pop().startswith("alliance-2")
    assert old[20] not in left and old[14.05] not in left and killed.name not in left
    assert old[13.95] in left and old[1] in left and odd.name in left
    assert f"Deleted {folder / old[20]}, older than 14 days." in done.stdout
    assert odd.name not in done.stdout


@pytest.mark.parametrize(
    ("keep", "url"),
    [
        ("14", "postgres://nobody@127.0.0.1:1/none"),
        ("0", None),
        ("two weeks", None),
        ("18446744073709551617", None),  # would wrap to 0 in shell arithmetic
    ],
)
def test_a_failed_dump_or_a_bad_number_of_days_deletes_nothing(tmp_path, keep, url):
    folder = tmp_path / "backups"
    old = dumps_aged(folder, [30, 1])
    done = run_backup(folder, DATABASE_URL=url or database_url(), BACKUP_KEEP_DAYS=keep)
    assert done.returncode != 0
    assert {path.name for path in folder.iterdir()} == set(old.values())
    if url is None:
        assert "BACKUP_KEEP_DAYS must be a whole number of days" in done.stderr
