"""The year's share image (1200×630): what a link to the year looks like on social media."""

import hashlib
import io
import textwrap

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

SIZE = (1200, 630)
NAVY, WHITE, YELLOW, PALE = "#0b2d5b", "#ffffff", "#ffdd00", "#c9d6ea"


def card_text(year, headline):
    """Everything the card says, in order: the card changes exactly when this does."""
    lines = [settings.FORCE_NAME, settings.OPERATION_NAME, year.title]
    lines += [f"{figure.display}|{figure.measure.name}" for figure in headline[:4]]
    return lines


def card_version(year, headline):
    return hashlib.sha256("\n".join(card_text(year, headline)).encode()).hexdigest()[:16]


def _font(size):
    # Pillow's own bundled font: no system fonts needed on the server.
    return ImageFont.load_default(size=size)


def draw_card(year, headline):
    image = Image.new("RGB", SIZE, NAVY)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, SIZE[0], 12], fill=YELLOW)
    draw.text(
        (60, 50), f"{settings.FORCE_NAME} · {settings.OPERATION_NAME}", font=_font(30), fill=PALE
    )
    draw.text(
        (60, 95), textwrap.shorten(year.title, 48, placeholder="…"), font=_font(54), fill=WHITE
    )
    positions = [(60, 210), (630, 210), (60, 410), (630, 410)]
    for (x, y), figure in zip(positions, headline[:4], strict=False):
        draw.text((x, y), figure.display, font=_font(68), fill=YELLOW)
        label = textwrap.wrap(figure.measure.name, 34)[:2]
        for line_number, line in enumerate(label):
            draw.text((x, y + 88 + line_number * 34), line, font=_font(28), fill=WHITE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
