"""XML sitemaps: an index, one paged sitemap per section, a static one, and a Google News one.

Written directly rather than with django.contrib.sitemaps: at 50,000 URLs a page, building a
model instance and reversing a URL per row costs seconds, while streaming tuples from
`.values_list()` costs milliseconds.

Aggregated stories are left out of every sitemap: their pages declare the original as
canonical, and a sitemap should list only canonical URLs (search engines report the others
as "submitted URL not selected as canonical" and trust the sitemap less).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

from django.core.cache import cache
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from broadsheet.core import clock
from broadsheet.newsroom.models import Article, Page, Section
from broadsheet.newsroom.querysets import ArticleQuerySet
from broadsheet.site.seo import current_site_settings

logger = logging.getLogger(__name__)

# The sitemaps.org limit is 50,000 URLs (and 50 MB) per file.
PAGE_SIZE = 50_000
# Google News reads articles of the last two days, at most 1,000 per sitemap.
NEWS_WINDOW = dt.timedelta(hours=48)
NEWS_LIMIT = 1_000
# How long the per-section counts behind the index are reused (see `section_stats`).
STATS_TTL = 3600
STATS_CACHE_KEY = "broadsheet:sitemap:section-stats"
# Rows fetched per database round trip while streaming a section sitemap.
CHUNK_SIZE = 2_000
STATIC_SITEMAP = "static"

CONTENT_TYPE = "application/xml; charset=utf-8"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_SLUG_PLACEHOLDER = "__slug__"
# Control characters XML 1.0 cannot carry even escaped; one stray byte would void the file.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def sitemap_articles() -> ArticleQuerySet:
    """The articles sitemaps list: public ones whose canonical page is on this site."""
    return Article.objects.published().filter(canonical_url__isnull=True)


def section_stats() -> dict[int, tuple[int, dt.datetime]]:
    """Section id → (number of sitemap articles, latest updated_at).

    One grouped COUNT over the article table, cached for STATS_TTL: the index only needs to
    know how many pages each section has, and an hour's lag costs nothing but a new 50,000th
    article waiting a little to appear in the index (its page still serves it at once).
    """
    stats: dict[int, tuple[int, dt.datetime]] | None = cache.get(STATS_CACHE_KEY)
    if stats is None:
        rows = (
            sitemap_articles()
            .order_by()
            .values("section_id")
            .annotate(n=Count("id"), lastmod=Max("updated_at"))
            .values_list("section_id", "n", "lastmod")
        )
        stats = {section_id: (n, lastmod) for section_id, n, lastmod in rows}
        cache.set(STATS_CACHE_KEY, stats, STATS_TTL)
    return stats


def _w3c(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


def _url_entry(loc: str, lastmod: dt.datetime | None) -> str:
    lastmod_xml = f"<lastmod>{_w3c(lastmod)}</lastmod>" if lastmod else ""
    return f"<url><loc>{escape(loc)}</loc>{lastmod_xml}</url>\n"


def _article_url_maker(request: HttpRequest, section_slug: str) -> tuple[str, str]:
    """The absolute article URL around its slug, split in two: one reverse() per sitemap, not
    one per row."""
    url = request.build_absolute_uri(
        reverse("site:article", kwargs={"section": section_slug, "slug": _SLUG_PLACEHOLDER})
    )
    head, tail = url.split(_SLUG_PLACEHOLDER)
    return head, tail


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("p", "1")
    # ASCII digits only ("²" is a digit to str.isdigit), and short enough to be a real page
    # rather than an offset the database cannot hold.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6 or int(raw) < 1:
        raise Http404("No such sitemap page.")
    return int(raw)


def sitemap_index(request: HttpRequest) -> HttpResponse:
    """The sitemap index: the static sitemap, then each section's pages of articles."""
    stats = section_stats()
    entries: list[tuple[str, dt.datetime | None]] = []
    latest = max((lastmod for _, lastmod in stats.values()), default=None)
    static_url = reverse("site:sitemap_section", kwargs={"section": STATIC_SITEMAP})
    entries.append((request.build_absolute_uri(static_url), latest))
    for section_id, slug in Section.objects.order_by("order", "name").values_list("id", "slug"):
        if section_id not in stats:
            continue
        count, lastmod = stats[section_id]
        url = request.build_absolute_uri(reverse("site:sitemap_section", kwargs={"section": slug}))
        pages = -(-count // PAGE_SIZE)
        for page in range(1, pages + 1):
            entries.append((url if page == 1 else f"{url}?p={page}", lastmod))
    body = [XML_DECLARATION, f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    for loc, modified in entries:
        lastmod_xml = f"<lastmod>{_w3c(modified)}</lastmod>" if modified else ""
        body.append(f"<sitemap><loc>{escape(loc)}</loc>{lastmod_xml}</sitemap>\n")
    body.append("</sitemapindex>\n")
    return HttpResponse("".join(body), content_type=CONTENT_TYPE)


def sitemap_section(request: HttpRequest, section: str) -> HttpResponse | StreamingHttpResponse:
    """One page (?p=N, PAGE_SIZE URLs) of a section's articles, oldest first, or the static
    sitemap when `section` is "static"."""
    if section == STATIC_SITEMAP:
        return _static_sitemap(request)
    page = _page_number(request)
    section_obj = get_object_or_404(Section.objects.only("id", "slug"), slug=section)
    # Oldest first, so a page's contents stay put as new articles land on the last page;
    # the (section, status, published_at) index serves both the filter and the order.
    rows = (
        sitemap_articles()
        .in_section(section_obj)
        .order_by("published_at", "id")
        .values_list("slug", "updated_at")
    )
    offset = (page - 1) * PAGE_SIZE
    if page > 1 and not rows[offset : offset + 1].exists():
        raise Http404("No such sitemap page.")
    head, tail = _article_url_maker(request, section_obj.slug)
    page_rows = rows[offset : offset + PAGE_SIZE].iterator(chunk_size=CHUNK_SIZE)
    entries = (_url_entry(f"{head}{slug}{tail}", updated_at) for slug, updated_at in page_rows)
    return StreamingHttpResponse(_urlset(entries), content_type=CONTENT_TYPE)


def _urlset(entries: Iterable[str], namespaces: str = "") -> Iterator[str]:
    yield XML_DECLARATION
    yield f'<urlset xmlns="{SITEMAP_NS}"{namespaces}>\n'
    yield from entries
    yield "</urlset>\n"


def _static_sitemap(request: HttpRequest) -> HttpResponse:
    """Home, every section and every static page."""
    if request.GET.get("p", "1") != "1":
        raise Http404("The static sitemap has one page.")
    stats = section_stats()
    latest = max((lastmod for _, lastmod in stats.values()), default=None)
    entries = [_url_entry(request.build_absolute_uri(reverse("site:home")), latest)]
    for section_id, slug in Section.objects.order_by("order", "name").values_list("id", "slug"):
        lastmod = stats[section_id][1] if section_id in stats else None
        url = reverse("site:section", kwargs={"section": slug})
        entries.append(_url_entry(request.build_absolute_uri(url), lastmod))
    for slug, updated_at in Page.objects.order_by("order", "title").values_list("slug", "updated_at"):
        url = reverse("site:section", kwargs={"section": slug})
        entries.append(_url_entry(request.build_absolute_uri(url), updated_at))
    return HttpResponse("".join(_urlset(entries)), content_type=CONTENT_TYPE)


def news_sitemap(request: HttpRequest) -> HttpResponse:
    """Google News sitemap: our own articles of the last NEWS_WINDOW, newest first, at most
    NEWS_LIMIT."""
    site_name = escape(current_site_settings().site_name)
    since = clock.now() - NEWS_WINDOW
    rows = (
        sitemap_articles()
        .filter(published_at__gte=since)
        .latest_first()
        .values_list("section__slug", "slug", "headline", "language", "published_at", "updated_at")[
            :NEWS_LIMIT
        ]
    )
    heads: dict[str, tuple[str, str]] = {}
    entries: list[str] = []
    for section_slug, slug, headline, language, published_at, updated_at in rows:
        if section_slug not in heads:
            heads[section_slug] = _article_url_maker(request, section_slug)
        head, tail = heads[section_slug]
        entries.append(
            f"<url><loc>{escape(f'{head}{slug}{tail}')}</loc>"
            f"<lastmod>{_w3c(updated_at)}</lastmod>"
            "<news:news><news:publication>"
            f"<news:name>{site_name}</news:name>"
            f"<news:language>{escape(_news_language(language))}</news:language>"
            "</news:publication>"
            f"<news:publication_date>{_w3c(published_at)}</news:publication_date>"
            f"<news:title>{escape(_XML_INVALID.sub('', headline))}</news:title>"
            "</news:news></url>\n"
        )
    body = "".join(_urlset(entries, namespaces=f" xmlns:news={quoteattr(NEWS_NS)}"))
    return HttpResponse(body, content_type=CONTENT_TYPE)


def _news_language(code: str) -> str:
    """Google News wants ISO 639 codes: "en", "fr", and only zh-cn / zh-tw with a region."""
    code = (code or "en").lower().replace("_", "-")
    if code in {"zh-cn", "zh-tw"}:
        return code
    return code.split("-", 1)[0]
