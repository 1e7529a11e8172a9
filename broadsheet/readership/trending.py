"""Trending: view velocity with time decay, from hourly view roll-ups; precomputed and cached.

The beacon adds each counted view to the article's row for the current hour (counting.py).
Trending weighs the last `TRENDING_HOURS` hours, each hour's views halving in weight every
`HALF_LIFE_HOURS`: a story read a lot in the last hour beats one read a lot yesterday.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any

from broadsheet.core import clock, lastcopy
from broadsheet.newsroom.models import Article
from broadsheet.readership.counting import hour_of
from broadsheet.readership.models import HourlyViews

logger = logging.getLogger(__name__)

# Named when trending lived in discovery; kept so that a deploy finds the last copy already
# there instead of computing the list in a request.
TRENDING_KEY = "bs:discovery:trending"
TRENDING_LIMIT = 6
TRENDING_HOURS = 24
HALF_LIFE_HOURS = 3.0
# Hourly rows older than this are deleted by the refresh task: the table stays small.
KEEP_HOURS = 8 * 24
# The refresh task runs every few minutes; the TTL only covers a worker that stopped.
CACHE_TTL = 900


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


def prune(now: dt.datetime | None = None) -> int:
    cutoff = hour_of(now or clock.now()) - dt.timedelta(hours=KEEP_HOURS)
    deleted, _ = HourlyViews.objects.filter(hour__lt=cutoff).delete()
    return deleted


# Kept with a last copy without expiry (core/lastcopy.py): when the fresh copy lapses, pages
# show the last one until the next refresh rather than computing the list in a request
# (seconds at a million articles). No refresh callback: the periodic task refreshes it.
TRENDING_COPY = lastcopy.Copy(TRENDING_KEY, compute_trending, CACHE_TTL)


def refresh() -> None:
    """Recompute trending into the cache (the periodic task's work)."""
    lastcopy.store(TRENDING_KEY, compute_trending(), CACHE_TTL)
