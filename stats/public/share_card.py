"""The share images (1200×630): what a link to a year, or to one of its figures, looks like on
social media and in link previews.

Drawn with DejaVu Sans, which ships in stats/public/fonts/ with its licence: Pillow's own
default font has no £ and no –. Every piece of text is measured and fitted to its place: a
value shrinks until it fits its column (a number is never cut short: that would change what it
claims), a measure's name wraps to two lines and then ends with "…", anything else ends with
"…" on one.

Text is measured and fitted in stats/public/card_text.py. A card is first laid out as a list
of `Text` pieces, each with the box it must stay inside, then drawn: tests check the layout
(every character has a glyph, nothing leaves the canvas or overlaps) and the drawing is
exactly that layout.
"""

import hashlib
import io

from django.conf import settings

from stats.public.card_text import Text, clean, fit_size, single_line, text_lines

SIZE = WIDTH, HEIGHT = (1200, 630)
NAVY, WHITE, YELLOW, PALE = "#0b2d5b", "#ffffff", "#ffdd00", "#c9d6ea"
MARGIN = 60
BAR = 12  # the yellow band along the top


def _masthead(release, *, title_sizes):
    """Who publishes, then the year's title: one line each, across the card."""
    right = WIDTH - MARGIN
    by = f"{settings.FORCE_NAME} · {settings.OPERATION_NAME}"
    return [
        single_line((MARGIN, 50), by, "regular", (30, 24), PALE, (MARGIN, 40, right, 90)),
        single_line(
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
        items += text_lines(
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
    items += text_lines(
        (MARGIN, 385), figure.label, "regular", 40, WHITE, label_box, max_lines=2, leading=52
    )
    change = card.change
    if change:
        change = change[:1].upper() + change[1:]
        items.append(
            single_line(
                (MARGIN, 520), change, "regular", (32, 24), PALE, (MARGIN, 510, column[2], 600)
            )
        )
    return items


def render(items):
    """The PNG of a card with these pieces of text."""
    # Pillow is loaded by the first card drawn (a cached image, rarely), not by every worker.
    from PIL import Image, ImageDraw

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


def site_card_text():
    """Everything the site's card says, in order (configuration only, never a figure): the
    card changes exactly when this does. Read on every page that shares the site's card, so
    it is the words, not their measured layout."""
    return [
        settings.FORCE_NAME,
        f"{settings.OPERATION_NAME} results",
        "Every year’s figures",
        f"Serious and organised crime in {settings.FORCE_AREA}: what the operation did each "
        "year, with charts, corrections in the open and data to download.",
    ]


def site_card_layout():
    """The site's own card, for pages that are not one year's: who publishes, what the site
    is, and what it holds, in the year cards' style."""
    force, site, headline, what = site_card_text()
    right = WIDTH - MARGIN
    items = [
        single_line((MARGIN, 50), force, "regular", (30, 24), PALE, (MARGIN, 40, right, 90)),
        single_line((MARGIN, 95), site, "bold", (64, 40), WHITE, (MARGIN, 90, right, 185)),
        Text(
            (MARGIN, 330),
            headline,
            "bold",
            fit_size(headline, "bold", 96, 40, right - MARGIN),
            YELLOW,
            (MARGIN, 200, right, 360),
            anchor="ls",
        ),
    ]
    items += text_lines(
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


def site_card_version():
    return hashlib.sha256("\n".join(site_card_text()).encode()).hexdigest()[:16]


def draw_site_card():
    return render(site_card_layout())
