"""The share images (1200×630): what a link to a year, or to one of its figures, looks like on
social media and in link previews.

Drawn with DejaVu Sans, which ships in stats/public/fonts/ with its licence: Pillow's own
default font has no £ and no –. Every piece of text is measured and fitted to its place: a
value shrinks until it fits its column (a number is never cut short: that would change what it
claims), a measure's name wraps to two lines and then ends with "…", anything else ends with
"…" on one.

A card is first laid out as a list of `Text` pieces, each with the box it must stay inside,
then drawn: tests check the layout (every character has a glyph, nothing leaves the canvas
or overlaps) and the drawing is exactly that layout.
"""

import functools
import hashlib
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

SIZE = WIDTH, HEIGHT = (1200, 630)
NAVY, WHITE, YELLOW, PALE = "#0b2d5b", "#ffffff", "#ffdd00", "#c9d6ea"
MARGIN = 60
BAR = 12  # the yellow band along the top
ELLIPSIS = "…"

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}


@functools.lru_cache(maxsize=64)
def font(weight, size):
    """DejaVu Sans from stats/public/fonts/ at this size, and never one of the machine's fonts.

    ImageFont.truetype() is not used: when a file fails to open it quietly looks for a file of
    the same name among the machine's fonts. FreeTypeFont opens exactly this file or fails.
    The basic layout needs no libraqm, so a card measures the same on every machine.
    """
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


def _single_line(xy, text, weight, sizes, fill, box):
    """A line that shrinks from the first size to the second, then ends with "…"."""
    width = box[2] - box[0]
    largest, smallest = sizes
    size = fit_size(text, weight, largest, smallest, width)
    return Text(xy, fit_line(text, weight, size, width), weight, size, fill, box)


def _lines(xy, text, weight, size, fill, box, *, max_lines, leading):
    x, y = xy
    return [
        Text((x, y + number * leading), line, weight, size, fill, box)
        for number, line in enumerate(wrap(text, weight, size, box[2] - box[0], max_lines))
    ]


def _masthead(release, *, title_sizes):
    """Who publishes, then the year's title: one line each, across the card."""
    right = WIDTH - MARGIN
    by = f"{settings.FORCE_NAME} · {settings.OPERATION_NAME}"
    return [
        _single_line((MARGIN, 50), by, "regular", (30, 24), PALE, (MARGIN, 40, right, 90)),
        _single_line(
            (MARGIN, 95), release.title, "bold", title_sizes, WHITE, (MARGIN, 90, right, 175)
        ),
    ]


# The year's card: up to four headline figures in two columns and two rows.
COLUMN_WIDTH = (WIDTH - 3 * MARGIN) // 2
CELLS = [
    (MARGIN, 200),
    (2 * MARGIN + COLUMN_WIDTH, 200),
    (MARGIN, 400),
    (2 * MARGIN + COLUMN_WIDTH, 400),
]
CELL_HEIGHT = 190


def year_card_layout(release):
    """Every piece of text on a year's card, fitted to its place: up to four headline figures
    (stats/rules/releases.py FigureCard), each with its words as on the page."""
    items = _masthead(release, title_sizes=(54, 40))
    for (x, top), card in zip(CELLS, release.headline_cards[:4], strict=False):
        figure = card.figure
        box = (x, top, x + COLUMN_WIDTH, top + CELL_HEIGHT)
        size = fit_size(figure.display, "bold", 68, 14, COLUMN_WIDTH)
        # On a common baseline, so a figure that had to shrink still lines up with its row.
        items.append(
            Text((x, top + 76), clean(figure.display), "bold", size, YELLOW, box, anchor="ls")
        )
        items += _lines(
            (x, top + 104), figure.label, "regular", 28, WHITE, box, max_lines=2, leading=36
        )
    return items


def figure_card_layout(release, card):
    """Every piece of text on one figure's card: the number big, what it counts, what changed."""
    figure = card.figure
    items = _masthead(release, title_sizes=(44, 32))
    column = (MARGIN, 180, WIDTH - MARGIN, 600)
    size = fit_size(figure.display, "bold", 150, 20, column[2] - column[0])
    value_box = (column[0], 180, column[2], 380)
    items.append(
        Text((MARGIN, 330), clean(figure.display), "bold", size, YELLOW, value_box, anchor="ls")
    )
    label_box = (column[0], 380, column[2], 490)
    items += _lines(
        (MARGIN, 385), figure.label, "regular", 40, WHITE, label_box, max_lines=2, leading=52
    )
    change = card.change
    if change:
        change = change[:1].upper() + change[1:]
        items.append(
            _single_line(
                (MARGIN, 520), change, "regular", (32, 24), PALE, (MARGIN, 510, column[2], 600)
            )
        )
    return items


def render(items):
    """The PNG of a card with these pieces of text."""
    image = Image.new("RGB", SIZE, NAVY)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, WIDTH, BAR], fill=YELLOW)
    for item in items:
        draw.text(item.xy, item.text, font=item.font, fill=item.fill, anchor=item.anchor)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def card_text(release):
    """Everything the year's card says, in order: the card changes exactly when this does."""
    lines = [settings.FORCE_NAME, settings.OPERATION_NAME, release.title]
    lines += [f"{c.figure.display}|{c.figure.label}" for c in release.headline_cards[:4]]
    return lines


def card_version(release):
    return hashlib.sha256("\n".join(card_text(release)).encode()).hexdigest()[:16]


def draw_card(release):
    return render(year_card_layout(release))


def figure_card_text(release, card):
    """Everything one figure's card says, in order."""
    return [
        settings.FORCE_NAME,
        settings.OPERATION_NAME,
        release.title,
        card.figure.display,
        card.figure.label,
        card.change,
    ]


def figure_card_version(release, card):
    return hashlib.sha256("\n".join(figure_card_text(release, card)).encode()).hexdigest()[:16]


def draw_figure_card(release, card):
    return render(figure_card_layout(release, card))


def site_card_layout():
    """The site's own card, for pages that are not one year's: who publishes, what the site
    is, and what it holds, in the year cards' style. Configuration only, never a figure."""
    right = WIDTH - MARGIN
    items = [
        _single_line(
            (MARGIN, 50),
            settings.FORCE_NAME,
            "regular",
            (30, 24),
            PALE,
            (MARGIN, 40, right, 90),
        ),
        _single_line(
            (MARGIN, 95),
            f"{settings.OPERATION_NAME} results",
            "bold",
            (64, 40),
            WHITE,
            (MARGIN, 90, right, 185),
        ),
        Text(
            (MARGIN, 330),
            "Every year’s figures",
            "bold",
            fit_size("Every year’s figures", "bold", 96, 40, right - MARGIN),
            YELLOW,
            (MARGIN, 200, right, 360),
            anchor="ls",
        ),
    ]
    what = (
        f"Serious and organised crime in {settings.FORCE_AREA}: what the operation did each "
        "year, with charts, corrections in the open and data to download."
    )
    items += _lines(
        (MARGIN, 400),
        what,
        "regular",
        36,
        WHITE,
        (MARGIN, 390, right, 600),
        max_lines=4,
        leading=48,
    )
    return items


def site_card_text():
    return [item.text for item in site_card_layout()]


def site_card_version():
    return hashlib.sha256("\n".join(site_card_text()).encode()).hexdigest()[:16]


def draw_site_card():
    return render(site_card_layout())
