"""The open data described for programs: /data/openapi.json, an OpenAPI 3.1 description of
every data address (its parameters, its answers with their JSON Schema, ETag and 304), and
/data/datapackage.json, a Frictionless Data Package listing every CSV with its Table Schema.

Both are made from the data dictionary (stats/public/open_data.py COLUMNS) and the types below,
so the files, /data/ and these descriptions cannot drift apart (tests/test_data_descriptions.py
checks them with openapi-spec-validator, Schemathesis and frictionless).
"""

from django.conf import settings
from django.urls import reverse
from django.utils.text import slugify

from stats.models.enums import Qualifier, Unit
from stats.public.open_data import COLUMNS, FORMAT_VERSION, LICENCE_URL
from stats.public.permalinks import absolute_url, site_root

UNITS = [unit.value for unit in Unit]
QUALIFIERS = [q.value for q in Qualifier if q.value]
# Each column's type: in a Table Schema (CSV), and in JSON Schema (the JSON files). A column
# that may be empty is null in JSON.
TYPES = {
    "year_label": ("string", {"type": "string"}),
    "year_slug": ("string", {"type": "string"}),
    "period_start": ("date", {"type": "string", "format": "date"}),
    "period_end": ("date", {"type": "string", "format": "date"}),
    "measure_slug": ("string", {"type": "string"}),
    "measure_name": ("string", {"type": "string"}),
    "parent_measure_slug": ("string", {"type": ["string", "null"]}),
    "unit": ("string", {"enum": UNITS}),
    "value": ("number", {"type": "number"}),
    "qualifier": ("string", {"enum": [*QUALIFIERS, None]}),
    "comparison": ("string", {"type": ["string", "null"]}),
    "note": ("string", {"type": ["string", "null"]}),
    "value_as_displayed": ("string", {"type": "string"}),
    "published_at": ("datetime", {"type": "string", "format": "date-time"}),
    "last_updated_at": ("datetime", {"type": "string", "format": "date-time"}),
    "comparable_with_earlier_years": ("boolean", {"type": "boolean"}),
    "comparability_note": ("string", {"type": ["string", "null"]}),
    "version": ("integer", {"type": "integer", "minimum": 1}),
}
NULLABLE = {"parent_measure_slug", "qualifier", "comparison", "note", "comparability_note"}
PRIMARY_KEY = ["year_slug", "measure_slug"]
OPENAPI_TYPE = "application/vnd.oai.openapi+json"
DATAPACKAGE_TYPE = "application/vnd.datapackage+json"


def describedby(request, extension):
    """The Link header of a download: what describes it (RFC 8288)."""
    openapi = absolute_url(request, reverse("stats:openapi"))
    links = [f'<{openapi}>; rel="describedby"; type="{OPENAPI_TYPE}"']
    if extension == "csv":
        package = absolute_url(request, reverse("stats:datapackage"))
        links.append(f'<{package}>; rel="describedby"; type="{DATAPACKAGE_TYPE}"')
    return ", ".join(links)


# --- The Data Package -------------------------------------------------------------------------


def table_schema():
    """The Table Schema every CSV shares: one row per figure of one version of a year."""
    fields = []
    for name, meaning in COLUMNS:
        field = {"name": name, "type": TYPES[name][0], "description": meaning}
        constraints = {} if name in NULLABLE else {"required": True}
        if name == "unit":
            constraints["enum"] = UNITS
        elif name == "qualifier":
            constraints["enum"] = QUALIFIERS
        elif name == "version":
            constraints["minimum"] = 1
        if TYPES[name][0] == "boolean":
            field.update(trueValues=["true"], falseValues=["false"])
        field["constraints"] = constraints
        fields.append(field)
    return {
        "fields": fields,
        "missingValues": [""],
        "primaryKey": PRIMARY_KEY,
        # A breakdown part (cannabis) names the total it is part of (drugs seized), which is a
        # measure of the same file.
        "foreignKeys": [
            {
                "fields": ["parent_measure_slug"],
                "reference": {"resource": "", "fields": ["measure_slug"]},
            }
        ],
    }


def _resource(request, name, title, path):
    return {
        "name": name,
        "title": title,
        "path": absolute_url(request, path),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        # UTF-8 with a byte-order mark (for Excel); readers skip it (/data/ says how).
        "encoding": "utf-8-sig",
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
        "schema": table_schema(),
    }


