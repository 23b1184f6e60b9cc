"""The press office's admin: the year's page and its workflow (years, workflow, forms,
restore), measures, announcements, preview links, lists of quotes and change notes, staff
sign-in (sign_in) and their authenticator app (enrolment), and technical screens for
superusers only (technical).

May import the rules (stats.rules) and the records (stats.models); never the public pages
(stats.public): it links to them by URL name. Enforced by tests/test_layout.py.
"""

# Importing registers the admin classes.
from . import alerts, announcements, lists, measures, preview_links, years  # noqa: F401
from .technical import SuperusersOnly  # noqa: F401 - third-party admin screens: superusers only
