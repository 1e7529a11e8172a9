"""Sidebar widget data (popular, trending, categories with counts, monthly archives), precomputed and cached.

Each widget is plain picklable data (dicts, dates, ints, strings) under a fixed cache key.
Categories and archives read the counts kept per section and month as articles are written
(newsroom.counts: a few hundred rows, no archive scan); popular's GROUP BY runs only on a
cache miss or in the refresh task (enqueued on every publish), never per request on a hit.
Popular and Trending are readership's lists; this module keeps them with the site's own.
"""

from __future__ import annotations

import logging
from typing import Any

from django.urls import reverse

from broadsheet.core import lastcopy
from broadsheet.newsroom import counts
from broadsheet.newsroom.models import Section
from broadsheet.readership import popular, trending

logger = logging.getLogger(__name__)

CATEGORIES_KEY = "bs:widget:categories"
ARCHIVES_KEY = "bs:widget:archives"

ARCHIVE_MONTHS = 24

# Counts and archives are refreshed on every publish; the TTL is only a safety net.
LISTS_TTL = 3600


def compute_categories() -> list[dict[str, Any]]:
    """Sections with at least one public article and how many, in section order."""
    totals = counts.by_section()  # kept per section and month as articles are written
    return [
        {
            "name": section.name,
            "url": reverse("site:section", kwargs={"section": section.slug}),
            "count": totals[section.pk],
        }
        for section in Section.objects.only("pk", "name", "slug", "order")
        if totals.get(section.pk)
    ]


def compute_archives(months: int = ARCHIVE_MONTHS) -> dict[str, Any]:
    """Months with public articles, newest first: the latest `months`, and a link to older."""
    # Local months, as the archive pages count them (newsroom.counts keeps them so).
    entries = [
        {
            "date": month,
            "url": reverse("site:archive", kwargs={"year": month.year, "month": f"{month.month:02d}"}),
            "count": n,
        }
        for month, n in counts.by_month()
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
        "popular": lastcopy.Copy(
            popular.POPULAR_KEY, popular.compute_popular, popular.POPULAR_TTL, _queue_refresh
        ),
        # Trending's last copy is refreshed by readership's periodic task (readership/tasks.py).
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
    popular.refresh()
    logger.debug("widgets refreshed")
