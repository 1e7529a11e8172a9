"""WordPress attachments into the media library, fetched through core's guarded fetcher.

A WordPress site's images live on that site; left as remote URLs they vanish when the old site
is switched off. The import fetches each image once per run (size caps, no private addresses,
one deadline per fetch: core/fetch.py), stores it in the library (the same bytes once, by
sha256), and the featured image becomes the article's lead image while body images point at
the library copy. An image that cannot be fetched or is not an image is reported in the import
summary and left as it was: the article is imported all the same.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError

from broadsheet.core.fetch import Fetcher, FetchOptions
from broadsheet.core.fetch_errors import (
    BlockedURLError,
    FetchError,
    FetchTimeoutError,
    TooLargeError,
    TooManyRedirectsError,
)
from broadsheet.core.urls import safe_http_url
from broadsheet.media import services as media
from broadsheet.media.models import Image
from broadsheet.wpimport.convert import plain_text
from broadsheet.wpimport.report import ImportReport
from broadsheet.wpimport.wxr import WxrItem

logger = logging.getLogger(__name__)

IMAGE_ACCEPT = "image/avif, image/webp, image/png, image/jpeg, image/gif;q=0.9, */*;q=0.1"
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "jpe", "png", "gif", "webp", "avif"})
UPLOADS_PATH = "/wp-content/uploads/"
# WordPress's resized copies: photo-300x200.jpg is a size of photo.jpg (and -scaled.jpg of a big one).
_SIZE_SUFFIX_RE = re.compile(r"-(?:\d+x\d+|scaled)(?=\.[A-Za-z0-9]+$)")
# The credit in _wp_attachment_metadata, a PHP-serialised array: ...s:6:"credit";s:9:"A. Person";...
_CREDIT_RE = re.compile(r's:6:"credit";s:\d+:"(.*?)";', re.DOTALL)
_IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SRC_RE = re.compile(r'\ssrc="([^"]*)"')
_ALT_RE = re.compile(r'\salt="([^"]*)"')
_RESPONSIVE_RE = re.compile(r'\s(?:srcset|sizes|data-media-id)="[^"]*"')


@dataclass(frozen=True)
class Described:
    alt: str
    caption: str = ""
    credit: str = ""


def default_options() -> FetchOptions:
    """The fetcher's limits, with the body capped at what the library accepts."""
    cap = int(settings.BROADSHEET_IMAGE_MAX_BYTES)
    return FetchOptions(max_bytes=cap, max_decoded_bytes=cap)


def _key(url: str) -> str:
    """A URL compared without its scheme: exports mix http and https for the same file."""
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}{parts.path}"


def is_image_url(url: str) -> bool:
    path = urlsplit(url).path
    return path.rsplit(".", 1)[-1].lower() in IMAGE_EXTENSIONS if "." in path else False


def describe(item: WxrItem) -> Described:
    """Alt text, caption and credit of an attachment. The library needs alt text: when the
    export has none, the attachment's title (WordPress makes it from the file name) stands in."""
    alt = plain_text(item.meta_value("_wp_attachment_image_alt"))
    credit_match = _CREDIT_RE.search(item.meta_value("_wp_attachment_metadata"))
    return Described(
        alt=(alt or plain_text(item.title) or file_stem(item.attachment_url))[:300],
        caption=plain_text(item.excerpt)[:500],
        credit=plain_text(credit_match.group(1))[:200] if credit_match else "",
    )


def file_stem(url: str) -> str:
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return name.rsplit(".", 1)[0].replace("-", " ").replace("_", " ").strip() or "Image"


