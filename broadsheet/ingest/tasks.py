"""Background work through the django.tasks API: poll one source; enqueue every due source."""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from broadsheet.core import clock
from broadsheet.ingest.categorise import load_classifier
from broadsheet.ingest.fetch import Fetcher
from broadsheet.ingest.models import Source
from broadsheet.ingest.pipeline import ingest_source

logger = logging.getLogger(__name__)

# A claimed source is due again after this long even if its worker died mid-run, so a killed
# worker delays a source, it never loses it.
CLAIM_LEASE = dt.timedelta(minutes=15)
CLAIM_BATCH = 200


def claim_due_sources(now: dt.datetime | None = None, limit: int = CLAIM_BATCH) -> list[int]:
    """Ids of enabled, due sources, each claimed by moving its next_check_at forward with a
    conditional UPDATE: of two schedulers racing, exactly one wins each source."""
    now = now or clock.now()
    due = list(
        Source.objects.filter(enabled=True, next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("id", "next_check_at")[:limit]
    )
    claimed = []
    for source_id, seen_at in due:
        won = Source.objects.filter(pk=source_id, next_check_at=seen_at).update(
            next_check_at=now + CLAIM_LEASE
        )
        if won:
            claimed.append(int(source_id))
    return claimed


@task()
def ingest_source_task(source_id: int) -> dict[str, object]:
    source = Source.objects.filter(pk=source_id, enabled=True).first()
    if source is None:
        return {"source_id": source_id, "skipped": "gone or disabled"}
    with Fetcher() as fetcher:
        return ingest_source(source, fetcher, classifier=load_classifier()).as_dict()


@task()
def schedule_due_sources() -> int:
    """Enqueue one ingest task per due source; returns how many were enqueued."""
    claimed = claim_due_sources()
    for source_id in claimed:
        ingest_source_task.enqueue(source_id)
    if claimed:
        logger.info("enqueued %d due sources", len(claimed))
    return len(claimed)