def datapackage(request, releases):
    resources = [
        _resource(
            request,
            "all-years",
            "Every published year's figures",
            reverse("stats:all_data", kwargs={"extension": "csv"}),
        )
    ]
    for release in releases:
        path = reverse("stats:year_data", kwargs={"slug": release.slug, "extension": "csv"})
        resources.append(
            _resource(request, f"year-{slugify(release.slug)}", f"{release.title}: figures", path)
        )
    return {
        "profile": "tabular-data-package",
        "name": f"{slugify(settings.OPERATION_NAME)}-results",
        "title": f"{settings.OPERATION_NAME} results: {settings.FORCE_NAME}",
        "description": (
            f"Every figure {settings.FORCE_NAME} has published for {settings.OPERATION_NAME}, "
            f"its operation against serious and organised crime in {settings.FORCE_AREA}: one "
            "file for every year, and one for each year (its latest version). Each year's "
            "earlier versions are listed at /years/<year_slug>/versions/."
        ),
        "homepage": absolute_url(request, reverse("stats:data")),
        "keywords": [settings.OPERATION_NAME, settings.FORCE_AREA, "serious and organised crime"],
        "licenses": [
            {"name": "OGL-UK-3.0", "path": LICENCE_URL, "title": "Open Government Licence v3.0"}
        ],
        "contributors": [
            {"title": settings.FORCE_NAME, "path": settings.FORCE_WEBSITE_URL, "role": "publisher"}
        ],
        "resources": resources,
    }


# --- The OpenAPI description --------------------------------------------------------------


def row_schema():
    return {
        "type": "object",
        "description": "One figure of one version of a year.",
        "required": [name for name, _ in COLUMNS],
        "properties": {
            name: {**TYPES[name][1], "description": meaning} for name, meaning in COLUMNS
        },
    }


def document_schema():
    return {
        "type": "object",
        "required": ["format_version", "title", "publisher", "licence", "licence_url", "url"]
        + ["version", "columns", "rows"],
        "properties": {
            "format_version": {
                "type": "string",
                "pattern": r"^2\.[0-9]+$",
                "description": "The file format: a new column raises the minor number, a "
                "changed or removed one the major number (see /data/).",
            },
            "title": {"type": "string"},
            "publisher": {"type": "string"},
            "licence": {"type": "string"},
            "licence_url": {"type": "string", "format": "uri"},
            "url": {"type": "string", "format": "uri", "description": "The page of the data."},
            "version": {
                "type": ["integer", "null"],
                "minimum": 1,
                "description": "For one year's file, the version of its release; null for "
                "every year's (each row has its own).",
            },
            "columns": {"type": "array", "items": {"enum": [name for name, _ in COLUMNS]}},
            "rows": {"type": "array", "items": {"$ref": "#/components/schemas/Row"}},
        },
    }


def _header(description, schema=None):
    return {"description": description, "schema": schema or {"type": "string"}}


HEADERS = {
    "ETag": _header("Changes exactly when the file does: send it back as If-None-Match."),
    "Last-Modified": _header("When the newest release in the file was published or corrected."),
    "Link": _header(
        "What describes the file (rel=describedby): this description, and for CSV the Data Package."
    ),
    "Access-Control-Allow-Origin": _header(
        "Any site's scripts may fetch the data.", {"const": "*"}
    ),
    "Cache-Control": _header("How long a copy may be kept."),
}
REQUIRED_HEADERS = {"ETag", "Link", "Access-Control-Allow-Origin"}


def _ok(media_type, schema, description, required=REQUIRED_HEADERS):
    headers = {name: {**header, "required": name in required} for name, header in HEADERS.items()}
    return {
        "description": description,
        "headers": headers,
        "content": {media_type: {"schema": schema}},
    }


def _operation(extension, summary, description, parameters, *, moved=False):
    if extension == "json":
        ok = _ok("application/json", {"$ref": "#/components/schemas/Document"}, "The figures.")
    else:
        ok = _ok(
            "text/csv",
            {"type": "string"},
            "The figures, one row per figure, with a header row (the Data Package's Table "
            "Schema describes each column).",
        )
    responses = {"200": ok, "304": {"$ref": "#/components/responses/NotModified"}}
    if moved:
        responses["301"] = {"$ref": "#/components/responses/Moved"}
        responses["404"] = {"$ref": "#/components/responses/NotFound"}
    return {
        "get": {
            "summary": summary,
            "description": description,
            "operationId": slugify(f"{summary} {extension}").replace("-", "_"),
            "tags": ["figures"],
            "parameters": [
                *({"$ref": f"#/components/parameters/{name}"} for name in parameters),
                {"$ref": "#/components/parameters/IfNoneMatch"},
                {"$ref": "#/components/parameters/IfModifiedSince"},
            ],
            "responses": responses,
        }
    }


