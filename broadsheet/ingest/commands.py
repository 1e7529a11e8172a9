"""Operator actions behind the `sources` and `ingest` management commands (plain functions)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import lxml.etree
import lxml.html
from django.db import transaction

from broadsheet.core import clock
from broadsheet.core.fetch import Fetcher
from broadsheet.core.sanitize import excerpt
from broadsheet.core.urls import safe_http_url
from broadsheet.ingest import claims
from broadsheet.ingest.antibot import status_error
from broadsheet.ingest.categorise import load_classifier
from broadsheet.ingest.dedupe import EntryKey, Seen, canonical_url, classify_many, content_hash
from broadsheet.ingest.errors import (
    FAILURES,
    BadInputError,
    BlockedByAntiBotError,
    ParseError,
    SourceError,
)
from broadsheet.ingest.models import Source
from broadsheet.ingest.parse import ParsedFeed, parse_feed
from broadsheet.ingest.pipeline import ingest_source
from broadsheet.ingest.reextract import ReextractReport, reextract_source
from broadsheet.ingest.report import IngestReport
from broadsheet.newsroom.models import Section

logger = logging.getLogger(__name__)

FEED_LINK_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json")


def _fetch_feed(fetcher: Fetcher, url: str) -> tuple[str, ParsedFeed | None, bytes, str]:
    result = fetcher.fetch(url)
    if not result.ok:
        raise status_error(result, url)
    try:
        return (
            result.final_url,
            parse_feed(result.content, url=result.final_url, content_type=result.content_type),
            b"",
            "",
        )
    except ParseError:
        return result.final_url, None, result.content, result.content_type


def discover_feed_links(page: bytes, base_url: str) -> list[str]:
    """Feed URLs announced by an HTML page's <link rel="alternate" type="…">."""
    try:
        tree = lxml.html.document_fromstring(page)
    except (lxml.etree.ParserError, ValueError):
        return []
    tree.make_links_absolute(base_url, resolve_base_href=True)
    links = []
    for link in tree.xpath("//link[@href]"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().strip()
        href = safe_http_url(link.get("href"), base_url)
        if "alternate" in rel and kind in FEED_LINK_TYPES and href and href not in links:
            links.append(href)
    return links


def _section(name: str | None) -> Section | None:
    if not name:
        return None
    section = (
        Section.objects.filter(name__iexact=name).first() or Section.objects.filter(slug=name.lower()).first()
    )
    if section is None:
        names = ", ".join(Section.objects.order_by("order", "name").values_list("name", flat=True))
        raise BadInputError(f"no section named {name!r}; the sections are: {names or 'none yet'}")
    return section


def check_feed_address(url: str) -> str:
    """`url`, stripped, when it is an absolute http(s) URL with a host; BadInputError if not."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        valid = parts.scheme.lower() in {"http", "https"} and bool(parts.hostname)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        valid = False
    if not valid or any(c.isspace() or ord(c) < 32 for c in url):
        raise BadInputError(f"invalid URL: {url!r} (give a feed's or a page's http:// or https:// address)")
    return url


@dataclass(frozen=True, slots=True)
class FoundFeed:
    """A feed that may become a source: where it is and what it calls itself."""

    feed_url: str
    title: str
    home_url: str


def find_new_feed(url: str, *, fetcher: Fetcher | None = None) -> FoundFeed:
    """The one check behind every "add a source" (the CLI's `sources add` and the admin's
    form): the URL is valid, answers, is a feed or a page announcing one, and is not a source
    yet. Raises the error that says why not (an IngestError or a FetchError; BadInputError
    for the URL itself)."""
    url = check_feed_address(url)
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    blocked: BlockedByAntiBotError | None = None
    try:
        feed_url, feed, page, _ctype = _fetch_feed(fetcher, url)
        if feed is None:
            for candidate in discover_feed_links(page, feed_url):
                try:
                    feed_url, feed, _page, _ = _fetch_feed(fetcher, candidate)
                except BlockedByAntiBotError as exc:
                    blocked = exc
                    continue
                except FAILURES as exc:
                    logger.info("feed candidate %s failed: %s", candidate, exc)
                    continue
                if feed is not None:
                    break
        if feed is None:
            if blocked is not None:  # the page announced a feed that sits behind a wall
                raise blocked
            raise SourceError(f"no RSS, Atom or JSON feed found at {url}")
    finally:
        if own:
            fetcher.close()
    if Source.objects.filter(feed_url=feed_url).exists():
        raise SourceError(f"already a source: {feed_url}")
    return FoundFeed(feed_url=feed_url, title=feed.title, home_url=feed.link)


def add_source(
    url: str,
    section: str | None = None,
    mode: str = "excerpt",
    name: str | None = None,
    *,
    images: str = Source.Images.LINK,
    fetcher: Fetcher | None = None,
) -> Source:
    """Add a source from a feed URL, or from a web page that links to its feed."""
    if mode not in Source.Mode.values:
        raise BadInputError(f"mode must be one of {', '.join(Source.Mode.values)}")
    if images not in Source.Images.values:
        raise BadInputError(f"images must be one of {', '.join(Source.Images.values)}")
    section_obj = _section(section)
    found = find_new_feed(url, fetcher=fetcher)
    return Source.objects.create(
        feed_url=found.feed_url,
        name=(name or found.title or found.feed_url)[:200],
        home_url=found.home_url[:1000],  # an http(s) URL or "" (parse_feed checked it)
        section=section_obj,
        mode=mode,
        image_policy=images,
    )


def list_sources() -> list[Source]:
    return list(Source.objects.select_related("section").order_by("id"))


def remove_source(source_id: int) -> None:
    """Remove a source. Its published stories stay (they are the site's now)."""
    deleted, _ = Source.objects.filter(pk=source_id).delete()
    if not deleted:
        raise BadInputError(f"no source with id {source_id}")


def check_source(source_id: int, *, fetcher: Fetcher | None = None) -> list[dict[str, str]]:
    """Fetch a source now and say what a run would do with each entry, without storing."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        raise BadInputError(f"no source with id {source_id}")
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    try:
        result = fetcher.fetch(source.feed_url)
    finally:
        if own:
            fetcher.close()
    if not result.ok:
        raise status_error(result)
    feed = parse_feed(result.content, url=result.final_url, content_type=result.content_type)
    rows = []
    keys = [EntryKey(e.guid, canonical_url(e.url), content_hash(e)) for e in feed.entries]
    for entry, verdict in zip(feed.entries, classify_many(source.pk, keys), strict=True):
        action = {
            Seen.NEW: "import",
            Seen.CHANGED: "update",
            Seen.ELSEWHERE: "duplicate",
            Seen.UNCHANGED: "unchanged",
            Seen.GONE: "deleted before",
        }[verdict.seen]
        rows.append(
            {
                "action": action,
                "title": entry.title,
                "url": entry.url,
                "summary": excerpt(entry.summary_html, 120),
            }
        )
    return rows


def reextract(source_id: int, *, limit: int, fetcher: Fetcher | None = None) -> ReextractReport:
    """Rebuild a full-text source's recent stories with its current rules (ingest/reextract.py)."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        raise SourceError(f"no source with id {source_id}")
    if fetcher is not None:
        return reextract_source(source, fetcher, limit=limit)
    with Fetcher() as own:
        return reextract_source(source, own, limit=limit)


def import_opml(path: str, *, section: str | None = None) -> list[Source]:
    """Add every feed in an OPML file (nested outlines too); existing feeds are left alone."""
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        tree = lxml.etree.parse(path, parser)
    except (OSError, lxml.etree.XMLSyntaxError) as exc:
        raise BadInputError(f"cannot read OPML {path}: {exc}") from exc
    section_obj = _section(section)
    created = []
    with transaction.atomic():
        for outline in tree.iter("outline"):
            feed_url = (outline.get("xmlUrl") or "").strip()
            if not feed_url.startswith(("http://", "https://")):
                continue
            source, was_created = Source.objects.get_or_create(
                feed_url=feed_url,
                defaults={
                    "name": (outline.get("title") or outline.get("text") or feed_url)[:200],
                    "home_url": safe_http_url(outline.get("htmlUrl"))[:1000],
                    "section": section_obj,
                },
            )
            if was_created:
                created.append(source)
    return created


def export_opml() -> str:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "Broadsheet sources"
    body = ET.SubElement(root, "body")
    for source in Source.objects.order_by("id"):
        attrs = {"type": "rss", "text": str(source), "title": str(source), "xmlUrl": source.feed_url}
        if source.home_url:
            attrs["htmlUrl"] = source.home_url
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def ingest_due(
    progress: Callable[[int, int, IngestReport], None] | None = None, *, fetcher: Fetcher | None = None
) -> list[IngestReport]:
    """Poll every due source once, in this process; `progress(done, total, report)` after each.

    Each claim is kept alive with a heartbeat while its source is polled, as a task does: a
    long run would otherwise reach its last sources after their claims had lapsed.
    """
    claimed = claims.claim_due()
    reports = []
    classifier = load_classifier()
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    try:
        for done, claim in enumerate(claimed, start=1):
            token = claims.start(claim.source_id, claim.token)
            if token is None:  # taken for dead and claimed by a scheduler meanwhile
                continue
            with claims.held(claim.source_id, token):
                report = ingest_source(Source.objects.get(pk=claim.source_id), fetcher, classifier=classifier)
            reports.append(report)
            if progress is not None:
                progress(done, len(claimed), report)
    finally:
        if own:
            fetcher.close()
    return reports


def ingest_one(source_id: int, *, force: bool = False, fetcher: Fetcher | None = None) -> IngestReport | None:
    """Poll one source now: when it is due, or whatever its schedule with `force`. None when
    it was not due (nothing done)."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        raise BadInputError(f"no source with id {source_id}")
    if not source.enabled:
        reason = f" ({source.disabled_reason})" if source.disabled_reason else ""
        raise SourceError(f"source {source_id} is disabled{reason}; enable it in the admin first")
    if not force and source.next_check_at > clock.now():
        return None
    token = claims.start(source_id)
    if token is None:
        raise SourceError(f"source {source_id} is being polled by another run right now")
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    try:
        with claims.held(source_id, token):
            return ingest_source(Source.objects.get(pk=source_id), fetcher, classifier=load_classifier())
    finally:
        if own:
            fetcher.close()
