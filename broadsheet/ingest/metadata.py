"""Page metadata: what the publisher states (JSON-LD, OpenGraph), and trafilatura's guesses for
the fields it leaves out. Pure: no network, no DB. URLs are absolute http(s) or "": a page's
`data:` og:image gives way to the next image it states, never to the site."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Collection, Iterable
from typing import Any

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


def _image_object(value: Any) -> tuple[str, str, str]:
    """(url, caption, credit) from a JSON-LD image: a URL, a list, or an ImageObject."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return value.strip(), "", ""
    if isinstance(value, dict):
        url = _clean(value.get("url") or value.get("contentUrl"))
        caption = _clean(value.get("caption") or value.get("description"))
        credit = _clean(value.get("creditText")) or _names(
            value.get("copyrightHolder") or value.get("author") or value.get("creator") or ""
        )
        return url, caption, credit
    return "", "", ""


def parse_date(value: str) -> dt.datetime | None:
    """An aware UTC datetime from an ISO date or datetime; naive values are taken as UTC."""
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
    return parsed.astimezone(dt.UTC)


def stated_metadata(tree: lxml.html.HtmlElement, url: str) -> dict[str, str]:
    """What the page says about itself in JSON-LD (first) and OpenGraph/meta tags."""
    found: dict[str, str] = {}

    def put(key: str, value: str) -> None:
        if value and not found.get(key):
            found[key] = value

    for item in _json_ld_objects(tree):
        if not _is_article(item):
            continue
        put("title", _clean(item.get("headline") or item.get("name")))
        put("byline", _names(item.get("author") or ""))
        put("date", _clean(item.get("datePublished") or item.get("dateCreated")))
        put("description", _clean(item.get("description")))
        put("language", _clean(item.get("inLanguage")))
        put("site_name", _names(item.get("publisher") or ""))
        image, caption, credit = _image_object(item.get("image"))
        put("image_url", safe_http_url(image, url))
        put("image_caption", caption)
        put("image_credit", credit)
    meta: dict[str, str] = {}
    for element in tree.xpath("//meta[@content]"):
        key = (element.get("property") or element.get("name") or "").strip().lower()
        if key and key not in meta:
            meta[key] = _clean(element.get("content"))
    put("title", meta.get("og:title", ""))
    put("byline", "" if meta.get("article:author", "").startswith("http") else meta.get("article:author", ""))
    put("byline", meta.get("author", ""))
    put("date", meta.get("article:published_time", ""))
    put("description", meta.get("og:description", "") or meta.get("description", ""))
    put("image_url", safe_http_url(meta.get("og:image:secure_url"), url))
    put("image_url", safe_http_url(meta.get("og:image"), url))
    put("site_name", meta.get("og:site_name", ""))
    html_lang = tree.xpath("string(/html/@lang)")
    put("language", str(html_lang).strip() or meta.get("og:locale", ""))
    first_figure = tree.xpath("//figure[.//img][1]")
    if first_figure:
        put("image_caption", _clean(first_figure[0].xpath("string(.//figcaption)")))
        put("image_url", safe_http_url(str(first_figure[0].xpath("string(.//img/@src)")), url))
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
        "image_url": safe_http_url(metadata.image, url),
        "site_name": _clean(metadata.sitename),
    }
    return {key: value for key, value in found.items() if key in wanted and value}
