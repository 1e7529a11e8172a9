"""An aggregated story's lead image: which one, its alt text and credit, and (for sources
licensed to republish) a copy in the media library.

The feed's picture (media:content, media:thumbnail, an image enclosure) comes first, then the
page's (JSON-LD, og:image, twitter:image, the first figure). Alt text is what the page states
for that very picture, else the headline: the convention of the site's own imports, where a
picture beside a story shows what the story is about. The credit is the one stated, else the
publisher; pages print it as "Image: <credit>".
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

from broadsheet.core.fetch import Fetcher
from broadsheet.ingest.errors import FAILURES, IngestError
from broadsheet.ingest.extract import Extracted
from broadsheet.ingest.models import Source
from broadsheet.ingest.parse import FeedEntry
from broadsheet.media import services as media

logger = logging.getLogger(__name__)

IMAGE_ACCEPT = "image/avif, image/webp, image/png, image/jpeg, image/gif;q=0.9, */*;q=0.1"
ALT_LENGTH = 300
CREDIT_LENGTH = 200
# "Photo: AP", "Image credit - Reuters", "Picture: …": the page prints its own "Image:" label.
_LABEL_RE = re.compile(
    r"^\s*(?:(?:photo(?:graph)?|image|picture|pic|foto|illustration)s?\s*(?:credit)?|credit)\s*[:\-–—]\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class LeadImage:
    url: str = ""
    alt: str = ""
    caption: str = ""
    credit: str = ""


def clean_credit(credit: str) -> str:
    return _LABEL_RE.sub("", credit or "").strip()[:CREDIT_LENGTH]


def choose(
    policy: str, entry: FeedEntry, extracted: Extracted | None, *, headline: str, publisher: str
) -> LeadImage:
    """The lead image a source's `policy` lets the story show (none: no picture at all)."""
    if policy == Source.Images.NONE:
        return LeadImage()
    page_url = extracted.image_url if extracted else ""
    url = entry.image_url or page_url
    if not url:
        return LeadImage()
    stated_alt = extracted.image_alt if extracted and url == page_url else ""
    stated_credit = (extracted.image_credit if extracted else "") or entry.image_credit
    return LeadImage(
        url=url,
        alt=(stated_alt or headline)[:ALT_LENGTH],
        caption=extracted.image_caption if extracted else "",
        credit=clean_credit(stated_credit) or publisher[:CREDIT_LENGTH],
    )


# A picture that cannot be had (the fetch, its status, or the library refusing the bytes).
COPY_FAILURES: tuple[type[Exception], ...] = (*FAILURES, ValidationError)


def copy_to_library(fetcher: Fetcher, image: LeadImage) -> int | None:
    """Fetch `image` through the guarded fetcher into the media library (renditions follow);
    its library id, or None when it cannot be had (the story then links the picture)."""
    try:
        result = fetcher.fetch(image.url, accept=IMAGE_ACCEPT)
        if not result.ok or result.not_modified:
            raise IngestError(f"HTTP {result.status}")
        stored = media.upload(
            result.content,
            name=urlsplit(result.final_url).path or "image",
            alt=image.alt,
            caption=image.caption[:500],
            credit=image.credit,
        )
    except COPY_FAILURES as exc:
        logger.warning("lead image %s not copied: %s", image.url, exc)
        return None
    return int(stored.image.pk)
