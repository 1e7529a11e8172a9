"""{% picture image ratio="16:9" sizes="(min-width: 60em) 33vw, 100vw" %}: a library image as
<picture> with a modern-format <source> and a JPEG <img>, both with srcset and sizes, and the
<img> with width, height, alt, loading and decoding.

Everything comes from the Image row (its JSON rendition list), so a page of cards makes no query
for its pictures. When renditions are missing (just uploaded, or a new ratio), the original is
shown with its width and height and the renditions are requested in the background: a page
never waits for an image to be made."""

from __future__ import annotations

from django import template
from django.core.files.storage import default_storage
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from broadsheet.media.models import Image
from broadsheet.media.renditions import CONTENT_TYPES, FALLBACK, effective_ratio, modern_format

register = template.Library()

# The <img src> for browsers without srcset: the first width at least this wide.
DEFAULT_SRC_WIDTH = 960


def _srcset(items: list[list[object]]) -> SafeString:
    return format_html_join(
        ", ", "{} {}w", ((default_storage.url(str(name)), width) for width, _, name in items)
    )


def _attrs(**values: object) -> SafeString:
    pairs = (
        (name.rstrip("_").replace("_", "-"), value)
        for name, value in values.items()
        if value not in (None, "")
    )
    return format_html_join("", ' {}="{}"', pairs)


@register.simple_tag
def picture(
    image: Image | None,
    ratio: str = "",
    sizes: str = "100vw",
    class_: str = "",
    alt: str | None = None,
    eager: bool = False,
) -> SafeString:
    """`alt=""` marks a decorative copy (a card's picture beside its linked headline)."""
    if image is None or not image.file:
        return mark_safe("")
    text = image.alt if alt is None else alt
    loading = {"fetchpriority": "high"} if eager else {"loading": "lazy"}
    key = effective_ratio(image, ratio)
    modern, fallback = image.rendition_set(key, modern_format()), image.rendition_set(key, FALLBACK)
    if not modern or not fallback:
        from broadsheet.media.tasks import request_renditions

        request_renditions(image.pk, key)
        attrs = _attrs(class_=class_, width=image.width, height=image.height, **loading)
        return format_html('<img src="{}" alt="{}"{} decoding="async">', image.url, text, attrs)
    src = next((item for item in fallback if int(item[0]) >= DEFAULT_SRC_WIDTH), fallback[-1])
    widest = fallback[-1]
    img_attrs = _attrs(class_=class_, width=widest[0], height=widest[1], **loading)
    return format_html(
        '<picture><source type="{}" srcset="{}" sizes="{}"><img src="{}" srcset="{}" sizes="{}" alt="{}"{} decoding="async"></picture>',
        CONTENT_TYPES[modern_format()],
        _srcset(modern),
        sizes,
        default_storage.url(str(src[2])),
        _srcset(fallback),
        sizes,
        text,
        img_attrs,
    )
