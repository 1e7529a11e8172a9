"""{% body_with_pictures article.body images %}: a stored body with its library images as
<picture> elements (media/body.py); `images` are the rows it refers to, loaded once by the
view (for its memo key too), or looked up here when not given."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString

from broadsheet.media.body import expand, images_for
from broadsheet.media.models import Image

register = template.Library()


@register.simple_tag
def body_with_pictures(body: str, images: Iterable[Image] | str | None = None) -> SafeString:
    # A variable missing from the context arrives as "" (string_if_invalid).
    if images is None or isinstance(images, str):
        images = images_for(body)
    return expand(body, images)
