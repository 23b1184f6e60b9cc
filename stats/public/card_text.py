"""Text on the share images: DejaVu Sans from stats/public/fonts/ (Pillow's own default font
has no £ and no –), measured, and fitted to a width. A line shrinks and then ends with "…"; a
measure's name wraps and then ends with "…"; a number is never cut (stats/public/share_card.py
shrinks it until it fits, since a shortened number would claim something else)."""

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ELLIPSIS = "…"

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}


# A card's text comes in a handful of weights and sizes, each measured many times.
@functools.lru_cache(maxsize=64)
def font(weight, size):
    """DejaVu Sans from stats/public/fonts/ at this size, and never one of the machine's fonts.

    ImageFont.truetype() is not used: when a file fails to open it quietly looks for a file of
    the same name among the machine's fonts. FreeTypeFont opens exactly this file or fails.
    The basic layout needs no libraqm, so a card measures the same on every machine.
    """
    # Pillow is loaded by the first card drawn (a cached image, rarely), not by every worker.
    from PIL import ImageFont

    path = FONT_DIR / FONT_FILES[weight]
    return ImageFont.FreeTypeFont(str(path), size, layout_engine=ImageFont.Layout.BASIC)


@dataclass(frozen=True)
class Text:
    """One line of text on a card, and the box (left, top, right, bottom) it must stay in."""

    xy: tuple[int, int]
    text: str
    weight: str
    size: int
    fill: str
    box: tuple[int, int, int, int]
    anchor: str = "la"  # x is the left edge; y the top (ascender) or, with "ls", the baseline

    @property
    def font(self):
        return font(self.weight, self.size)


def clean(text):
    """One line of text: composed accents (e + ◌́ becomes é), no line breaks or runs of spaces."""
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


def _width(text, weight, size):
    return font(weight, size).getlength(text)


def _longest_fitting_prefix(text, weight, size, width, suffix=""):
    """How many characters of `text` fit in `width` with `suffix` after them (at least 0)."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if _width(text[:middle].rstrip() + suffix, weight, size) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def fit_line(text, weight, size, width):
    """The text on one line of `width` pixels: whole if it fits, else cut short with "…",
    at a space when one is near enough to the end."""
    text = clean(text)
    if _width(text, weight, size) <= width:
        return text
    cut = _longest_fitting_prefix(text, weight, size, width, ELLIPSIS)
    kept = text[:cut]
    space = kept.rfind(" ")
    if space > cut * 2 // 3:
        kept = kept[:space]
    return kept.rstrip(" ,;:–-") + ELLIPSIS


def wrap(text, weight, size, width, max_lines):
    """The text in at most `max_lines` lines of `width` pixels, the last ending in "…" when it
    does not all fit. A word too long for a line on its own is broken where it must be."""
    lines, current = [], ""
    for word in clean(text).split(" "):
        candidate = f"{current} {word}" if current else word
        if _width(candidate, weight, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while _width(word, weight, size) > width:
            cut = max(1, _longest_fitting_prefix(word, weight, size, width))
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1 :])
        lines = lines[: max_lines - 1]
        # The rest never fits whole (it spilled over), so this always ends in "…".
        last = fit_line(rest, weight, size, width)
        lines.append(last if last.endswith(ELLIPSIS) else last + ELLIPSIS)
    return lines


def fit_size(text, weight, largest, smallest, width):
    """The largest font size, from `largest` down to `smallest`, at which the text fits."""
    text = clean(text)
    length = _width(text, weight, largest)
    if length <= width:
        return largest
    # Width grows almost in proportion to size: start near the answer, then step down.
    size = max(smallest, min(largest, int(largest * width / length)))
    while size < largest and _width(text, weight, size + 1) <= width:
        size += 1
    while size > smallest and _width(text, weight, size) > width:
        size -= 1
    return size


def single_line(xy, text, weight, sizes, fill, box):
    """A line that shrinks from the first size to the second, then ends with "…"."""
    width = box[2] - box[0]
    largest, smallest = sizes
    size = fit_size(text, weight, largest, smallest, width)
    return Text(xy, fit_line(text, weight, size, width), weight, size, fill, box)


def text_lines(xy, text, weight, size, fill, box, *, max_lines, leading):
    x, y = xy
    return [
        Text((x, y + number * leading), line, weight, size, fill, box)
        for number, line in enumerate(wrap(text, weight, size, box[2] - box[0], max_lines))
    ]
