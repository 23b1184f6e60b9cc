"""The press office's admin: the year's page and its workflow (years, workflow, forms,
release_forms, restore), measures, the release calendar (calendar) and acts waiting for a second
person (requests), preview links, lists of quotes and change notes, staff sign-in (sign_in) and
their authenticator app (enrolment), and technical screens for superusers only (technical).

May import the rules (stats.rules) and the records (stats.models); never the public pages
(stats.public): it links to them by URL name. Enforced by tests/test_layout.py.
"""

# Importing registers the admin classes.
from . import alerts, calendar, lists, measures, preview_links, requests, years  # noqa: F401
from .technical import SuperusersOnly  # noqa: F401 - third-party admin screens: superusers only
