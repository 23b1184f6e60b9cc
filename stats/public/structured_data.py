"""schema.org descriptions of the pages, for search engines and dataset catalogues."""

import json

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe

from stats.public.open_data import LICENCE_URL, last_modified
from stats.public.permalinks import absolute_url

# As Django's json_script does: nothing in the data can close the script element.
ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def jsonld(data):
    """A schema.org description as a data block (never run as script)."""
    text = json.dumps(data, ensure_ascii=False).translate(ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped above


def dataset(*, name, description, url, releases, downloads):
    """A schema.org Dataset, so search engines list the data. URLs are absolute."""
    releases = list(releases)
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": name,
        "description": description,
        "url": url,
        "license": LICENCE_URL,
        "isAccessibleForFree": True,
        "creator": {
            "@type": "Organization",
            "name": settings.FORCE_NAME,
            "url": settings.FORCE_WEBSITE_URL,
        },
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": "text/csv" if extension == "csv" else "application/json",
                "contentUrl": address,
            }
            for extension, address in downloads.items()
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


def dataset_for_year(request, release):
    return dataset(
        name=f"{release.title}: figures",
        description=release.introduction or release.title,
        url=absolute_url(request, reverse("stats:year", kwargs={"slug": release.slug})),
        releases=[release],
        downloads={
            extension: absolute_url(
                request,
                reverse("stats:year_data", kwargs={"slug": release.slug, "extension": extension}),
            )
            for extension in ("csv", "json")
        },
    )
