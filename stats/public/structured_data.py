"""schema.org descriptions of the pages, for search engines and dataset catalogues."""

import json

from django.utils.safestring import mark_safe

# As Django's json_script does: nothing in the data can close the script element.
ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def jsonld(data):
    """A schema.org description as a data block (never run as script)."""
    text = json.dumps(data, ensure_ascii=False).translate(ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped above