def _described(schema_name):
    return {
        "get": {
            "summary": schema_name,
            "operationId": slugify(schema_name).replace("-", "_"),
            "tags": ["descriptions"],
            "responses": {
                "200": _ok(
                    "application/json",
                    {"type": "object"},
                    schema_name,
                    required=REQUIRED_HEADERS - {"Link"},
                ),
                "304": {"$ref": "#/components/responses/NotModified"},
            },
        }
    }


def openapi(request, releases):
    """The description; `releases` give its examples (the latest year) so that it can be
    tried as it is."""
    paths = {}
    for extension in ("json", "csv"):
        name = extension.upper()
        paths[f"/data/all.{extension}"] = _operation(
            extension,
            "Every year",
            f"Every published year's figures, each year as its latest version states them "
            f"({name}).",
            [],
        )
        paths[f"/years/{{slug}}/data.{extension}"] = _operation(
            extension,
            "One year",
            f"One year's figures as its latest version states them ({name}). A year whose "
            "address changed answers with a permanent redirect to its new one.",
            ["Slug"],
            moved=True,
        )
        paths[f"/years/{{slug}}/versions/{{number}}/data.{extension}"] = _operation(
            extension,
            "One version of a year",
            f"One year's figures exactly as one version of its release stated them ({name}): "
            "1 as first published, then one more at each correction. Never changes.",
            ["Slug", "Number"],
            moved=True,
        )
    paths["/data/datapackage.json"] = _described("The Data Package")
    paths["/data/openapi.json"] = _described("This description")
    contact = {"name": settings.PRESS_OFFICE_NAME, "url": settings.PRESS_OFFICE_URL}
    if settings.PRESS_OFFICE_EMAIL:
        contact["email"] = settings.PRESS_OFFICE_EMAIL
    parameters = {
        "Slug": {
            "name": "slug",
            "in": "path",
            "required": True,
            "description": "The year's address, as year_slug in the files (2022, 2022-23).",
            "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
        },
        "Number": {
            "name": "number",
            "in": "path",
            "required": True,
            "description": "A version of the year's release.",
            "schema": {"type": "integer", "minimum": 1},
            "example": 1,
        },
        "IfNoneMatch": {
            "name": "If-None-Match",
            "in": "header",
            "description": "The ETag of the copy you have: 304 if it is still current.",
            "schema": {"type": "string"},
        },
        "IfModifiedSince": {
            "name": "If-Modified-Since",
            "in": "header",
            "description": "An HTTP date: 304 if nothing changed since.",
            "schema": {"type": "string"},
        },
    }
    if releases:
        parameters["Slug"]["example"] = releases[-1].slug
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.OPERATION_NAME} results: open data",
            "version": FORMAT_VERSION,
            "summary": f"{settings.FORCE_NAME}'s published {settings.OPERATION_NAME} figures.",
            "description": (
                "Read-only, no key, any origin (CORS). Every answer has an ETag: send it back "
                "as If-None-Match and an unchanged file answers 304 with no body. The version "
                "of this description is the files' format version (see /data/)."
            ),
            "license": {"name": "Open Government Licence v3.0", "url": LICENCE_URL},
            "contact": contact,
        },
        "servers": [{"url": site_root(request)}],
        "externalDocs": {
            "description": "What each column means",
            "url": absolute_url(request, reverse("stats:data")),
        },
        "paths": paths,
        "components": {
            "schemas": {"Document": document_schema(), "Row": row_schema()},
            "parameters": parameters,
            "responses": {
                "NotModified": {
                    "description": "Unchanged since the copy you have: no body.",
                    "headers": {"ETag": HEADERS["ETag"]},
                },
                "Moved": {
                    "description": "The year's address changed: the same file at its new one.",
                    "headers": {"Location": _header("The new address.")},
                },
                "NotFound": {
                    "description": "No published year (or version) at this address.",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                },
            },
        },
    }
