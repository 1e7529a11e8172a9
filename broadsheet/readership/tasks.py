"""Readership's periodic work: Trending recomputed into the cache, old hourly rows pruned.

`schedule_refresh` is the cheap scheduler hook: it enqueues `refresh_trending` at most once
every `REFRESH_EVERY_SECONDS`, however many schedulers tick (core.once). Popular is not here:
the site's widget task refreshes it with the other sidebar lists.
"""

from __future__ import annotations

from django_tasks import task

from broadsheet.core.once import enqueue_once_per
from broadsheet.readership import trending

REFRESH_EVERY_SECONDS = 300
# Held for REFRESH_EVERY_SECONDS by the scheduler tick that enqueued the last refresh.
REFRESH_CLAIM_KEY = "bs:readership:refresh-claimed"


@task()
def refresh_trending() -> None:
    trending.prune()
    trending.refresh()


def schedule_refresh() -> bool:
    """The scheduler hook: enqueue `refresh_trending` unless it was enqueued in the last
    REFRESH_EVERY_SECONDS, however many schedulers tick (core.once)."""
    return enqueue_once_per(refresh_trending, REFRESH_CLAIM_KEY, REFRESH_EVERY_SECONDS)
