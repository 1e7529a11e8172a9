"""Sidebar widget data (popular, categories with counts, monthly archives), precomputed and cached.

Each widget is plain picklable data (dicts, dates, ints, strings) under a fixed cache key.
The GROUP BY queries run only on a cache miss or in the refresh task (enqueued on every
publish), never per request on a hit.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from broadsheet.core import clock, lastcopy
from broadsheet.discovery import trending
from broadsheet.newsroom.models import Article, ArticleViews, Section

logger = logging.getLogger(__name__)

POPULAR_KEY = "bs:widget:popular"
CATEGORIES_KEY = "bs:widget:categories"
ARCHIVES_KEY = "bs:widget:archives"

POPULAR_LIMIT = 6
POPULAR_DAYS = 7
ARCHIVE_MONTHS = 24
THUMB_WIDTH = 120
THUMB_HEIGHT = 80

# Popular moves with views, not with publishing, so it is recomputed on a short timer.
POPULAR_TTL = 600
# Counts and archives are refreshed on every publish; the TTL is only a safety net.
LISTS_TTL = 3600


def _popular_item(article: Article, views: int) -> dict[str, Any]:
    src = article.lead_image_src
    width, height = article.lead_image_width, article.lead_image_height
    thumb_height = round(THUMB_WIDTH * height / width) if width and height else THUMB_HEIGHT
    return {
        "id": article.pk,
        "headline": article.headline,
        "url": article.get_absolute_url(),
        "published_at": article.published_at,
        "views": views,
        "image_src": src,
        "image_alt": article.lead_image_alt,
        "image_width": THUMB_WIDTH,
        "image_height": thumb_height,
    }


def compute_popular(limit: int = POPULAR_LIMIT) -> list[dict[str, Any]]:
    """The most-viewed public articles over the last seven daily rollups (ties: newer first),
    topped up with the latest articles when fewer have views."""
    today = timezone.localdate(clock.now())
    since = today - dt.timedelta(days=POPULAR_DAYS - 1)
    ranked = list(
        ArticleViews.objects.filter(day__gte=since, day__lte=today, article__in=Article.objects.published())
        .values("article_id")
        .annotate(total=Sum("views"))
        .order_by("-total", "-article__published_at", "-article_id")
        .values_list("article_id", "total")[:limit]
    )
    views = dict(ranked)
    items: list[dict[str, Any]] = []
    if views:
        by_id = {a.pk: a for a in Article.objects.published().for_listing().filter(pk__in=views)}
        items = [_popular_item(by_id[pk], total) for pk, total in ranked if pk in by_id]
    if len(items) < limit:
        latest = Article.objects.public_listing().exclude(pk__in=views)[: limit - len(items)]
        items.extend(_popular_item(article, 0) for article in latest)
    return items


def compute_categories() -> list[dict[str, Any]]:
    """Sections with at least one public article and how many, in section order."""
    counts = dict(
        Article.objects.published()
        .order_by()
        .values("section_id")
        .annotate(n=Count("id"))
        .values_list("section_id", "n")
    )
    return [
        {
            "name": section.name,
            "url": reverse("site:section", kwargs={"section": section.slug}),
            "count": counts[section.pk],
        }
        for section in Section.objects.only("pk", "name", "slug", "order")
        if counts.get(section.pk)
    ]


def compute_archives(months: int = ARCHIVE_MONTHS) -> dict[str, Any]:
    """Months with public articles, newest first: the latest `months`, and a link to older."""
    # Months are the site's local months, as the archive pages count them.
    local = timezone.get_default_timezone()
    rows = (
        Article.objects.published()
        .annotate(month=TruncMonth("published_at", tzinfo=local))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("-month")
        .values_list("month", "n")
    )
    entries = [
        {
            "date": dt.date(month.year, month.month, 1),
            "url": reverse("site:archive", kwargs={"year": month.year, "month": f"{month.month:02d}"}),
            "count": n,
        }
        for month, n in rows
    ]
    return {
        "months": entries[:months],
        "older_url": entries[months]["url"] if len(entries) > months else None,
    }


# Every list is also kept without expiry as its last copy (core/lastcopy.py): when the fresh
# copy has expired, a page shows the last one and a refresh is queued.


def _queue_refresh() -> None:
    from broadsheet.site.tasks import request_widget_refresh  # tasks imports this module

    request_widget_refresh()


def _copies() -> dict[str, lastcopy.Copy]:
    return {
        "popular": lastcopy.Copy(POPULAR_KEY, compute_popular, POPULAR_TTL, _queue_refresh),
        # Trending's last copy is refreshed by the scheduler's periodic task.
        "trending": trending.TRENDING_COPY,
        "categories": lastcopy.Copy(CATEGORIES_KEY, compute_categories, LISTS_TTL, _queue_refresh),
        "archives": lastcopy.Copy(ARCHIVES_KEY, compute_archives, LISTS_TTL, _queue_refresh),
    }


def sidebar() -> dict[str, Any]:
    """Every sidebar list in one cache round trip: popular, trending, categories, archives
    (an expired list is served from its last copy while one refresh is queued)."""
    return lastcopy.read_many(_copies())


def refresh_all() -> None:
    """Recompute every widget now (the task enqueued when an article changes)."""
    lastcopy.store(CATEGORIES_KEY, compute_categories(), LISTS_TTL)
    lastcopy.store(ARCHIVES_KEY, compute_archives(), LISTS_TTL)
    lastcopy.store(POPULAR_KEY, compute_popular(), POPULAR_TTL)
    logger.debug("widgets refreshed")
