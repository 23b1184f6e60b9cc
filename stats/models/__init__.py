"""The press office's records, one module each; import them from here (`stats.models.Year`)."""

from .change_note import ChangeNote
from .figure import Figure
from .measure import Measure
from .next_release import NextRelease
from .pending_correction import PendingCorrection, PendingMeasureChange
from .preview_link import PreviewLink, PreviewLinkUse
from .quote import Quote
from .year import OldSlug, Year

__all__ = [
    "ChangeNote",
    "Figure",
    "Measure",
    "NextRelease",
    "OldSlug",
    "PendingCorrection",
    "PendingMeasureChange",
    "PreviewLink",
    "PreviewLinkUse",
    "Quote",
    "Year",
]
