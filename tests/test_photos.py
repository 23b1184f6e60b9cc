import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from stats.photos import clean_photo


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


@pytest.mark.parametrize(
    ("uploaded", "message"),
    [
        (SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>"), "not a photo"),
        (SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100), "not a photo"),
        (upload(format="GIF", name="a.gif"), "JPEG, PNG or WebP"),
        (upload(size=(8000, 6000)), "too many pixels"),
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
