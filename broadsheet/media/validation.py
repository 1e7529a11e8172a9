"""Is this upload an image we accept? Checked on the bytes, never on the name or the browser's
content type: Pillow must recognise it as one of the allowed formats, its pixel count must stay
under the cap (a small file can decompress to gigabytes), and it must decode whole."""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image as PILImage

# What Pillow raises on bytes it cannot read (UnidentifiedImageError is an OSError); the rest
# come from truncated or malformed files inside its decoders.
PILLOW_ERRORS = (OSError, SyntaxError, ValueError, TypeError, IndexError, EOFError, struct.error)

# Pillow's format names, and what an editor reads in an error.
ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "AVIF": "AVIF", "GIF": "GIF"}


@dataclass(frozen=True)
class Checked:
    data: bytes
    format: str
    width: int
    height: int
    sha256: str


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def check_image(data: bytes) -> Checked:
    """The facts about an acceptable upload, or a ValidationError that says what is wrong."""
    max_bytes = settings.BROADSHEET_IMAGE_MAX_BYTES
    max_pixels = settings.BROADSHEET_IMAGE_MAX_PIXELS
    if not data:
        raise ValidationError("The file is empty.", code="empty")
    if len(data) > max_bytes:
        raise ValidationError(
            f"The file is {_megabytes(len(data))}; images may be at most {_megabytes(max_bytes)}.",
            code="too_large",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data)) as probe:
                fmt, (width, height) = probe.format or "", probe.size
    except PILImage.DecompressionBombError:
        raise ValidationError(_too_many_pixels(None, max_pixels), code="too_many_pixels") from None
    except PILLOW_ERRORS:
        raise ValidationError(
            "This file is not an image we can read. Upload a JPEG, PNG, WebP, AVIF or GIF.",
            code="not_an_image",
        ) from None
    if fmt not in ALLOWED_FORMATS:
        raise ValidationError(
            f"{fmt or 'This'} images are not accepted. Upload a JPEG, PNG, WebP, AVIF or GIF.", code="format"
        )
    if width * height > max_pixels:
        raise ValidationError(_too_many_pixels((width, height), max_pixels), code="too_many_pixels")
    try:
        # The header can lie: decode every pixel (bounded by the cap above) to be sure.
        with PILImage.open(io.BytesIO(data)) as full:
            full.load()
    except PILLOW_ERRORS:
        raise ValidationError(
            "This image is damaged or incomplete; it could not be decoded.", code="corrupt"
        ) from None
    return Checked(data, fmt, width, height, hashlib.sha256(data).hexdigest())


def _too_many_pixels(size: tuple[int, int] | None, max_pixels: int) -> str:
    megapixels = f"{max_pixels / 1_000_000:.0f} megapixels"
    if size is None:
        return f"This image is too large to open safely; images may be at most {megapixels}."
    return f"This image is {size[0]} × {size[1]} pixels; images may be at most {megapixels}."
