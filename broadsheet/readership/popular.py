"""Popular: the most-read public articles of the last week, from the daily view roll-ups.

The site's sidebar keeps it with its other lists (site/widgets.py): refreshed by the widget
task, served from its last copy while a refresh is queued.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from broadsheet.core import clock, lastcopy
from broadsheet.media.pictures import thumbnail_sources
from broadsheet.newsroom.models import Article
from broadsheet.readership.models import ArticleViews

POPULAR_KEY = "bs:widget:popular"
POPULAR_LIMIT = 6
POPULAR_DAYS = 7
# Popular moves with views, not with publishing, so it is recomputed on a short timer.
POPULAR_TTL = 600
THUMB_WIDTH = 120
THUMB_HEIGHT = 80


def _popular_item(article: Article, views: int) -> dict[str, Any]:
    src = article.lead_image_src
    width, height = article.lead_image_width, article.lead_image_height
    thumb_height = round(THUMB_WIDTH * height / width) if width and height else THUMB_HEIGHT
    # A library image: its renditions (srcset), not the full-size original, for an 80 px thumb.
    library = article.lead_media if article.lead_media_id is not None else None
    sources = thumbnail_sources(library) if library is not None else {}
    return {
        "id": article.pk,
        "headline": article.headline,
        "url": article.get_absolute_url(),
        "published_at": article.published_at,
        "views": views,
        "image_src": sources.get("src") or src,
        "image_srcset": sources.get("srcset", ""),
        "image_modern_srcset": sources.get("modern_srcset", ""),
        "image_modern_type": sources.get("modern_type", ""),
        "image_alt": library.alt if library is not None else article.lead_image_alt,
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


def refresh() -> None:
    """Recompute Popular into the cache (the site's widget task calls it with its other lists)."""
    lastcopy.store(POPULAR_KEY, compute_popular(), POPULAR_TTL)