class AttachmentLibrary:
    """One import run's way into the library: each URL fetched at most once per run."""

    def __init__(
        self,
        report: ImportReport,
        site_url: str,
        attachments: dict[int, WxrItem],
        options: FetchOptions | None = None,
    ) -> None:
        self.report = report
        self.site_host = (urlsplit(site_url).hostname or "").lower().removeprefix("www.")
        self.fetcher = Fetcher(options or default_options())
        self.images: dict[str, Image | None] = {}
        self.attachments_by_url = {
            _key(item.attachment_url): item for item in attachments.values() if item.attachment_url
        }

    def close(self) -> None:
        self.fetcher.close()

    # --- fetching -----------------------------------------------------------------------------

    def for_attachment(self, item: WxrItem, label: str) -> Image | None:
        """The library image of an attachment item; None when it is not an image or failed."""
        url = safe_http_url(item.attachment_url or item.guid)
        if not url or not is_image_url(url):
            return None
        return self.for_url(url, describe(item), label)

    def for_url(self, url: str, described: Described, label: str) -> Image | None:
        key = _key(url)
        if key in self.images:
            cached = self.images[key]
            # Stored inside an item's savepoint that was rolled back later (that item failed):
            # the row is gone, so it is fetched again rather than pointed at.
            if cached is None or Image.objects.filter(pk=cached.pk).exists():
                return cached
        image = self._fetch(url, described, label)
        self.images[key] = image
        return image

    def _fetch(self, url: str, described: Described, label: str) -> Image | None:
        example = f"{url[:120]} ({label})"
        try:
            result = self.fetcher.fetch(url, accept=IMAGE_ACCEPT)
        except FetchError as exc:
            self._failed(_reason(exc), example)
            logger.info("WordPress attachment %s not fetched: %s", url, exc)
            return None
        if result.status != 200:
            self._failed(f"HTTP {result.status}", example)
            return None
        name = unquote(urlsplit(result.final_url).path.rsplit("/", 1)[-1]) or "image"
        try:
            uploaded = media.upload(
                result.content,
                name=name,
                alt=described.alt,
                caption=described.caption,
                credit=described.credit,
            )
        except ValidationError as exc:
            self._failed("not an image the library accepts", f"{example}: {' '.join(exc.messages)}"[:200])
            return None
        except (DatabaseError, OSError) as exc:
            logger.warning("WordPress attachment %s not stored: %s", url, exc)
            self._failed("could not be stored", example)
            return None
        self.report.add("image", "created" if uploaded.created else "unchanged")
        return uploaded.image

    def _failed(self, reason: str, example: str) -> None:
        self.report.add("image", "skipped")
        self.report.warn(f"image not brought into the library: {reason} (remote URL kept)", example)

    # --- body images --------------------------------------------------------------------------

    def attachment_for(self, url: str) -> WxrItem | None:
        """The attachment a body image shows: its own URL, or one of WordPress's resized copies."""
        key = _key(url)
        return self.attachments_by_url.get(key) or self.attachments_by_url.get(_SIZE_SUFFIX_RE.sub("", key))

    def is_own_upload(self, url: str) -> bool:
        """A file of this WordPress site's uploads (not an image hot-linked from elsewhere)."""
        if self.attachment_for(url) is not None:
            return True
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().removeprefix("www.")
        return bool(self.site_host) and host == self.site_host and UPLOADS_PATH in parts.path

    def rewrite_body(self, body: str, label: str) -> str:
        """Body images from the site's uploads pointed at their library copies, with
        data-media-id so the page can serve renditions; the others are left as they are."""

        def replace(match: re.Match[str]) -> str:
            tag = match.group(0)
            src_match = _SRC_RE.search(tag)
            if src_match is None:
                return tag
            url = html.unescape(src_match.group(1))
            if not is_image_url(url) or not self.is_own_upload(url):
                return tag
            attachment = self.attachment_for(url)
            if attachment is not None:
                # The original, not the resized copy the post showed: renditions come from it.
                image = self.for_attachment(attachment, label)
            else:
                alt_match = _ALT_RE.search(tag)
                alt = html.unescape(alt_match.group(1)) if alt_match else ""
                image = self.for_url(url, Described(alt=(alt or file_stem(url))[:300]), label)
            if image is None:
                return tag
            # WordPress's srcset lists its own resized copies: they would stay remote.
            tag = _RESPONSIVE_RE.sub("", tag)
            src = f' src="{html.escape(image.url)}" data-media-id="{image.pk}"'
            return _SRC_RE.sub(lambda _: src, tag, count=1)

        return _IMG_RE.sub(replace, body)


def _reason(exc: FetchError) -> str:
    if isinstance(exc, BlockedURLError):
        return "address refused (private or not http)"
    if isinstance(exc, TooLargeError):
        return "too big"
    if isinstance(exc, FetchTimeoutError):
        return "timed out"
    if isinstance(exc, TooManyRedirectsError):
        return "too many redirects"
    return "network error"
