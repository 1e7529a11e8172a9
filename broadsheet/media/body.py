"""Library images inside stored HTML: which ones a body uses, and the body with each one
expanded into the library's <picture> (srcset, sizes, width, height, a modern-format source).

The body keeps a plain `<img data-media-id="N" src alt>` (what the editor inserts and the
sanitiser lets through, integer ids only), so feeds and the API still get an ordinary image,
and a page renders the renditions that exist when it is shown, not when it was written.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe

from broadsheet.media.models import Image
from broadsheet.media.templatetags.pictures import picture

# An <img> as the sanitiser (nh3) writes it: attribute values always double-quoted, with no
# '"' inside, so this reads every attribute of stored bodies exactly (a '>' inside a value
# does not end the tag). Bodies are not parsed again on every page view.
_IMG_RE = re.compile(r'<img((?:\s+[^\s"=>/]+(?:="[^"]*")?)*)\s*/?>')
_ATTR_RE = re.compile(r'([^\s"=>/]+)(?:="([^"]*)")?')

# Body images sit in the text column, as wide as the lead image at most.
BODY_SIZES = "(min-width: 48rem) 46rem, 100vw"


def _attributes(raw: str) -> dict[str, str]:
    return {name.lower(): html.unescape(value or "") for name, value in _ATTR_RE.findall(raw)}


def _media_id(raw: str) -> int | None:
    value = _attributes(raw).get("data-media-id", "")
    return int(value) if value.isascii() and value.isdigit() else None


def library_ids(body: str) -> list[int]:
    """The library image ids a body refers to, in order, each once."""
    found: dict[int, None] = {}
    for match in _IMG_RE.finditer(body):
        media_id = _media_id(match.group(1))
        if media_id is not None:
            found[media_id] = None
    return list(found)


def images_for(body: str) -> list[Image]:
    """The Image rows a body refers to (one query; none when it refers to none)."""
    ids = library_ids(body)
    return list(Image.objects.filter(pk__in=ids)) if ids else []


def expand(body: str, images: Iterable[Image], sizes: str = BODY_SIZES) -> SafeString:
    """`body` (sanitised HTML) with each library <img> replaced by the image's <picture>.

    An id missing from `images` (the image was deleted) leaves the stored <img> as it is.
    """
    by_id = {image.pk: image for image in images}

    def replace(match: re.Match[str]) -> str:
        media_id = _media_id(match.group(1))
        image = by_id.get(media_id) if media_id is not None else None
        if image is None:
            return match.group(0)
        return str(picture(image, sizes=sizes, class_="story__body-image"))

    return mark_safe(_IMG_RE.sub(replace, body))  # sanitised on save; pictures are escaped
