"""Discovery's background work: stories and related lists after publishing; top stories on a timer.

`process_pending` takes a batch of the articles the publish receiver queued (discovery/pending.py
says why they are batched) and, once the search index has them, files each in its story and
recomputes its related list and those of its story's other versions.

`refresh_top_stories` is the periodic task: `schedule_refresh`, a cheap scheduler hook (declared in
DiscoveryConfig.periodic), enqueues it
at most once every `REFRESH_EVERY_SECONDS`, however many schedulers tick. It recomputes top
stories into the cache, fills in the related lists that a batch left empty because the search
index did not have the article yet, and restarts the queue's batches if their task was lost.
(Trending has its own periodic task in readership.)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import DatabaseError
from django_tasks import task

from broadsheet.core.once import enqueue_once_per
from broadsheet.discovery import pending, related, stories, top_stories
from broadsheet.discovery.errors import DiscoveryError
from broadsheet.discovery.models import StoryMembership
from broadsheet.search.similar import bring_up_to_date

logger = logging.getLogger(__name__)

REFRESH_EVERY_SECONDS = 300
# Held for REFRESH_EVERY_SECONDS by the scheduler tick that enqueued the last refresh.
REFRESH_CLAIM_KEY = "bs:discovery:refresh-claimed"
# Versions of a story whose related lists are recomputed when the story gains a version
# (their lists must now leave it out).
SIBLINGS_REFRESHED = 20
BACKFILL_HOURS = 24
BACKFILL_LIMIT = 200


def request_processing(article_id: int) -> None:
    """The publish receiver's one step: queue the article; start a batch if none will come."""
    if pending.add(article_id):
        process_pending.enqueue()


@task()
def process_pending() -> dict[str, int]:
    """Work through one batch of queued articles; enqueue the next batch while any wait."""
    batch = pending.take()
    if not batch.article_ids:
        return {"articles": 0, "related": 0, "failed": 0}
    # Related lists come from the search index: first let it catch up with these articles.
    bring_up_to_date()
    refreshed, failed = refresh(batch.article_ids)
    pending.done(batch, failed)
    if pending.waiting():
        process_pending.enqueue()
    return {"articles": len(batch.article_ids), "related": refreshed, "failed": len(failed)}


def refresh(article_ids: Iterable[int]) -> tuple[int, set[int]]:
    """File each article in its story (or take it out; merging a twin story), then recompute
    the related lists of the articles and of their stories' other versions, each list once.
    Returns how many lists were recomputed, and the articles that failed (logged)."""
    article_ids = list(dict.fromkeys(article_ids))
    failed: set[int] = set()
    siblings: dict[int, None] = {}
    for article_id in article_ids:
        try:
            assignment = stories.assign(article_id)
        except (DatabaseError, DiscoveryError) as exc:
            logger.warning("discovery: article %s not filed in a story: %s", article_id, exc)
            failed.add(article_id)
            continue
        # A version joined (or a merge brought) other versions: their lists must now leave it out.
        if assignment is not None and (not assignment.created or assignment.merged):
            others = (
                StoryMembership.objects.filter(story_id=assignment.story_id)
                .exclude(article_id=article_id)
                .exclude(article__isnull=True)
                .order_by("-published_at")
                .values_list("article_id", flat=True)[:SIBLINGS_REFRESHED]
            )
            siblings.update(dict.fromkeys(pk for pk in others if pk is not None))
    refreshed = 0
    for article_id in dict.fromkeys([*article_ids, *siblings]):
        if article_id in failed:
            continue
        try:
            related.compute(article_id)
        except DatabaseError as exc:
            logger.warning("discovery: related list of article %s not computed: %s", article_id, exc)
            if article_id in article_ids:  # a sibling's list stays as it was
                failed.add(article_id)
            continue
        refreshed += 1
    return refreshed, failed


@task()
def article_changed(article_id: int) -> dict[str, int]:
    """One article at once (tasks queued before batching existed, or re-queued by the reaper)."""
    refreshed, failed = refresh([article_id])
    return {"related": refreshed, "failed": len(failed)}


@task()
def update_related(article_id: int) -> int:
    """Nothing enqueues it any more: it stays for rows queued before batching, when each
    publish queued one per version of the story (a queued or re-queued row names its task by
    import path, and one whose task no longer imports fails without running)."""
    return related.compute(article_id)


@task()
def refresh_top_stories() -> None:
    top_stories.refresh()
    for article_id in related.missing_since(BACKFILL_HOURS, BACKFILL_LIMIT):
        related.compute(article_id)
    if pending.stalled():
        logger.warning("discovery: queued articles wait and no batch is running; starting one")
        process_pending.enqueue()


def schedule_refresh() -> bool:
    """The scheduler hook: enqueue `refresh_top_stories` unless it was enqueued in the last
    REFRESH_EVERY_SECONDS, however many schedulers tick (core.once)."""
    return enqueue_once_per(refresh_top_stories, REFRESH_CLAIM_KEY, REFRESH_EVERY_SECONDS)
