"""Uploaded photos: only real JPEG, PNG or WebP images of a sane size, renamed, and re-encoded
so that no metadata (camera, GPS position, editing history) reaches the public."""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000


def clean_photo(uploaded):
    """A cleaned copy of an uploaded photo, or ValidationError saying what is wrong with it."""
    if uploaded.size > MAX_BYTES:
        raise ValidationError("The photo is larger than 10 MB: save a smaller copy and try again.")
    try:
        uploaded.seek(0)
        with Image.open(uploaded) as probe:
            probe.verify()  # a broken or disguised file fails here
        uploaded.seek(0)
        image = Image.open(uploaded)
        if image.format not in FORMATS:
            raise ValidationError("Upload a JPEG, PNG or WebP photo.")
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError("The photo has too many pixels: 40 megapixels at most.")
        image.load()
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError("That file is not a photo we can read.") from error
    image_format = image.format
    # Turned upright as the camera meant, then saved afresh: EXIF, GPS and comments are not copied.
    image = ImageOps.exif_transpose(image)
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    output = io.BytesIO()
    options = {"quality": 85} if image_format in ("JPEG", "WEBP") else {"optimize": True}
    image.save(output, format=image_format, **options)
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.{FORMATS[image_format]}")
