"""The press office's admin, one module per screen."""

from . import measures, others, years  # noqa: F401 - importing registers the admin classes
from .technical import SuperusersOnly  # noqa: F401 - third-party admin screens: superusers only
