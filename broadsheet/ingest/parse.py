"""Feed parsing: RSS 0.9x/1.0/2.0, Atom and JSON Feed bytes into plain frozen values.

Pure: bytes in, dataclasses out. feedparser is always handed the bytes we fetched (wrapped in
a stream, so it never mistakes them for a URL or a file name to open). Dates become aware UTC
here, at the boundary, and every URL is an absolute http(s) URL or "" (`safe_http_url`): a
feed's `javascript:` link is dropped here, never stored or printed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import html
import io
import json
import logging
import re
import time
from dataclasses import dataclass
from typing import Any

import feedparser

from broadsheet.core import bylines
from broadsheet.core.languages import primary_code
from broadsheet.core.sanitize import strip_tags
from broadsheet.core.urls import safe_http_url
from broadsheet.ingest.errors import ParseError

logger = logging.getLogger(__name__)

JSON_FEED_PREFIX = "https://jsonfeed.org/version/"
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    guid: str
    url: str
    title: str
    summary_html: str = ""
    content_html: str = ""
    author: str = ""  # the byline line (core/bylines.py): plain text, no e-mail address
    published: dt.datetime | None = None
    updated: dt.datetime | None = None
    categories: tuple[str, ...] = ()
    image_url: str = ""
    image_caption: str = ""
    image_credit: str = ""
    language: str = ""  # what the entry states (xml:lang, dc:language), else the feed's


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    link: str
    entries: tuple[FeedEntry, ...]
    ttl: int | None = None  # minutes, from RSS <ttl>
    kind: str = ""
    problem: str = ""  # what the parser recovered from; empty for a well-formed feed
    language: str = ""  # the channel's <language> / dc:language / xml:lang, primary subtag


def text(value: Any) -> str:
    """Plain text from a feed field that may hold markup or entities."""
    if not value:
        return ""
    return _SPACE_RE.sub(" ", html.unescape(strip_tags(str(value)))).strip()


def fallback_guid(url: str, title: str, published: dt.datetime | None) -> str:
    """An id for entries without one: the link, else a hash of title and date."""
    if url:
        return url
    stamp = published.isoformat() if published else ""
    return "sha256:" + hashlib.sha256(f"{title}\n{stamp}".encode()).hexdigest()[:40]


def parse_feed(content: bytes, *, url: str = "", content_type: str = "") -> ParsedFeed:
    """Parse feed bytes fetched from `url`; raise ParseError when they hold no feed at all."""
    head = content.lstrip()[:1]
    if "json" in content_type or head in {b"{", b"["}:
        return parse_json_feed(content, url=url)
    return _parse_xml_feed(content, url=url, content_type=content_type)


def _struct_to_datetime(value: time.struct_time | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _image(entry: Any, base: str) -> tuple[str, str]:
    """Lead image URL and its credit from media:content/thumbnail or an image enclosure: the
    first of them that is an http(s) URL."""
    credit = ""
    for item in entry.get("media_credit") or []:
        credit = text(item.get("content"))
        if credit:
            break
    candidates = []
    for item in entry.get("media_content") or []:
        medium = item.get("medium", "")
        mime = item.get("type", "")
        if medium == "image" or mime.startswith("image/") or not (medium or mime):
            candidates.append(item.get("url"))
    candidates.extend(item.get("url") for item in entry.get("media_thumbnail") or [])
    candidates.extend(
        item.get("href")
        for item in entry.get("enclosures") or []
        if str(item.get("type", "")).startswith("image/")
    )
    for candidate in candidates:
        url = safe_http_url(candidate, base)
        if url:
            return url, credit
    return "", credit


def _byline(entry: Any) -> str:
    """One author: its raw text, parsed by core/bylines.py (feedparser's own `email (Name)`
    split cuts names when the address's domain ends in more than four letters, as in
    `news@wire.online (Dana Reyes)`). Several (<dc:creator>s, Atom <author>s): feedparser's
    `authors` names; its joined `author` text would keep only the last."""
    authors = [a for a in entry.get("authors") or [] if isinstance(a, dict)]
    if len(authors) > 1:
        return bylines.from_raw(*(str(a.get("name") or "") for a in authors))
    return bylines.from_raw(str(entry.get("author") or ""))


def _entry_language(entry: Any) -> str:
    """xml:lang or dc:language of the entry's own elements (feedparser keeps it per element)."""
    details = [entry.get("title_detail"), entry.get("summary_detail"), *(entry.get("content") or [])]
    for detail in details:
        code = primary_code(str((detail or {}).get("language") or ""))
        if code:
            return code
    return primary_code(str(entry.get("language") or ""))


def _content(entry: Any) -> str:
    """The richest HTML body the entry carries (feeds may give several content elements)."""
    bodies = [str(c.get("value", "")) for c in entry.get("content") or [] if c.get("value")]
    return max(bodies, key=len) if bodies else ""


