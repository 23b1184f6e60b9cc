"""The Jinja2 environment of the public pages (the admin keeps Django's own templates).

Jinja2 compiles templates to Python, so a page renders several times faster than with
Django's template language: that is what keeps an uncached page cheap (docs/decisions/0004).
The filters below are, or behave as, Django's own, so dates (in UK time), sizes and
truncation read exactly as before.
"""

from functools import lru_cache

from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.text import capfirst
from django.utils.timezone import template_localtime
from jinja2 import Environment, pass_context

from stats.public.permalinks import absolute_url
from stats.public.share_card import site_card_version
from stats.public.structured_data import jsonld


def url(name, *args):
    """An address by its name, as {% url %}."""
    return _address(get_script_prefix(), name, args)


@lru_cache(maxsize=1024)
def _address(prefix, name, args):
    # The URL patterns never change while the process runs, so each address is worked out once
    # per prefix (a year's page links to every measure).
    return reverse(name, args=args)


@pass_context
def absolute(context, path):
    """A path's public address (on SITE_URL when set), for canonical links and share tags."""
    return absolute_url(context.get("request"), path)


def site_card():
    """The site's share image, its address changing when what it says does."""
    return f"{url('stats:site_card')}?v={site_card_version()}"


def date(value, format_string):
    """Django's |date, in UK time (TIME_ZONE) as Django's templates show it."""
    return defaultfilters.date(template_localtime(value), format_string)


def iso(value):
    """A date and time for a datetime attribute, in UK time with its offset, to the second:
    HTML allows at most three digits of a second, and Django's "c" writes six."""
    return template_localtime(value).isoformat(timespec="seconds")


def environment(**options):
    # Django's backend asks for autoescape already; stated here so no setting can drop it.
    options["autoescape"] = True
    env = Environment(**options)  # noqa: S701 - autoescape is set on the line above
    env.globals.update(static=static, url=url, absolute=absolute, site_card=site_card)
    env.filters.update(
        date=date,
        iso=iso,
        capfirst=capfirst,
        truncatewords=defaultfilters.truncatewords,
        filesizeformat=defaultfilters.filesizeformat,
        jsonld=jsonld,
    )
    return env
