"""The press office's records, one module each; import them from here (`stats.models.Year`)."""

from .alert import AlertEvent, Delivery
from .change_note import ChangeNote
from .figure import Figure
from .form_limit import FormUse
from .measure import Measure
from .pending_correction import PendingCorrection, PendingMeasureChange
from .preview_link import PreviewLink, PreviewLinkUse
from .problem_report import ProblemReport
from .quote import Quote
from .release_calendar import AnnouncementChange, ReleaseAnnouncement
from .release_request import ReleaseRequest
from .release_version import ReleaseVersion
from .subscriber import Subscriber
from .year import OldSlug, Year

__all__ = [
    "AlertEvent",
    "AnnouncementChange",
    "Delivery",
    "FormUse",
    "ProblemReport",
    "Subscriber",
    "ChangeNote",
    "Figure",
    "Measure",
    "OldSlug",
    "PendingCorrection",
    "PendingMeasureChange",
    "PreviewLink",
    "PreviewLinkUse",
    "Quote",
    "ReleaseAnnouncement",
    "ReleaseRequest",
    "ReleaseVersion",
    "Year",
]