def _parse_xml_feed(content: bytes, *, url: str, content_type: str) -> ParsedFeed:
    # application/xml (no charset) lets the XML prolog name the encoding, as RFC 7303 says.
    headers = {"content-type": content_type or "application/xml"}
    if url:
        headers["content-location"] = url
    # A stream, never bytes/str: feedparser opens strings that look like URLs or paths.
    result = feedparser.parse(io.BytesIO(content), response_headers=headers)
    problem = ""
    # Feeds served as text/html or text/plain are common and harmless: not a problem to flag.
    if result.get("bozo") and not isinstance(result.get("bozo_exception"), feedparser.NonXMLContentType):
        problem = f"{type(result.get('bozo_exception')).__name__}: {result.get('bozo_exception')}"
    if not result.get("version") and not result.entries:
        raise ParseError(f"not a feed ({problem or 'no feed elements'})")
    feed = result.get("feed", {})
    feed_language = primary_code(str(feed.get("language") or ""))
    entries = []
    for raw in result.entries:
        # feedparser has already resolved relative links against `url`; a link that is not
        # http(s) leaves the entry without one (its guid still identifies it).
        link = safe_http_url(raw.get("link"), url)
        title = text(raw.get("title"))
        published = _struct_to_datetime(raw.get("published_parsed")) or _struct_to_datetime(
            raw.get("updated_parsed")
        )
        guid = str(raw.get("id") or "").strip() or fallback_guid(link, title, published)
        image_url, credit = _image(raw, url)
        entries.append(
            FeedEntry(
                guid=guid[:1000],
                url=link,
                title=title,
                summary_html=str(raw.get("summary") or ""),
                content_html=_content(raw),
                author=_byline(raw),
                published=published,
                updated=_struct_to_datetime(raw.get("updated_parsed")),
                categories=tuple(text(tag.get("term")) for tag in raw.get("tags") or [] if tag.get("term")),
                image_url=image_url,
                image_credit=credit,
                language=_entry_language(raw) or feed_language,
            )
        )
    ttl = str(feed.get("ttl") or "").strip()
    return ParsedFeed(
        title=text(feed.get("title")),
        link=safe_http_url(feed.get("link"), url),
        entries=tuple(entries),
        ttl=int(ttl) if ttl.isdigit() else None,
        kind=str(result.get("version") or ""),
        problem=problem,
        language=feed_language,
    )


def _iso_datetime(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def _json_authors(item: dict[str, Any]) -> str:
    authors = item.get("authors")
    if not isinstance(authors, list):
        authors = [item.get("author")] if isinstance(item.get("author"), dict) else []
    names = [str(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name")]
    return bylines.from_raw(*names)


def parse_json_feed(content: bytes, *, url: str = "") -> ParsedFeed:
    try:
        data = json.loads(content.decode("utf-8-sig", errors="replace"))
    except ValueError as exc:
        raise ParseError(f"invalid JSON: {exc}") from exc
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(JSON_FEED_PREFIX):
        raise ParseError("JSON that is not a JSON Feed")
    entries = []
    raw_items = data.get("items")
    items: list[Any] = raw_items if isinstance(raw_items, list) else []
    for item in items:
        if not isinstance(item, dict):
            continue
        link = safe_http_url(item.get("url"), url) or safe_http_url(item.get("external_url"), url)
        title = text(item.get("title"))
        published = _iso_datetime(item.get("date_published")) or _iso_datetime(item.get("date_modified"))
        content_html = str(item.get("content_html") or "")
        if not content_html and item.get("content_text"):
            content_html = "".join(
                f"<p>{html.escape(p)}</p>" for p in str(item["content_text"]).split("\n\n") if p.strip()
            )
        guid = str(item.get("id") or "").strip() or fallback_guid(link, title, published)
        raw_tags = item.get("tags")
        tags: list[Any] = raw_tags if isinstance(raw_tags, list) else []
        entries.append(
            FeedEntry(
                guid=guid[:1000],
                url=link,
                title=title,
                summary_html=html.escape(str(item.get("summary") or "")),
                content_html=content_html,
                author=_json_authors(item) or _json_authors(data),
                published=published,
                updated=_iso_datetime(item.get("date_modified")),
                categories=tuple(text(t) for t in tags if isinstance(t, str) and t.strip()),
                image_url=safe_http_url(item.get("image"), url)
                or safe_http_url(item.get("banner_image"), url),
                language=primary_code(str(item.get("language") or data.get("language") or "")),
            )
        )
    return ParsedFeed(
        title=text(data.get("title")),
        link=safe_http_url(data.get("home_page_url"), url),
        entries=tuple(entries),
        kind="json" + str(data.get("version", ""))[len(JSON_FEED_PREFIX) :],
        language=primary_code(str(data.get("language") or "")),
    )
