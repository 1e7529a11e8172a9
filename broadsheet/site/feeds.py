"""RSS 2.0 and Atom 1.0 feeds of the latest public articles, site-wide and per section."""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin
from xml.sax.xmlreader import AttributesImpl

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed, rfc3339_date
from django.utils.html import escape
from django.utils.xmlutils import SimplerXMLGenerator

from broadsheet.core.sanitize import excerpt
from broadsheet.newsroom.models import Article, Section, SiteSettings, Tag
from broadsheet.site.seo import current_site_settings

logger = logging.getLogger(__name__)

# How many articles a feed carries: readers poll often, so the newest few are enough.
FEED_LENGTH = 20
DESCRIPTION_LENGTH = 300

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
MEDIA_NS = "http://search.yahoo.com/mrss/"
DC_NS = "http://purl.org/dc/elements/1.1/"


@dataclass(frozen=True)
class FeedScope:
    """What a feed is about: the whole site, or one section of it."""

    site: SiteSettings
    section: Section | None = None


class _ExtrasMixin(SyndicationFeed):
    """Elements Django's generators lack: full content, the lead image, the original source.

    Relative URLs in items (media files, author pages) are made absolute against the feed's
    own link, which Django has already made absolute from the request.
    """

    def write(self, outfile: Any, encoding: str) -> None:
        # The XML generator writes ~70 small strings per item; straight into an HttpResponse each
        # one is encoded and appended on its own (a sixth of the feed's CPU, profiled). Build the
        # text in memory and hand the response one string: the same bytes, one write.
        buffer = io.StringIO()
        super().write(buffer, encoding)
        outfile.write(buffer.getvalue())

    def _absolute(self, url: str | None) -> str | None:
        return urljoin(self.feed["link"], url) if url else url

    def _add_media(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        image = item.get("image")
        if not image:
            return
        attrs = {"url": self._absolute(image["url"]) or "", "medium": "image"}
        if image.get("width") and image.get("height"):
            attrs["width"] = str(image["width"])
            attrs["height"] = str(image["height"])
        handler.startElement("media:content", AttributesImpl(attrs))
        if image.get("alt"):
            handler.addQuickElement("media:description", image["alt"])
        if image.get("credit"):
            handler.addQuickElement("media:credit", image["credit"])
        handler.endElement("media:content")


class BroadsheetRssFeed(_ExtrasMixin, Rss201rev2Feed):
    """RSS 2.0 with content:encoded, media:content, atom:updated and <source>."""

    def rss_attributes(self) -> dict[str, str]:
        attrs: dict[str, str] = super().rss_attributes()
        attrs["xmlns:content"] = CONTENT_NS
        attrs["xmlns:media"] = MEDIA_NS
        attrs["xmlns:dc"] = DC_NS
        return attrs

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        if item.get("language"):
            # RSS 2.0 has a language per channel only; Dublin Core's is the usual per-item one.
            handler.addQuickElement("dc:language", item["language"])
        if item["updateddate"] is not None:
            handler.addQuickElement("atom:updated", rfc3339_date(item["updateddate"]))
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])
        self._add_media(handler, item)
        source = item.get("source")
        if source:
            # RSS's own way to say "this item came from elsewhere".
            handler.addQuickElement("source", source["name"], {"url": source["url"]})


class BroadsheetAtomFeed(_ExtrasMixin, Atom1Feed):
    """Atom 1.0 with <content>, media:content and an atom:source for aggregated entries."""

    def root_attributes(self) -> dict[str, str]:
        attrs: dict[str, str] = super().root_attributes()
        attrs["xmlns:media"] = MEDIA_NS
        return attrs

    def item_attributes(self, item: dict[str, Any]) -> dict[str, str]:
        attrs: dict[str, str] = super().item_attributes(item)
        if item.get("language"):
            attrs["xml:lang"] = item["language"]
        return attrs

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        item["author_link"] = self._absolute(item["author_link"])
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})
        self._add_media(handler, item)
        source = item.get("source")
        if source:
            handler.startElement("source", AttributesImpl({}))
            handler.addQuickElement("title", source["name"])
            handler.addQuickElement("link", "", {"rel": "alternate", "href": source["url"]})
            handler.endElement("source")


