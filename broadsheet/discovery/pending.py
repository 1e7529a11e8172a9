"""Discovery's work queue: articles waiting for their story and related list, taken in batches.

One task per published article (and one more per version of its story) queued ~98,000 tasks
for an ingest run of ~4,900 stories, and the rest of the site's work waited behind them. Now
the receiver adds a row here and enqueues a task only when the queue was empty; each task
takes a batch, and enqueues the next one while rows are left. So a run of any size keeps at
most a task or two queued, and a burst is worked through in batches of `BATCH`.

A batch holds its rows (`taken_by`, `taken_until`) until it is done and deletes them then,
so a worker killed mid-batch loses nothing: after `TAKE_FOR` the rows are free again and the
periodic refresh (tasks.refresh_top_stories) starts a batch when none is running. Doing an
article twice is harmless (both steps recompute from the database).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from django.db.models import F, Q

from broadsheet.core import clock
from broadsheet.discovery.models import PendingArticle

logger = logging.getLogger(__name__)

# Articles per task: a few seconds of work, so no task runs for long.
BATCH = 100
# How long a batch holds its rows: far longer than a batch takes, and what delays a batch
# killed mid-way (plus up to REFRESH_EVERY_SECONDS until the periodic refresh looks).
TAKE_FOR = dt.timedelta(minutes=2)
# A row taken this many times without being done (its article keeps failing) is given up.
MAX_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Batch:
    token: str
    article_ids: tuple[int, ...]  # unique, oldest change first


def add(article_id: int) -> bool:
    """Queue `article_id`; True when nothing else was queued (so no task will come for it
    unless the caller enqueues one)."""
    row = PendingArticle.objects.create(article_id=article_id)
    return not PendingArticle.objects.filter(pk__lt=row.pk).exists()


def _free(now: dt.datetime) -> Q:
    return Q(taken_until__isnull=True) | Q(taken_until__lt=now)


def take(limit: int | None = None, now: dt.datetime | None = None) -> Batch:
    """Hold the oldest `limit` (default BATCH) free rows for a new batch."""
    limit = BATCH if limit is None else limit
    now = now or clock.now()
    token = uuid.uuid4().hex
    ids = list(PendingArticle.objects.filter(_free(now)).order_by("id").values_list("id", flat=True)[:limit])
    if not ids:
        return Batch(token, ())
    # Conditional on the rows still being free: of two batches racing, each row goes to one.
    PendingArticle.objects.filter(pk__in=ids).filter(_free(now)).update(
        taken_by=token, taken_until=now + TAKE_FOR, attempts=F("attempts") + 1
    )
    held = PendingArticle.objects.filter(taken_by=token)
    failing = held.filter(attempts__gt=MAX_ATTEMPTS)
    given_up = sorted(set(failing.values_list("article_id", flat=True)))
    if given_up:
        logger.error("discovery: giving up on articles %s after %d attempts", given_up, MAX_ATTEMPTS)
        failing.delete()
    article_ids = dict.fromkeys(held.order_by("id").values_list("article_id", flat=True))
    return Batch(token, tuple(article_ids))


def done(batch: Batch, failed: set[int] | frozenset[int] = frozenset()) -> None:
    """Delete the batch's rows, except those of articles in `failed`: they are taken again
    once the batch's hold on them ends."""
    PendingArticle.objects.filter(taken_by=batch.token).exclude(article_id__in=failed).delete()


def waiting(now: dt.datetime | None = None) -> bool:
    """Are rows waiting for a batch?"""
    return PendingArticle.objects.filter(_free(now or clock.now())).exists()


def stalled(now: dt.datetime | None = None) -> bool:
    """Rows wait and no batch holds any: the task that should take them was lost."""
    now = now or clock.now()
    return waiting(now) and not PendingArticle.objects.filter(taken_until__gte=now).exists()
