"""The share cards: every character a press officer can type is drawn with a real glyph, never
the font's empty box, and no text leaves its place on the 1200×630 canvas."""

import functools
import io
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.management import call_command
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw

from stats.models import Figure, Year
from stats.models.enums import Qualifier, Unit, YearState
from stats.public import card_text, share_card
from stats.rules.releases import Release

from .factories import make_figure, make_measure, make_year, release

pytestmark = pytest.mark.django_db

LONG_NAME = (
    "Money returned to victims of fraud – including Penrith’s café owners and élderly "
    "residents right across the county"
)
LONG_QUALIFIED = "more than £1,534,210.50"


@functools.cache
def character_map(weight):
    """Code point -> glyph name, for the font file the card draws this weight with."""
    return TTFont(card_text.FONT_DIR / card_text.FONT_FILES[weight]).getBestCmap()


def missing_glyphs(items):
    """(weight, character) for each character that its font would draw as .notdef (a box)."""
    return {
        (item.weight, character)
        for item in items
        for character in item.text
        if character_map(item.weight).get(ord(character), ".notdef") == ".notdef"
    }


def misplaced(items):
    """Each piece of text whose inked box, as Pillow draws it, leaves its own place, the canvas,
    or overlaps another piece; and each pair of places (cells) that overlap."""
    draw = ImageDraw.Draw(Image.new("RGB", share_card.SIZE))
    canvas = (0, share_card.BAR, *share_card.SIZE)
    problems, drawn = [], []
    for item in items:
        box = draw.textbbox(item.xy, item.text, font=item.font, anchor=item.anchor)
        for outer, what in [(item.box, "its place"), (canvas, "the canvas")]:
            if not (outer[0] <= box[0] and outer[1] <= box[1]):
                problems.append(f"{item.text!r} {box} starts outside {what} {outer}")
            if not (box[2] <= outer[2] and box[3] <= outer[3]):
                problems.append(f"{item.text!r} {box} ends outside {what} {outer}")
        drawn.append((item.text, box))
    places = sorted({item.box for item in items})
    pairs = [(a, b) for i, a in enumerate(drawn) for b in drawn[i + 1 :]]
    pairs += [((str(a), a), (str(b), b)) for i, a in enumerate(places) for b in places[i + 1 :]]
    for (text, a), (other, b) in pairs:
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
            problems.append(f"{text!r} {a} overlaps {other!r} {b}")
    return problems


