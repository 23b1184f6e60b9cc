"""schema.org descriptions of the pages, for search engines and dataset catalogues: a Dataset
for each year's figures, for each measure's series and for every year's, with what Google's
dataset search recommends (tests/test_structured_data.py checks them against schema.org's own
vocabulary through a JSON-LD processor)."""

import json

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe

from stats.models.enums import Unit
from stats.public.open_data import LICENCE_URL, last_modified
from stats.public.permalinks import absolute_url, year_tag

# As Django's json_script does: nothing in the data can close the script element.
ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
FORMATS = {"csv": ("CSV", "text/csv"), "json": ("JSON", "application/json")}
UNIT_TEXT = {Unit.MONEY: "GBP", Unit.COUNT: "count", Unit.PERCENT_CHANGE: "percent change"}
HOW = (
    "One row per figure (breakdown parts included): the exact value as stated, its unit, the "
    "force's qualifier (such as “nearly”) and whether it may be compared with earlier years, "
    "as CSV and JSON; /data/ explains every column."
)


def jsonld(data):
    """A schema.org description as a data block (never run as script)."""
    text = json.dumps(data, ensure_ascii=False).translate(ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped above


def _force():
    """Who made the figures, and whom to ask about them: only what is configured."""
    contact = {
        "@type": "ContactPoint",
        "contactType": "press office",
        "name": settings.PRESS_OFFICE_NAME,
        "url": settings.PRESS_OFFICE_URL,
    }
    if settings.PRESS_OFFICE_EMAIL:
        contact["email"] = settings.PRESS_OFFICE_EMAIL
    if settings.PRESS_OFFICE_PHONE:
        contact["telephone"] = settings.PRESS_OFFICE_PHONE
    return {
        "@type": "Organization",
        "name": settings.FORCE_NAME,
        "url": settings.FORCE_WEBSITE_URL,
        "contactPoint": contact,
    }


def _variable(measure):
    variable = {
        "@type": "PropertyValue",
        "name": measure.name,
        "propertyID": measure.slug,
        "unitText": UNIT_TEXT.get(measure.unit, measure.unit),
    }
    if measure.description:
        variable["description"] = measure.description
    return variable


def _measures(releases):
    """Every measure the releases report, as the latest of them names it, in page order."""
    measures = {}
    for release in releases:
        for figure in release.shown:
            measures[figure.measure.slug] = figure.measure
    return sorted(measures.values(), key=lambda m: (m.order, m.name))


def dataset(request, *, name, description, page, identifier, version, releases, downloads):
    """A schema.org Dataset of `releases`' figures. `downloads` maps a format (csv, json) to
    (the file's name, its path). Every address is absolute, on SITE_URL when set."""
    releases = list(releases)
    measures = _measures(releases)
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": name,
        "description": description,
        "url": absolute_url(request, page),
        "identifier": identifier,
        "version": version,
        "keywords": [
            settings.OPERATION_NAME,
            settings.FORCE_NAME,
            settings.FORCE_AREA,
            "serious and organised crime",
            "policing",
            *(measure.name for measure in measures),
        ],
        "license": LICENCE_URL,
        "isAccessibleForFree": True,
        "creator": _force(),
        "publisher": _force(),
        "spatialCoverage": {"@type": "Place", "name": settings.FORCE_AREA},
        "variableMeasured": [_variable(measure) for measure in measures],
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "name": f"{settings.OPERATION_NAME} results: open data",
            "url": absolute_url(request, reverse("stats:data")),
        },
        "distribution": [
            {
                "@type": "DataDownload",
                "name": f"{title}, {FORMATS[extension][0]}",
                "encodingFormat": FORMATS[extension][1],
                "contentUrl": absolute_url(request, path),
            }
            for extension, (title, path) in downloads.items()
        ],
    }
    if releases:
        start = min(release.period_start for release in releases)
        end = max(release.period_end for release in releases)
        data["temporalCoverage"] = f"{start.isoformat()}/{end.isoformat()}"
    published = [release for release in releases if release.published_at]
    if published:
        data["datePublished"] = min(r.published_at for r in published).isoformat()
        data["dateModified"] = last_modified(published).isoformat()
    return data


def _period(release):
    return f"{release.period_start:%-d %B %Y} to {release.period_end:%-d %B %Y}"


def _reported(releases):
    names = [measure.name.lower() for measure in _measures(releases)]
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)


def dataset_for_year(request, year, release):
    """One year's figures as its current version states them (the press narrative is the
    page's; this describes the data)."""
    description = (
        f"The figures {settings.FORCE_NAME} published for {settings.OPERATION_NAME}, its "
        f"operation against serious and organised crime in {settings.FORCE_AREA}, for "
        f"{_period(release)}: {_reported([release])}. {HOW} Version {release.version} of the "
        "release; every earlier version stays downloadable."
    )
    downloads = {
        extension: (
            f"{release.label} figures",
            reverse("stats:year_data", kwargs={"slug": release.slug, "extension": extension}),
        )
        for extension in FORMATS
    }
    return dataset(
        request,
        name=f"{release.title}: figures",
        description=description,
        page=reverse("stats:year", kwargs={"slug": release.slug}),
        identifier=year_tag(year),
        version=release.version,
        releases=[release],
        downloads=downloads,
    )


def _every_year(title):
    return {
        extension: (title, reverse("stats:all_data", kwargs={"extension": extension}))
        for extension in FORMATS
    }


def _version_of(releases):
    """A series changes whenever one of its years does: its version is that moment."""
    modified = last_modified(releases)
    return modified.isoformat(timespec="minutes") if modified else None


def dataset_for_measure(request, measure, releases):
    """One measure's series across every published year (a measure's page)."""
    first, last = releases[0], releases[-1]
    defined = f"{measure.description} " if measure.description else ""
    description = (
        f"{measure.name} in each year of {settings.OPERATION_NAME}, {settings.FORCE_NAME}'s "
        f"operation against serious and organised crime in {settings.FORCE_AREA}, from "
        f"{first.label} to {last.label}: one figure a year as the force stated it. "
        f"{defined}A figure marked not comparable with earlier years starts a new series. "
        "The files hold every measure: this one's rows have measure_slug "
        f"“{measure.slug}”. {HOW}"
    )
    return dataset(
        request,
        name=f"{measure.name}, every year: {settings.OPERATION_NAME} results",
        description=description,
        page=reverse("stats:measure", kwargs={"slug": measure.slug}),
        identifier=absolute_url(request, reverse("stats:measure", kwargs={"slug": measure.slug})),
        version=_version_of(releases),
        releases=releases,
        downloads=_every_year("Every year's figures"),
    )


def dataset_for_all(request, releases):
    """Every published year's figures (/data/)."""
    reported = f": {_reported(releases)}" if releases else ""
    description = (
        f"Every figure {settings.FORCE_NAME} has published for {settings.OPERATION_NAME}, its "
        f"operation against serious and organised crime in {settings.FORCE_AREA}, by year and "
        f"measure{reported}. {HOW}"
    )
    return dataset(
        request,
        name=f"{settings.OPERATION_NAME} results: {settings.FORCE_NAME}",
        description=description,
        page=reverse("stats:data"),
        identifier=absolute_url(request, reverse("stats:data")),
        version=_version_of(releases),
        releases=releases,
        downloads=_every_year("Every year's figures"),
    )
