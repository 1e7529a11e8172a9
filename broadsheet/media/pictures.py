"""Rendition URLs as srcset strings, for code that builds a picture outside a template tag
(cached widget lists keep strings, not Image rows)."""

from __future__ import annotations

from django.core.files.storage import default_storage

from broadsheet.media.models import Image
from broadsheet.media.renditions import CONTENT_TYPES, FALLBACK, effective_ratio, modern_format


def srcset(image: Image, ratio: str, fmt: str) -> str:
    """ "url 320w, url 640w, …" for the image's renditions, or "" while there are none."""
    items = image.rendition_set(effective_ratio(image, ratio), fmt)
    return ", ".join(f"{default_storage.url(str(name))} {width}w" for width, _, name in items)


def thumbnail_sources(image: Image, ratio: str = "") -> dict[str, str]:
    """src (the narrowest JPEG), srcset, the modern format's srcset and its type; {} if none yet."""
    key = effective_ratio(image, ratio)
    jpegs, modern = image.rendition_set(key, FALLBACK), image.rendition_set(key, modern_format())
    if not jpegs or not modern:
        return {}
    return {
        "src": default_storage.url(str(jpegs[0][2])),
        "srcset": srcset(image, ratio, FALLBACK),
        "modern_srcset": srcset(image, ratio, modern_format()),
        "modern_type": CONTENT_TYPES[modern_format()],
    }