def blank_margins(png):
    """Whether the canvas's margins (left, right, bottom) hold nothing but the background."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    navy = Image.new("RGB", (1, 1), share_card.NAVY).getpixel((0, 0))
    strips = [
        (0, share_card.BAR + 1, share_card.MARGIN, height),
        (width - share_card.MARGIN, share_card.BAR + 1, width, height),
        (0, height - 20, width, height),
    ]
    return all(
        {colour for _, colour in image.crop(strip).getcolors()} == {navy} for strip in strips
    )


def glyph_pixels(font, character):
    """One character as Pillow draws it with this font."""
    image = Image.new("L", (font.size * 2, font.size * 2))
    ImageDraw.Draw(image).text((0, 0), character, font=font, fill=255)
    return image.tobytes()


def texts(items):
    return [item.text for item in items]


@pytest.fixture
def awkward_year():
    """A year whose card has everything awkward: £, –, ’, é, a long name, a long qualifier."""
    returned = make_measure(name=LONG_NAME, slug="returned", unit=Unit.MONEY, is_headline=True)
    drugs = make_measure(
        name="Drugs seized (estimated street value)",
        slug="drugs-seized",
        unit=Unit.MONEY,
        is_headline=True,
    )
    change = make_measure(
        name="Cyber crime arrests", slug="cyber-change", unit=Unit.PERCENT_CHANGE, is_headline=True
    )
    children = make_measure(
        name="Children safeguarded by the cyber and digital crime unit",
        slug="children",
        is_headline=True,
    )
    cannabis = make_measure(name="Cannabis", slug="cannabis", unit=Unit.MONEY, parent=drugs)
    earlier = make_year("2021", title="Results 2021")
    make_figure(earlier, returned, "1200000", qualifier=Qualifier.NEARLY)
    release(earlier)
    year = make_year(
        "2022", title="Operation Alliance results 2022–23: Cumbria’s year, and the café owners’"
    )
    make_figure(year, returned, "1534210.50", qualifier=Qualifier.MORE_THAN)
    make_figure(year, drugs, "4000000", qualifier=Qualifier.NEARLY)
    make_figure(year, cannabis, "1250000")
    make_figure(year, change, "40", comparison="compared with 2020")
    make_figure(year, children, "1234")
    return release(year)


def layouts(year):
    """The year's card and its long-qualified figure's card, laid out as the views draw them."""
    published = Release.of(year)
    return {
        "year": share_card.year_card_layout(published),
        "figure": share_card.figure_card_layout(published, published.card("returned")),
    }


class TestEveryCharacterHasAGlyph:
    def test_the_awkward_characters_are_drawn_with_real_glyphs(self, awkward_year):
        for name, items in layouts(awkward_year).items():
            drawn = "".join(texts(items))
            assert set("£–’é…") <= set(drawn), name  # what this test is about really is drawn
            assert LONG_QUALIFIED in texts(items), name  # whole: a number is never cut short
            assert missing_glyphs(items) == set(), name

    def test_pillow_draws_them_with_the_font_and_not_its_box(self, awkward_year):
        notdef = chr(0x10FFFD)  # a private-use code point no font of ours has
        assert ord(notdef) not in character_map("regular")
        for items in layouts(awkward_year).values():
            for item in items:
                box = glyph_pixels(item.font, notdef)
                assert any(box)  # .notdef is a visible box in this font
                for character in set(item.text) - {" "}:
                    assert glyph_pixels(item.font, character) != box, character

    def test_the_check_itself_catches_a_missing_glyph(self):
        box = (0, 0, *share_card.SIZE)
        items = [card_text.Text((60, 60), "£4m 中", "bold", 40, share_card.WHITE, box)]
        assert missing_glyphs(items) == {("bold", "中")}

    def test_the_font_is_the_projects_own_and_never_the_machines(self, monkeypatch, tmp_path):
        for name in card_text.FONT_FILES.values():
            assert (card_text.FONT_DIR / name).is_file()
        assert card_text.FONT_DIR == Path(share_card.__file__).resolve().parent / "fonts"
        assert (card_text.FONT_DIR / "LICENCE").is_file()
        # Without the project's file there is no card: no quiet fallback to a system font of
        # the same name (DejaVu is installed on many machines, this one included perhaps).
        monkeypatch.setattr(card_text, "FONT_DIR", tmp_path)
        card_text.font.cache_clear()
        try:
            with pytest.raises(OSError):
                card_text.font("regular", 30)
        finally:
            monkeypatch.undo()
            card_text.font.cache_clear()


class TestLayout:
    def test_nothing_leaves_its_place_the_canvas_or_overlaps(self, awkward_year):
        for name, items in layouts(awkward_year).items():
            assert misplaced(items) == [], name

    def test_the_margins_stay_blank(self, awkward_year):
        for items in layouts(awkward_year).values():
            assert blank_margins(share_card.render(items))

    def test_a_long_name_wraps_to_two_lines_then_ends_with_an_ellipsis(self, awkward_year):
        items = layouts(awkward_year)["year"]
        lines = [i.text for i in items if i.size == 28 and i.box[0:2] == (share_card.MARGIN, 200)]
        assert len(lines) == 2 and lines[1].endswith("…")
        assert LONG_NAME.startswith(" ".join(lines)[:-1])

    def test_a_long_value_shrinks_to_fit_its_column(self, awkward_year):
        items = layouts(awkward_year)["year"]
        value = next(i for i in items if i.text == LONG_QUALIFIED)
        nearly = next(i for i in items if i.text == "nearly £4m")
        assert value.size < nearly.size == 68
        assert value.font.getlength(value.text) <= share_card.COLUMN_WIDTH

    def test_a_huge_title_and_name_still_fit(self):
        box = (share_card.MARGIN, 0, share_card.WIDTH - share_card.MARGIN, 0)
        assert card_text.fit_line("W" * 300, "bold", 40, box[2] - box[0]).endswith("…")
        lines = card_text.wrap("Ŵ" * 300, "regular", 28, share_card.COLUMN_WIDTH, 2)
        assert len(lines) == 2 and lines[1].endswith("…")
        for line in lines:
            assert card_text.font("regular", 28).getlength(line) <= share_card.COLUMN_WIDTH


class TestDemoCard:
    def test_the_demo_years_card_says_nearly_4m_with_a_pound_sign(self, client):
        call_command("load_demo")
        year = Year.objects.get(slug="2022")
        response = client.get("/years/2022/card.png")
        assert response.status_code == HTTPStatus.OK and response["Content-Type"] == "image/png"
        image = Image.open(io.BytesIO(response.content))
        assert (image.format, image.size) == ("PNG", (1200, 630))
        items = share_card.year_card_layout(Release.of(year))
        assert "nearly £4m" in texts(items)
        assert share_card.render(items) == response.content  # the image is exactly that layout
        assert missing_glyphs(items) == set() and misplaced(items) == []


class TestFigureCard:
    def test_one_figure_big_with_what_changed(self, client, awkward_year):
        response = client.get("/years/2022/card/returned.png")
        assert response.status_code == HTTPStatus.OK and response["Content-Type"] == "image/png"
        image = Image.open(io.BytesIO(response.content))
        assert (image.format, image.size) == ("PNG", (1200, 630))
        items = layouts(awkward_year)["figure"]
        assert share_card.render(items) == response.content
        assert "Up from nearly £1.2m in 2021" in texts(items)
        assert awkward_year.title.startswith(items[1].text.rstrip("…"))
        assert response["ETag"].strip('"') != client.get("/years/2022/card.png")["ETag"].strip('"')

    def test_a_part_of_a_breakdown_has_a_card_too(self, client, awkward_year):
        response = client.get("/years/2022/card/cannabis.png")
        assert response.status_code == HTTPStatus.OK
        published = Release.of(awkward_year)
        items = share_card.figure_card_layout(published, published.card("cannabis"))
        assert share_card.render(items) == response.content  # exactly the part's own layout
        assert "£1.25m" in texts(items) and "Cannabis" in texts(items)

    def test_not_found(self, client, awkward_year):
        empty = make_measure(name="Vehicles seized", slug="vehicles")
        Figure.objects.create(year=awkward_year, measure=empty, value=None)
        release(awkward_year, note_text="Vehicles to come.")
        make_measure(name="Firearms", slug="firearms")
        make_year("2024", state=YearState.DRAFT, published_at=None)
        for path in [
            "/years/2022/card/no-such-measure.png",
            "/years/2022/card/firearms.png",  # a measure this year does not report
            "/years/2022/card/vehicles.png",  # a figure still waiting for its value
            "/years/2024/card/returned.png",  # a draft
            "/years/2099/card/returned.png",
        ]:
            assert client.get(path).status_code == HTTPStatus.NOT_FOUND, path

    def test_a_moved_year_redirects_permanently(self, client, awkward_year):
        awkward_year.slug = "results-2022"
        awkward_year.save()
        response = client.get("/years/2022/card/returned.png")
        assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
        assert response["Location"] == "/years/results-2022/card/returned.png"
        assert client.get(response["Location"]).status_code == HTTPStatus.OK


class TestSiteCard:
    """The card of pages that are not one year's: configuration only, fitted as the others."""

    def test_long_names_still_fit_with_real_glyphs(self, settings):
        settings.FORCE_NAME = "Police Service of the Café Owners’ Valley – " * 3
        settings.OPERATION_NAME = "Operation Ŵ" * 20
        settings.FORCE_AREA = "the Isles of Scilly, Cornwall and Devon " * 4
        items = share_card.site_card_layout()
        assert missing_glyphs(items) == set() and misplaced(items) == []
        assert blank_margins(share_card.render(items))
        assert items[1].text.endswith("…") and items[-1].text.endswith("…")

    def test_it_is_served_and_changes_with_what_it_says(self, client, settings):
        first = client.get("/card.png")
        assert first.status_code == 200 and first["Content-Type"] == "image/png"
        settings.FORCE_AREA = "Lancashire"
        assert share_card.site_card_version() != first["ETag"].strip('"')
