import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from stats.rules.photos import clean_photo


def upload(format="JPEG", size=(64, 48), exif=None, name="IMG_0001 Carlisle raid.jpg"):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, "navy")
    image.save(buffer, format=format, **({"exif": exif} if exif else {}))
    return SimpleUploadedFile(name, buffer.getvalue())


def test_a_photo_is_renamed_and_stripped_of_its_metadata():
    exif = Image.Exif()
    exif[0x010F] = "Police camera"  # Make
    exif[0x8825] = {2: (54.0, 53.0, 0.0)}  # GPS
    cleaned = clean_photo(upload(exif=exif))
    assert (
        cleaned.name.endswith(".jpg") and "Carlisle" not in cleaned.name and len(cleaned.name) == 36
    )
    image = Image.open(io.BytesIO(cleaned.read()))
    assert image.size == (64, 48)
    assert not image.getexif() and "exif" not in image.info


@pytest.mark.parametrize("format", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted(format):
    assert clean_photo(upload(format=format, name="x")).name.endswith(
        format.lower().replace("webp", "webp")
    )


def big_png(width, height):
    """A PNG whose header claims width x height, with a few bytes of pixel data (CRCs right, so
    it passes verify()). Decoded, it would fail; refused from its header, it never is."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("uploaded", "message"),
    [
        (SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>"), "not a photo"),
        (SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100), "not a photo"),
        (upload(format="GIF", name="a.gif"), "JPEG, PNG or WebP"),
        (upload(size=(8000, 6000)), "too many pixels"),
        (SimpleUploadedFile("big.png", big_png(6300, 6300)), "too many pixels"),
        (SimpleUploadedFile("huge.jpg", b"\x00" * (10 * 1024 * 1024 + 1)), "larger than 10 MB"),
    ],
)
def test_anything_else_is_refused_with_a_reason(uploaded, message):
    with pytest.raises(ValidationError, match=message):
        clean_photo(uploaded)


@pytest.mark.django_db
def test_the_admin_cleans_an_uploaded_photo_and_refuses_a_fake(django_app, settings, tmp_path):
    from stats.models import Year

    from .admin_pages import fill, year_form
    from .factories import make_user

    settings.MEDIA_ROOT = tmp_path
    olivia = make_user("olivia", "Press officers")
    typed = {
        "label": "2023",
        "title": "Results 2023",
        "introduction": "What the operation achieved.",
        "period_start": "01/01/2023",
        "period_end": "31/12/2023",
        "photo_alt": "Officers at a door",
    }
    form = fill(year_form(django_app, olivia), **typed)
    form["photo"] = ("photo.jpg", b"GIF89a<script>")
    response = form.submit()
    assert "Upload a valid image" in response.text
    assert not Year.objects.exists()

    form = fill(year_form(django_app, olivia), **typed)
    upload_file = upload()
    form["photo"] = (upload_file.name, upload_file.read())
    assert form.submit().status_code == 302
    photo = Year.objects.get().photo
    assert photo.name.startswith("photos/") and "Carlisle" not in photo.name


SECRETS = [b"Police camera", b"SECRET-COMMENT", b"SECRET-XMP", b"SECRET-IPTC", b"SECRET-TRAIL"]


def jpeg_segments(data):
    """The markers of a JPEG up to the start of its scan, and what follows its end."""
    assert data[:2] == b"\xff\xd8"
    markers, at = [], 2
    while data[at + 1] != 0xDA:  # start of scan: the compressed pixels follow
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2 : at + 4])[0]
        markers.append(marker)
        at += 2 + length
    return markers, data[data.rindex(b"\xff\xd9") + 2 :]


def loaded_with_everything(format):
    """A photo carrying EXIF with GPS, XMP, an ICC profile, a comment, and, for JPEG, an IPTC
    block and data hidden after the image's end."""
    exif = Image.Exif()
    exif[0x010F] = "Police camera"
    exif[0x8825] = {1: "N", 2: (54.0, 53.0, 0.0)}
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>SECRET-XMP</rdf:Description>'
    xmp += b"</x:xmpmeta>"
    buffer = io.BytesIO()
    options = {"exif": exif, "icc_profile": icc, "xmp": xmp}
    if format == "JPEG":
        options["comment"] = b"SECRET-COMMENT"
    if format == "PNG":  # XMP and comments travel in text chunks
        text = PngInfo()
        text.add_itxt("XML:com.adobe.xmp", xmp.decode())
        text.add_text("Comment", "SECRET-COMMENT")
        options["pnginfo"] = text
    Image.new("RGB", (64, 48), "navy").save(buffer, format=format, **options)
    data = buffer.getvalue()
    if format == "JPEG":
        iptc = b"Photoshop 3.0\x00" + b"8BIM\x04\x04\x00\x00" + b"SECRET-IPTC"
        app13 = b"\xff\xed" + struct.pack(">H", len(iptc) + 2) + iptc
        data = data[:2] + app13 + data[2:] + b"SECRET-TRAIL"
    for secret in SECRETS[:1] + SECRETS[2:3]:  # the test's own check: they went in
        assert secret in data
    return SimpleUploadedFile(f"x.{format.lower()}", data)


def test_nothing_but_the_pixels_of_a_jpeg_survive():
    cleaned = clean_photo(loaded_with_everything("JPEG")).read()
    for secret in SECRETS:
        assert secret not in cleaned
    markers, after_end = jpeg_segments(cleaned)
    app_or_comment = [m for m in markers if 0xE0 <= m <= 0xEF or m == 0xFE]
    assert app_or_comment in ([], [0xE0])  # at most JFIF's own header
    assert after_end == b""
    assert Image.open(io.BytesIO(cleaned)).getpixel((10, 10))[2] > 100  # still navy


@pytest.mark.parametrize("format", ["PNG", "WEBP"])
def test_nothing_but_the_pixels_of_a_png_or_webp_survive(format):
    cleaned = clean_photo(loaded_with_everything(format)).read()
    for secret in SECRETS:
        assert secret not in cleaned
    for chunk in [b"eXIf", b"iCCP", b"iTXt", b"tEXt", b"zTXt", b"EXIF", b"ICCP", b"XMP "]:
        assert chunk not in cleaned, chunk
    image = Image.open(io.BytesIO(cleaned))
    assert not image.getexif() and "icc_profile" not in image.info


def test_a_phone_mpo_is_accepted_as_its_first_picture():
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (64, 48), "navy"), Image.new("RGB", (64, 48), "red")
    first.save(buffer, format="MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"
    cleaned = clean_photo(SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue()))
    assert cleaned.name.endswith(".jpg")
    image = Image.open(io.BytesIO(cleaned.read()))
    assert image.format == "JPEG" and getattr(image, "n_frames", 1) == 1
    assert image.getpixel((10, 10))[2] > 100 and image.getpixel((10, 10))[0] < 100  # navy
