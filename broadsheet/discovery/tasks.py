"""Discovery's background work: clustering and related lists on publish; trending on a timer.

`refresh_trending` is the periodic task: `schedule_refresh`, a cheap scheduler hook (add
"broadsheet.discovery.tasks.schedule_refresh" to the scheduler's PERIODIC_HOOKS), enqueues it
at most once every `REFRESH_EVERY_SECONDS`, however many schedulers tick. It recomputes trending and top stories into the cache, prunes old
hourly view rows, and fills in the related lists that a publish task left empty because the
search index did not have the article yet.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django_tasks import task

from broadsheet.discovery import related, stories, trending
from broadsheet.discovery.models import StoryMembership

logger = logging.getLogger(__name__)

REFRESH_EVERY_SECONDS = 300
# Held for REFRESH_EVERY_SECONDS by the scheduler tick that enqueued the last refresh.
REFRESH_CLAIM_KEY = "bs:discovery:refresh-claimed"
# Versions of a story whose related lists are recomputed when the story gains a version
# (their lists must now leave it out).
SIBLINGS_REFRESHED = 20
BACKFILL_HOURS = 24
BACKFILL_LIMIT = 200


@task()
def article_changed(article_id: int) -> dict[str, int | None]:
    """Put the article in its story (or take it out; merging a twin story) and recompute its
    related list; refresh the related lists of the story's other versions."""
    assignment = stories.assign(article_id)
    count = related.compute(article_id)
    # A version joined (or a merge brought) other versions: their lists must now leave it out.
    if assignment is not None and (not assignment.created or assignment.merged):
        siblings = (
            StoryMembership.objects.filter(story_id=assignment.story_id)
            .exclude(article_id=article_id)
            .exclude(article__isnull=True)
            .order_by("-published_at")
            .values_list("article_id", flat=True)[:SIBLINGS_REFRESHED]
        )
        for sibling in siblings:
            if sibling is not None:
                update_related.enqueue(sibling)
    return {"story": assignment.story_id if assignment else None, "related": count}


@task()
def update_related(article_id: int) -> int:
    return related.compute(article_id)


@task()
def refresh_trending() -> None:
    trending.prune()
    trending.refresh()
    for article_id in related.missing_since(BACKFILL_HOURS, BACKFILL_LIMIT):
        related.compute(article_id)


def schedule_refresh() -> bool:
    """The scheduler hook: enqueue `refresh_trending` unless it was enqueued in the last
    REFRESH_EVERY_SECONDS. `cache.add` is atomic, so two schedulers enqueue it once."""
    if not cache.add(REFRESH_CLAIM_KEY, 1, timeout=REFRESH_EVERY_SECONDS):
        return False
    refresh_trending.enqueue()
    return True
