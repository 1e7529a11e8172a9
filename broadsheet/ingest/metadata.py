"""Page metadata: what the publisher states (JSON-LD, OpenGraph), and trafilatura's guesses for
the fields it leaves out. Pure: no network, no DB. URLs are absolute http(s) or "": a page's
`data:` og:image gives way to the next image it states, never to the site."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from htmldate import find_date
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import DEFAULT_CONFIG, set_date_params

from broadsheet.core.urls import safe_http_url

logger = logging.getLogger(__name__)

ARTICLE_TYPES = frozenset(
    {"newsarticle", "article", "blogposting", "reportagenewsarticle", "analysisnewsarticle", "report"}
)
_SPACE_RE = re.compile(r"\s+")
# A site's stand-in share picture ("opengraph_default.png", "placeholder.jpg", "logo.png"):
# the same on every story, so it says nothing about this one. The held-out pages showed
# it as the lead of stories that have no picture of their own (bench/accuracy.py).
# The word ends the name (bar a size and the extension): "logo-design-trends.jpg" is a story's.
_STAND_IN_RE = re.compile(
    r"[/_.-](?:default|placeholder|fallback|logo)(?:[_-]\d+x\d+)?(?:\.\w{2,5})?$", re.IGNORECASE
)
# Every field extract_article() takes from trafilatura's metadata when the page states none.
STATED_FIELDS = ("title", "byline", "date", "description", "image_url", "language", "site_name")
# The ones trafilatura can answer: it sets a language only when asked to filter by one.
GUESSED_FIELDS = frozenset({"title", "byline", "date", "description", "image_url", "site_name"})


def _clean(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    return _SPACE_RE.sub(" ", str(value or "")).strip()


def _names(value: Any) -> str:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = _clean(item.get("name") if isinstance(item, dict) else item)
        if name and not name.startswith("http") and name not in names:
            names.append(name)
    return ", ".join(names)


def _json_ld_objects(tree: lxml.html.HtmlElement) -> Iterable[dict[str, Any]]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "null")
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
                yield item
            elif isinstance(item, list):
                stack.extend(item)


def _is_article(item: dict[str, Any]) -> bool:
    kinds = item.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(str(k).lower() in ARTICLE_TYPES for k in kinds if k)


@dataclass(frozen=True, slots=True)
class StatedImage:
    """One picture a page states: where, and what it says about it (any may be "")."""

    url: str
    alt: str = ""
    caption: str = ""
    credit: str = ""


def _json_ld_images(value: Any, base: str) -> list[StatedImage]:
    """A JSON-LD `image`: a URL, an ImageObject, or a list of either (in its order)."""
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        if isinstance(item, str):
            found.append(StatedImage(safe_http_url(item.strip(), base)))
        elif isinstance(item, dict):
            credit = _clean(item.get("creditText")) or _names(
                item.get("copyrightHolder") or item.get("author") or item.get("creator") or ""
            )
            found.append(
                StatedImage(
                    safe_http_url(_clean(item.get("url") or item.get("contentUrl")), base),
                    # ImageObject has no alt text of its own; its `name` is the nearest thing.
                    alt=_clean(item.get("name")),
                    caption=_clean(item.get("caption") or item.get("description")),
                    credit=credit,
                )
            )
    return found


def _meta_images(meta: dict[str, str], raw: dict[str, str], base: str) -> list[StatedImage]:
    """OpenGraph's image (with its alt), then Twitter's. `raw`: the URLs as written."""
    og_alt = meta.get("og:image:alt", "")
    twitter_alt = meta.get("twitter:image:alt", "")
    return [
        StatedImage(safe_http_url(raw.get("og:image:secure_url"), base), alt=og_alt),
        StatedImage(safe_http_url(raw.get("og:image"), base), alt=og_alt),
        StatedImage(safe_http_url(raw.get("og:image:url"), base), alt=og_alt),
        StatedImage(safe_http_url(raw.get("twitter:image"), base), alt=twitter_alt),
        StatedImage(safe_http_url(raw.get("twitter:image:src"), base), alt=twitter_alt),
    ]


def is_stand_in(url: str) -> bool:
    """Whether the picture's file name says it is the site's stand-in, not the story's."""
    return bool(_STAND_IN_RE.search(urlsplit(url).path))


def lead_image(images: list[StatedImage]) -> StatedImage:
    """The first stated picture with an http(s) URL that is no stand-in. Its alt text is the first any statement
    of that same picture gives (og:image:alt names og:image; a figure's <img alt> may name the
    JSON-LD image). Caption and credit are the first stated at all, as before: pages state
    them once, seldom beside the URL they belong to."""
    chosen = next((image for image in images if image.url and not is_stand_in(image.url)), StatedImage(""))
    same = [image for image in images if chosen.url and image.url == chosen.url]
    return StatedImage(
        chosen.url,
        alt=next((image.alt for image in same if image.alt), ""),
        caption=next((image.caption for image in images if image.caption), ""),
        credit=next((image.credit for image in images if image.credit), ""),
    )


# Before it, a stated date is a template's null ("0001-01-01T00:00:00Z", Go's zero time on
# USA Today's network), not a publication: newspaper archives go back to the 1700s.
EARLIEST_DATE = dt.datetime(1700, 1, 1, tzinfo=dt.UTC)