class LatestFeed(Feed):
    """The newest public articles of the whole site, as RSS 2.0."""

    feed_type: type[SyndicationFeed] = BroadsheetRssFeed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedScope:
        return FeedScope(site=current_site_settings())

    def title(self, obj: FeedScope) -> str:
        if obj.section is not None:
            return f"{obj.site.site_name}: {obj.section.name}"
        return obj.site.site_name

    def link(self, obj: FeedScope) -> str:
        if obj.section is not None:
            return obj.section.get_absolute_url()
        return reverse("site:home")

    def description(self, obj: FeedScope) -> str:
        if obj.section is not None and obj.section.description:
            return obj.section.description
        return obj.site.tagline or obj.site.site_name

    subtitle = description

    def feed_copyright(self, obj: FeedScope) -> str | None:
        return obj.site.copyright_text or None

    def items(self, obj: FeedScope) -> list[Article]:
        articles = Article.objects.published().select_related("section", "author", "lead_media")
        if obj.section is not None:
            articles = articles.in_section(obj.section)
        articles = articles.prefetch_related(
            Prefetch("tags", queryset=Tag.objects.only("id", "name", "slug"))
        )
        # Only fields the items use; body stays because it is the excerpt and the full content.
        articles = articles.only(
            "id",
            "headline",
            "slug",
            "dek",
            "body",
            "published_at",
            "updated_at",
            "byline",
            "language",
            "lead_image",
            "lead_media__id",
            "lead_media__file",
            "lead_image_url",
            "lead_image_width",
            "lead_image_height",
            "lead_image_alt",
            "lead_image_credit",
            "source_name",
            "source_home_url",
            "canonical_url",
            "section__id",
            "section__name",
            "section__slug",
            "author__id",
            "author__name",
            "author__slug",
        )
        return list(articles.latest_first()[:FEED_LENGTH])

    def item_title(self, item: Article) -> str:
        return item.headline

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_description(self, item: Article) -> str:
        # Descriptions are HTML by convention; deks and excerpts are plain text.
        return escape(item.dek or excerpt(item.body, DESCRIPTION_LENGTH))

    def item_guid_is_permalink(self, item: Article) -> bool:
        return True

    def item_pubdate(self, item: Article) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> dt.datetime:
        return item.updated_at

    def item_author_name(self, item: Article) -> str | None:
        return item.display_byline or item.source_name or None

    def item_author_link(self, item: Article) -> str | None:
        if item.author is not None and not item.byline:
            return item.author.get_absolute_url()
        return item.publisher_url or None

    def item_categories(self, item: Article) -> list[str]:
        return [item.section.name, *(tag.name for tag in item.tags.all())]

    def item_extra_kwargs(self, item: Article) -> dict[str, Any]:
        extra: dict[str, Any] = {"content": item.body or None, "language": item.language}
        image_url = item.lead_image_src
        if image_url:
            extra["image"] = {
                "url": image_url,
                "width": item.lead_image_width,
                "height": item.lead_image_height,
                "alt": item.lead_image_alt,
                "credit": item.lead_image_credit,
            }
        source_url = item.publisher_url or item.original_url
        if item.is_aggregated and item.source_name and source_url:
            extra["source"] = {"name": item.source_name, "url": source_url}
        return extra


class LatestAtomFeed(LatestFeed):
    """The same articles as `LatestFeed`, as Atom 1.0."""

    feed_type = BroadsheetAtomFeed


class SectionFeed(LatestFeed):
    """The newest public articles of one section, as RSS 2.0; 404 for an unknown section."""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedScope:
        section = get_object_or_404(Section, slug=kwargs["section"])
        return FeedScope(site=current_site_settings(), section=section)
