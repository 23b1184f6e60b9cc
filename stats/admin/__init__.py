"""The press office's admin: the year's page and its workflow (years, workflow, forms,
restore), measures, the lists of other records (others), staff sign-in and their
authenticator app (enrolment), and technical screens for superusers only (technical)."""

from . import measures, others, years  # noqa: F401 - importing registers the admin classes
from .technical import SuperusersOnly  # noqa: F401 - third-party admin screens: superusers only
