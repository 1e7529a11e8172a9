"""Rendition URLs as srcset strings, for code that builds a picture outside a template tag
(cached widget lists keep strings, not Image rows), and the one rendition a shared link shows."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.storage import default_storage

from broadsheet.media.models import ORIGINAL, Image
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


# Facebook, LinkedIn and X show a shared link's image at 1200 px wide at most.
SOCIAL_WIDTH = 1200


@dataclass(frozen=True)
class Shared:
    url: str  # relative to the site, as storage gives it
    width: int
    height: int


def social_rendition(image: Image) -> Shared:
    """The image a shared link shows: the JPEG rendition of the original shape that is at least
    1200 px wide (the narrowest such, so the share is not heavier than it needs to be), else
    the widest there is; the original file while no renditions exist yet. JPEG because every
    social network's crawler reads it, which is not true of AVIF."""
    jpegs = image.rendition_set(ORIGINAL, FALLBACK)
    if jpegs:
        wide = [r for r in jpegs if r[0] >= SOCIAL_WIDTH]
        width, height, name = wide[0] if wide else jpegs[-1]
        return Shared(default_storage.url(str(name)), int(width), int(height))
    return Shared(image.url, image.width, image.height)
