"""Search-engine and social metadata: canonical URLs, descriptions, OpenGraph and JSON-LD."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from broadsheet.core.sanitize import excerpt
from broadsheet.media.pictures import social_rendition
from broadsheet.newsroom.models import Article, SiteSettings
from broadsheet.site import pagination

logger = logging.getLogger(__name__)

# Google truncates NewsArticle headlines beyond 110 characters; meta descriptions near 160.
HEADLINE_LIMIT = 110
DESCRIPTION_LIMIT = 160

# The characters that could end a <script> element or open a comment inside one; JSON
# allows their \u escapes anywhere, so the data means the same after escaping.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    ord("\u2028"): "\\u2028",
    ord("\u2029"): "\\u2029",
}


def current_site_settings() -> SiteSettings:
    """The site settings row, or unsaved defaults: never SiteSettings.load(), which creates
    the row, because a page view must not write."""
    return SiteSettings.objects.filter(pk=1).first() or SiteSettings(pk=1)


def absolute_url(request: HttpRequest, url: str) -> str:
    """`url` made absolute against the request; absolute URLs come back unchanged."""
    return request.build_absolute_uri(url)


def truncate(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip(",.;:") + "…"


def article_title(article: Article) -> str:
    """The SEO title the editor wrote, or else the headline: what a search result and a
    shared link show as the title."""
    return article.seo_title.strip() or article.headline


def article_description(article: Article) -> str:
    """The meta description the editor wrote, else the standfirst, else the start of the body:
    what a search result shows."""
    if article.meta_description.strip():
        return truncate(article.meta_description, DESCRIPTION_LIMIT)
    if article.dek:
        return truncate(article.dek, DESCRIPTION_LIMIT)
    return excerpt(article.body, DESCRIPTION_LIMIT)


def article_canonical_url(article: Article, request: HttpRequest) -> str:
    """The original for aggregated stories (the credit search engines owe the publisher),
    otherwise this article's URL on this site."""
    if article.original_url:
        return article.original_url
    return absolute_url(request, article.get_absolute_url())


@dataclass(frozen=True)
class SeoImage:
    url: str  # absolute
    width: int | None
    height: int | None
    alt: str
    caption: str


def article_image(article: Article, request: HttpRequest) -> SeoImage | None:
    """The image a shared link and a search result show: the social image the editor chose
    (its 1200-wide rendition), else the lead image; None when there is neither."""
    chosen = article.social_image if article.social_image_id is not None else None
    if chosen is not None:
        shared = social_rendition(chosen)
        if shared.url:
            return SeoImage(
                absolute_url(request, shared.url),
                shared.width or None,
                shared.height or None,
                chosen.alt,
                chosen.caption,
            )
    src = article.lead_image_src
    if not src:
        return None
    return SeoImage(
        absolute_url(request, src),
        article.lead_image_width,
        article.lead_image_height,
        article.lead_image_alt,
        article.lead_image_caption,
    )


def page_canonical_url(request: HttpRequest) -> str:
    """The request's path as an absolute URL; only a list's position survives, ?before=<cursor>
    (site.pagination: a page that answered has a valid one) or ?page=N (N > 1), since every
    other query (tracking, sorting) shows the same content."""
    url = absolute_url(request, request.path)
    cursor = request.GET.get(pagination.CURSOR_PARAM)
    page = request.GET.get("page", "")
    if cursor is not None:
        try:
            position = pagination.decode_cursor(cursor)
        except Http404:  # the 404 page for that bad cursor: its canonical is the list
            return url
        url = f"{url}?{pagination.CURSOR_PARAM}={pagination.encode_cursor(position)}"
    elif page.isascii() and page.isdigit() and int(page) > 1:
        url = f"{url}?page={int(page)}"
    return url


def w3c_datetime(value: dt.datetime | None) -> str:
    """ISO 8601 with an offset, as schema.org, OpenGraph and sitemaps expect."""
    return value.isoformat(timespec="seconds") if value else ""


def publisher_jsonld(site: SiteSettings, request: HttpRequest) -> dict[str, Any]:
    publisher: dict[str, Any] = {
        "@type": "Organization",
        "@id": absolute_url(request, "/#publisher"),
        "name": site.site_name,
        "url": absolute_url(request, reverse("site:home")),
    }
    if site.logo:
        publisher["logo"] = {"@type": "ImageObject", "url": absolute_url(request, site.logo.url)}
    return publisher


def _authors_jsonld(article: Article, request: HttpRequest) -> list[dict[str, Any]]:
    """One Person per name the byline gives (never an e-mail address: core/bylines.py), else
    the author, else the publisher as an Organization: a staff line names no person."""
    people = article.byline_people
    if people:
        return [{"@type": "Person", "name": name} for name in people]
    if article.author is not None:
        return [
            {
                "@type": "Person",
                "name": article.author.name,
                "url": absolute_url(request, article.author.get_absolute_url()),
            }
        ]
    if article.source_name:
        return [{"@type": "Organization", "name": article.source_name}]
    return []


def breadcrumbs_jsonld(article: Article, request: HttpRequest) -> dict[str, Any]:
    trail = [
        ("Home", reverse("site:home")),
        (article.section.name, article.section.get_absolute_url()),
        (article.headline, article.get_absolute_url()),
    ]
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute_url(request, url)}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def article_jsonld(
    article: Article, request: HttpRequest, site: SiteSettings | None = None
) -> dict[str, Any]:
    """A schema.org @graph with the NewsArticle and its breadcrumb trail.

    `article` should come with its section and author loaded; its tags are read once.
    """
    site = site or current_site_settings()
    page_url = absolute_url(request, article.get_absolute_url())
    news: dict[str, Any] = {
        "@type": "NewsArticle",
        "@id": f"{page_url}#article",
        "headline": truncate(article_title(article), HEADLINE_LIMIT),
        "description": article_description(article),
        "url": page_url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": page_url},
        "datePublished": w3c_datetime(article.published_at),
        "dateModified": w3c_datetime(article.updated_at or article.published_at),
        "articleSection": article.section.name,
        "inLanguage": article.language,
        "publisher": publisher_jsonld(site, request),
    }
    image = article_image(article, request)
    if image is not None:
        image_object: dict[str, Any] = {"@type": "ImageObject", "url": image.url}
        if image.width and image.height:
            image_object["width"] = image.width
            image_object["height"] = image.height
        if image.caption:
            image_object["caption"] = image.caption
        news["image"] = [image_object]
    authors = _authors_jsonld(article, request)
    if authors:
        news["author"] = authors
    keywords = [tag.name for tag in article.tags.all()] if article.pk else []
    if keywords:
        news["keywords"] = keywords
    if article.original_url:
        news["isBasedOn"] = article.original_url
        if article.source_name:
            source: dict[str, Any] = {"@type": "Organization", "name": article.source_name}
            if article.publisher_url:
                source["url"] = article.publisher_url
            news["sourceOrganization"] = source
    return {"@context": "https://schema.org", "@graph": [news, breadcrumbs_jsonld(article, request)]}


def jsonld_script(data: dict[str, Any]) -> SafeString:
    """`data` in a <script type="application/ld+json"> element that no value can break out of."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(payload))
