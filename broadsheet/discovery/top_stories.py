"""The home page's top stories: story clusters ranked by sources, recency and reads;
precomputed and cached.

Reads come from readership (its `reads` module, the one sanctioned import across the middle
tier for it): the views of a story's versions over the last `READS_HOURS` hours.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from broadsheet.core import clock, lastcopy, ranking
from broadsheet.discovery.models import Story
from broadsheet.readership.reads import recent_reads

TOP_STORIES_KEY = "bs:discovery:top-stories"
TOP_STORIES_LIMIT = 5
TOP_STORIES_HOURS = 48
STORY_HALF_LIFE_HOURS = 12.0
READS_HOURS = 24
# The refresh task runs every few minutes; the TTL only covers a worker that stopped.
CACHE_TTL = 900


def story_score(sources: int, articles: int, age_hours: float, reads: int) -> float:
    """More sources first, then fresher, then more read."""
    weight = sources + 0.25 * max(articles - sources, 0) + ranking.READS_WEIGHT * math.log1p(reads)
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
    reads = recent_reads(
        "story_membership__story", READS_HOURS, now, story_membership__story__in=[s.pk for s in stories]
    )
    ranked = sorted(
        stories,
        key=lambda s: (
            -story_score(
                s.source_count,
                s.article_count,
                (now - s.last_published_at).total_seconds() / 3600,
                reads.get(s.pk, 0),
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


# Kept with a last copy without expiry (core/lastcopy.py), as Trending is: pages show the last
# copy until the next refresh rather than computing the list in a request.
TOP_STORIES_COPY = lastcopy.Copy(TOP_STORIES_KEY, compute_top_stories, CACHE_TTL)


def refresh() -> None:
    """Recompute top stories into the cache (the periodic task's work)."""
    lastcopy.store(TOP_STORIES_KEY, compute_top_stories(), CACHE_TTL)


def top_stories() -> list[dict[str, Any]]:
    return list(lastcopy.read(TOP_STORIES_COPY))
