"""The press office's records, one module each; import them from here (`stats.models.Year`)."""

from .change_note import ChangeNote
from .figure import Figure
from .measure import Measure
from .pending_correction import PendingCorrection, PendingMeasureChange
from .preview_link import PreviewLink, PreviewLinkUse
from .quote import Quote
from .release_calendar import AnnouncementChange, ReleaseAnnouncement
from .release_request import ReleaseRequest
from .release_version import ReleaseVersion
from .year import OldSlug, Year

__all__ = [
    "AnnouncementChange",
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
