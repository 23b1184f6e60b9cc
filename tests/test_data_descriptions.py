"""The open data described for programs, checked by validators nobody here wrote: the OpenAPI
description by openapi-spec-validator, the real endpoints against it by Schemathesis, the Data
Package and every CSV by frictionless."""

import json
from http import HTTPStatus

import pytest
import requests
import schemathesis
from frictionless import Package, Resource, system, validate
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate as validate_openapi

from stats.models.enums import Qualifier, Unit
from stats.urls import urlpatterns

from .factories import make_figure, make_measure, make_year, release

DATA_VIEWS = {"year_data", "version_data", "all_data", "openapi", "datapackage"}


def make_site():
    drugs = make_measure(
        name="Drugs seized", slug="drugs-seized", unit=Unit.MONEY, is_headline=True
    )
    cannabis = make_measure(name="Cannabis", slug="cannabis", unit=Unit.MONEY, parent=drugs)
    change = make_measure(name="Cyber crime arrests", slug="cyber-change", unit=Unit.PERCENT_CHANGE)
    arrests = make_measure(name="Arrests", slug="arrests")
    y2022 = make_year("2022", title="Results 2022")
    make_figure(y2022, drugs, "3999999.99", qualifier=Qualifier.NEARLY, note="Street value.")
    make_figure(y2022, cannabis, "1234567.89")
    make_figure(y2022, change, "-12.5", comparison="compared with 2020")
    make_figure(y2022, arrests, "38", note='=HYPERLINK("http://evil.example","click")')
    release(y2022)
    y2023 = make_year("2023", title="Results 2023")
    make_figure(y2023, drugs, "5000000", not_comparable=True, comparability_note="Counted anew.")
    make_figure(y2023, cannabis, "1000000", qualifier=Qualifier.OVER)
    release(y2023)
    y2023.figures.filter(measure=cannabis).update(value=1100000)
    release(y2023, note_text="Corrected the cannabis figure.")


@pytest.fixture
def site(db):
    make_site()


def document(client, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    assert response["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.content)


@pytest.mark.django_db
class TestTheOpenAPIDescription:
    def test_it_is_valid_openapi_3_1(self, client, site):
        description = document(client, "/data/openapi.json")
        validate_openapi(description)
        assert description["openapi"] == "3.1.0"

    def test_every_data_address_is_described(self, client, site):
        paths = document(client, "/data/openapi.json")["paths"]
        described = {
            pattern.name: str(pattern.pattern).replace("<slug:slug>", "{slug}")
            for pattern in urlpatterns
            if pattern.name in DATA_VIEWS
        }
        assert set(described) == DATA_VIEWS
        for route in described.values():
            for extension in ("csv", "json") if "<format:extension>" in route else ("",):
                path = "/" + route.replace("<format:extension>", extension).replace(
                    "<int:number>", "{number}"
                )
                assert path in paths, path

    def test_the_validator_catches_a_broken_description(self, client, site):
        description = document(client, "/data/openapi.json")
        description["paths"]["/years/{slug}/data.json"]["get"]["parameters"] = []
        with pytest.raises(Exception, match="slug"):
            validate_openapi(description)


@pytest.mark.django_db(transaction=True)
def test_every_answer_of_every_endpoint_matches_its_description(live_server):
    """Schemathesis calls each described endpoint over HTTP with its examples and with
    generated values, and checks each answer: no server error, a described status, content
    type and headers, and a body valid against its JSON Schema. (Its pytest plugin does not run
    on pytest 9: its strategies are run here with Hypothesis directly.)"""
    make_site()
    api = schemathesis.openapi.from_url(f"{live_server.url}/data/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    # Every described address but the description's own, which Schemathesis leaves out.
    assert len(operations) == 7, " ".join(o.label for o in operations)
    called = []

    for operation in operations:
        strategies = [*operation.get_strategies_from_examples(), operation.as_strategy()]
        for strategy in strategies:

            @given(case=strategy)
            @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
            def check(case):
                response = case.call_and_validate()
                called.append((case.operation.path, response.status_code))

            check()
    ok = {path for path, status in called if status == HTTPStatus.OK}
    assert ok == {operation.path for operation in operations}  # each answered with data too


@pytest.mark.django_db
class TestDescribedBy:
    @pytest.mark.parametrize(
        "path",
        [
            "/data/all.csv",
            "/data/all.json",
            "/years/2022/data.csv",
            "/years/2023/versions/1/data.json",
        ],
    )
    def test_each_download_names_what_describes_it(self, client, site, path):
        links = client.get(path)["Link"]
        assert '<http://testserver/data/openapi.json>; rel="describedby"' in links
        assert ('/data/datapackage.json>; rel="describedby"' in links) == path.endswith(".csv")


@pytest.fixture
def http():
    """frictionless's HTTP session, closed at the end: a kept-alive connection would keep the
    live server's thread, and its database session, open past the test."""
    with requests.Session() as session, system.use_context(http_session=session):
        yield session


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("http")
class TestTheDataPackage:
    def test_the_package_and_every_csv_it_lists_are_valid(self, live_server):
        make_site()
        url = f"{live_server.url}/data/datapackage.json"
        package = Package(url)
        assert [resource.name for resource in package.resources] == [
            "all-years", "year-2023", "year-2022",
        ]  # fmt: skip
        report = validate(url)
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
        table = package.get_resource("year-2022").read_rows()
        values = {row["measure_slug"]: row for row in table}
        assert str(values["drugs-seized"]["value"]) == "3999999.99"
        assert values["cannabis"]["parent_measure_slug"] == "drugs-seized"
        assert values["cyber-change"]["comparable_with_earlier_years"] is True

    def test_frictionless_catches_a_csv_that_breaks_its_schema(self, live_server, tmp_path, http):
        make_site()
        package = Package(f"{live_server.url}/data/datapackage.json")
        resource = package.get_resource("year-2022")
        text = http.get(resource.path).content.decode("utf-8-sig").replace("money", "euros", 1)
        (tmp_path / "broken.csv").write_text(text, encoding="utf-8-sig")
        broken = Resource(
            path="broken.csv", basepath=str(tmp_path), schema=resource.schema, encoding="utf-8-sig"
        )
        report = validate(broken)
        assert not report.valid
        assert "constraint-error" in {error.type for error in report.tasks[0].errors}