def parse_date(value: str) -> dt.datetime | None:
    """An aware UTC datetime from an ISO date or datetime; naive values are taken as UTC.
    None for a null date (before EARLIEST_DATE)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = dt.datetime.fromisoformat(value[:10])
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    try:
        parsed = parsed.astimezone(dt.UTC)
    except OverflowError:  # "0001-01-01T00:00:00+01:00" has no UTC time
        return None
    return parsed if parsed >= EARLIEST_DATE else None


def _stated_date(value: str) -> str:
    """`value` if it is a date parse_date() takes, else "" (so the next statement is read)."""
    return value if parse_date(value) else ""


def stated_metadata(tree: lxml.html.HtmlElement, url: str) -> dict[str, str]:
    """What the page says about itself in JSON-LD (first) and OpenGraph/meta tags."""
    found: dict[str, str] = {}
    images: list[StatedImage] = []

    def put(key: str, value: str) -> None:
        if value and not found.get(key):
            found[key] = value

    for item in _json_ld_objects(tree):
        if not _is_article(item):
            continue
        put("title", _clean(item.get("headline") or item.get("name")))
        put("byline", _names(item.get("author") or ""))
        put("date", _stated_date(_clean(item.get("datePublished"))))
        put("date", _stated_date(_clean(item.get("dateCreated"))))
        put("description", _clean(item.get("description")))
        put("language", _clean(item.get("inLanguage")))
        put("site_name", _names(item.get("publisher") or ""))
        images.extend(_json_ld_images(item.get("image"), url))
    meta: dict[str, str] = {}
    # URLs as written: collapsing their whitespace would turn "java\tscript:" (a browser
    # reads it as "javascript:") into an innocent-looking relative path.
    raw_meta: dict[str, str] = {}
    for element in tree.xpath("//meta[@content]"):
        key = (element.get("property") or element.get("name") or "").strip().lower()
        if key and key not in meta:
            meta[key] = _clean(element.get("content"))
            raw_meta[key] = str(element.get("content") or "")
    put("title", meta.get("og:title", ""))
    put("byline", "" if meta.get("article:author", "").startswith("http") else meta.get("article:author", ""))
    put("byline", meta.get("author", ""))
    put("date", _stated_date(meta.get("article:published_time", "")))
    put("description", meta.get("og:description", "") or meta.get("description", ""))
    images.extend(_meta_images(meta, raw_meta, url))
    put("site_name", meta.get("og:site_name", ""))
    html_lang = tree.xpath("string(/html/@lang)")
    put("language", str(html_lang).strip() or meta.get("og:locale", ""))
    first_figure = tree.xpath("//figure[.//img][1]")
    if first_figure:
        images.append(
            StatedImage(
                safe_http_url(str(first_figure[0].xpath("string(.//img/@src)")), url),
                alt=_clean(first_figure[0].xpath("string(.//img/@alt)")),
                caption=_clean(first_figure[0].xpath("string(.//figcaption)")),
            )
        )
    image = lead_image(images)
    put("image_url", image.url)
    put("image_alt", image.alt)
    put("image_caption", image.caption)
    put("image_credit", image.credit)
    return found


def guessed_metadata(tree: lxml.html.HtmlElement, url: str, fields: Collection[str]) -> dict[str, str]:
    """trafilatura's answers for `fields` (names as in STATED_FIELDS; "date" unparsed).

    The steps of `trafilatura.metadata.extract_metadata` that those fields depend on, in its
    order and with its defaults, and none of the others: no categories, tags or licence, no
    author heuristics when the byline is known, no htmldate when the date is. Same answers,
    less work (tests/ingest/test_metadata.py holds it to extract_metadata's).
    """
    wanted = GUESSED_FIELDS.intersection(fields)
    if not wanted:
        return {}
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    try:
        metadata = extract_meta_json(tree, metadata)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError) as exc:
        # extract_metadata logs and goes on without the JSON-LD: so do we.
        logger.debug("JSON metadata of %s not read: %s", url, exc)
    if "title" in wanted and not metadata.title:
        metadata.title = extract_title(tree)
    if "byline" in wanted and not metadata.author:
        metadata.author = extract_author(tree)
    if wanted & {"date", "site_name"} and not metadata.url:
        metadata.url = extract_url(tree, url)
    if "date" in wanted:
        date_config = set_date_params(DEFAULT_CONFIG.getboolean("DEFAULT", "EXTENSIVE_DATE_SEARCH"))
        date_config["url"] = metadata.url
        metadata.date = find_date(tree, **date_config)
    if "site_name" in wanted:
        if not metadata.sitename:
            metadata.sitename = extract_sitename(tree)
        if metadata.sitename:
            metadata.sitename = metadata.sitename.lstrip("@")
            if metadata.sitename and "." not in metadata.sitename and not metadata.sitename[0].isupper():
                metadata.sitename = metadata.sitename.title()
        elif metadata.url:
            match = META_URL.match(metadata.url)
            if match:
                metadata.sitename = match[1]
    metadata.clean_and_trim()
    found = {
        "title": _clean(metadata.title),
        "byline": _clean(metadata.author),
        "date": str(metadata.date or ""),
        "description": _clean(metadata.description),
        "image_url": "" if is_stand_in(metadata.image or "") else safe_http_url(metadata.image, url),
        "site_name": _clean(metadata.sitename),
    }
    return {key: value for key, value in found.items() if key in wanted and value}
