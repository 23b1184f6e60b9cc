"""Uploaded photos: only real JPEG, PNG or WebP images of a sane size, renamed, and re-encoded
so that nothing but the pixels reaches the public.

What is kept, by decision: the pixels, turned upright as the camera meant (EXIF orientation),
and in sRGB (a colour profile is applied, then dropped). Nothing else is copied: no EXIF (camera,
GPS position, times), XMP, IPTC, colour profile, comment (JPEG COM) or text chunk, nor anything
hidden after the image's end. A phone's MPO (a JPEG with a second picture for depth or 3D)
keeps its first picture only.
"""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageCms, ImageOps

# Format as Pillow names it -> (format to save as, file extension).
FORMATS = {"JPEG": ("JPEG", "jpg"), "MPO": ("JPEG", "jpg"), "PNG": ("PNG", "png")}
FORMATS["WEBP"] = ("WEBP", "webp")
MAX_BYTES = 10 * 1024 * 1024
# 24 megapixels: a camera's or a phone's full photo. Checked from the header before a pixel is
# decoded; decoding takes about 4 bytes a pixel, several times over, so more would let a small
# file (a 150 KB PNG of 6300 x 6300) take hundreds of megabytes to check.
MAX_PIXELS = 24_000_000
SRGB = ImageCms.createProfile("sRGB")


def clean_photo(uploaded):
    """A cleaned copy of an uploaded photo, or ValidationError saying what is wrong with it."""
    if uploaded.size > MAX_BYTES:
        raise ValidationError("The photo is larger than 10 MB: save a smaller copy and try again.")
    try:
        uploaded.seek(0)
        with Image.open(uploaded) as probe:
            probe.verify()  # a broken or disguised file fails here
        uploaded.seek(0)
        image = Image.open(uploaded)  # reads the header only
        if image.format not in FORMATS:
            raise ValidationError("Upload a JPEG, PNG or WebP photo.")
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError("The photo has too many pixels: 24 megapixels at most.")
        image.seek(0)  # an MPO's (or animated WebP's) first picture
        image.load()
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as error:
        raise ValidationError("That file is not a photo we can read.") from error
    save_as, extension = FORMATS[image.format]
    image = _pixels_only(image, save_as)
    output = io.BytesIO()
    options = {"quality": 85} if save_as in ("JPEG", "WEBP") else {"optimize": True}
    image.save(output, format=save_as, **options)
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


def _pixels_only(image, save_as):
    """The picture upright and in sRGB, as a new image that carries no metadata at all."""
    upright = ImageOps.exif_transpose(image)
    icc = image.info.get("icc_profile")
    if icc and upright.mode in ("RGB", "RGBA", "CMYK"):
        try:
            upright = ImageCms.profileToProfile(
                upright,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                SRGB,
                outputMode="RGBA" if upright.mode == "RGBA" else "RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # an unreadable profile: the pixels as they are
    if upright.mode == "P" or "transparency" in upright.info:
        upright = upright.convert("RGBA")  # a palette's transparency lives in info
    if upright.mode not in ("RGB", "RGBA", "L") or (save_as == "JPEG" and upright.mode == "RGBA"):
        upright = upright.convert("RGB")
    # A fresh image made from the pixels alone: Pillow copies some metadata (a JPEG comment, a
    # PNG's colour profile) from an image's info when saving it, so none may come along.
    pixels = Image.new(upright.mode, upright.size)
    pixels.paste(upright)
    return pixels
