"""Trending: view velocity with time decay, from hourly view roll-ups; and the home page's top
stories, ranked by sources, recency and reads. Both precomputed and cached.

The beacon adds each counted view to the article's row for the current hour (one upsert).
Trending weighs the last `TRENDING_HOURS` hours, each hour's views halving in weight every
`HALF_LIFE_HOURS`: a story read a lot in the last hour beats one read a lot yesterday.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import defaultdict
from typing import Any

from django.db import connection
from django.db.models import Sum

from broadsheet.core import clock, lastcopy
from broadsheet.discovery.models import HourlyViews, Story
from broadsheet.newsroom.models import Article

logger = logging.getLogger(__name__)

TRENDING_KEY = "bs:discovery:trending"
TOP_STORIES_KEY = "bs:discovery:top-stories"
TRENDING_LIMIT = 6
TRENDING_HOURS = 24
HALF_LIFE_HOURS = 3.0
# Hourly rows older than this are deleted by the refresh task: the table stays small.
KEEP_HOURS = 8 * 24
# The refresh task runs every few minutes; the TTL only covers a worker that stopped.
CACHE_TTL = 900

TOP_STORIES_LIMIT = 5
TOP_STORIES_HOURS = 48
STORY_HALF_LIFE_HOURS = 12.0
READS_WEIGHT = 0.5


def hour_of(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def count_view(article_id: int) -> None:
    """Add one view to the article's row for this hour: one statement, safe under concurrency
    (INSERT … ON CONFLICT DO UPDATE, on SQLite and PostgreSQL alike)."""
    table = connection.ops.quote_name(HourlyViews._meta.db_table)
    hour = connection.ops.adapt_datetimefield_value(hour_of(clock.now()))
    sql = (
        f"INSERT INTO {table} (article_id, hour, views) VALUES (%s, %s, 1) "
        f"ON CONFLICT (article_id, hour) DO UPDATE SET views = {table}.views + 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [article_id, hour])


def decayed_scores(rows: list[tuple[int, dt.datetime, int]], now: dt.datetime) -> dict[int, float]:
    """Per article, the sum of its hourly views, each weighted by 0.5 ^ (age / half-life)."""
    scores: dict[int, float] = defaultdict(float)
    current = hour_of(now)
    for article_id, hour, views in rows:
        age = max((current - hour).total_seconds() / 3600, 0.0)
        scores[article_id] += views * 0.5 ** (age / HALF_LIFE_HOURS)
    return dict(scores)


def compute_trending(limit: int = TRENDING_LIMIT) -> list[dict[str, Any]]:
    now = clock.now()
    since = hour_of(now) - dt.timedelta(hours=TRENDING_HOURS - 1)
    rows = list(
        HourlyViews.objects.filter(hour__gte=since, article__in=Article.objects.published()).values_list(
            "article_id", "hour", "views"
        )
    )
    scores = decayed_scores(rows, now)
    best = sorted(scores, key=lambda pk: (-scores[pk], -pk))[:limit]
    articles = {a.pk: a for a in Article.objects.published().for_listing().filter(pk__in=best)}
    return [
        {
            "id": pk,
            "headline": articles[pk].headline,
            "url": articles[pk].get_absolute_url(),
            "published_at": articles[pk].published_at,
            "section": articles[pk].section.name,
            "score": round(scores[pk], 2),
        }
        for pk in best
        if pk in articles
    ]


def story_score(sources: int, articles: int, age_hours: float, reads: int) -> float:
    """More sources first, then fresher, then more read."""
    weight = sources + 0.25 * max(articles - sources, 0) + READS_WEIGHT * math.log1p(reads)
    return weight * 0.5 ** (max(age_hours, 0.0) / STORY_HALF_LIFE_HOURS)


def compute_top_stories(limit: int = TOP_STORIES_LIMIT) -> list[dict[str, Any]]:
    """Stories of the last two days told by at least two versions, best first."""
    now = clock.now()
    stories = list(
        Story.objects.filter(
            last_published_at__gte=now - dt.timedelta(hours=TOP_STORIES_HOURS),
            article_count__gte=2,
        ).only("id", "headline", "slug", "last_published_at", "article_count", "source_count")
    )
    if not stories:
        return []
    reads = dict(
        HourlyViews.objects.filter(
            hour__gte=hour_of(now) - dt.timedelta(hours=TRENDING_HOURS),
            article__story_membership__story__in=[s.pk for s in stories],
        )
        .values("article__story_membership__story")
        .annotate(total=Sum("views"))
        .values_list("article__story_membership__story", "total")
    )
    ranked = sorted(
        stories,
        key=lambda s: (
            -story_score(
                s.source_count,
                s.article_count,
                (now - s.last_published_at).total_seconds() / 3600,
                int(reads.get(s.pk, 0)),
            )
        ),
    )[:limit]
    return [
        {
            "id": s.pk,
            "headline": s.headline,
            "url": s.get_absolute_url(),
            "sources": s.source_count,
            "articles": s.article_count,
            "updated_at": s.last_published_at,
        }
        for s in ranked
    ]


def prune(now: dt.datetime | None = None) -> int:
    cutoff = hour_of(now or clock.now()) - dt.timedelta(hours=KEEP_HOURS)
    deleted, _ = HourlyViews.objects.filter(hour__lt=cutoff).delete()
    return deleted


# Kept with a last copy without expiry (core/lastcopy.py): when the fresh copy lapses, pages
# show the last one until the next refresh rather than computing the lists in a request
# (seconds at a million articles). No refresh callback: the periodic task refreshes them.
TRENDING_COPY = lastcopy.Copy(TRENDING_KEY, compute_trending, CACHE_TTL)
TOP_STORIES_COPY = lastcopy.Copy(TOP_STORIES_KEY, compute_top_stories, CACHE_TTL)


def refresh() -> None:
    """Recompute trending and top stories into the cache (the periodic task's work)."""
    lastcopy.store_many({TRENDING_KEY: compute_trending(), TOP_STORIES_KEY: compute_top_stories()}, CACHE_TTL)


def top_stories() -> list[dict[str, Any]]:
    return list(lastcopy.read(TOP_STORIES_COPY))
