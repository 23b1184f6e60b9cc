"""Data already in a deployed site survives the change to releases as records: every year
approved before versions existed gets version 1, the next-release announcement becomes a
release in the calendar, and the press office's groups get their new permissions."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("stats", "0008_withdrawn_title")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_site_from_before_versions_keeps_what_it_published():
    old = migrate(BEFORE)
    Measure = old.get_model("stats", "Measure")
    Year = old.get_model("stats", "Year")
    moment = datetime.datetime(2023, 1, 9, 10, 0, tzinfo=datetime.UTC)
    drugs = Measure.objects.create(name="Drugs seized", slug="drugs", unit="money")
    year = Year.objects.create(
        label="2022",
        slug="2022",
        title="Results 2022",
        introduction="What happened.",
        period_start=datetime.date(2022, 1, 1),
        period_end=datetime.date(2022, 12, 31),
        state="published",
        published_at=moment,
        approved_at=moment,
    )
    year.figures.create(measure=drugs, unit="money", value="4000000", qualifier="nearly")
    year.quotes.create(speaker_name="Ian Hussey", speaker_role="Det Supt", text="Words.")
    Year.objects.create(
        label="2023",
        slug="2023",
        title="Draft",
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 12, 31),
    )
    old.get_model("stats", "NextRelease").objects.create(
        label="2023 results", expected_at=moment.replace(year=2099), note="Provisional."
    )

    executor = MigrationExecutor(connection)
    new = migrate(executor.loader.graph.leaf_nodes())
    version = new.get_model("stats", "ReleaseVersion").objects.get()
    assert version.number == 1 and version.made_at == moment
    assert version.content["figures"][0]["value"] == "4000000.00"
    assert version.content["figures"][0]["qualifier"] == "nearly"
    assert version.content["quotes"][0]["text"] == "Words."
    years = new.get_model("stats", "Year").objects
    assert years.get(label="2022").current_version_id == version.pk
    assert years.get(label="2023").current_version_id is None
    announcement = new.get_model("stats", "ReleaseAnnouncement").objects.get()
    assert (announcement.label, announcement.status) == ("2023 results", "confirmed")
    assert announcement.changes.get().reason == "Provisional."
    officers = new.get_model("auth", "Group").objects.get(name="Press officers")
    assert officers.permissions.filter(codename="add_releaserequest").exists()
