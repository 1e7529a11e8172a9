"""Background work through the django.tasks API: poll one source; enqueue every due source."""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from broadsheet.core.fetch import Fetcher
from broadsheet.ingest import claims
from broadsheet.ingest.categorise import load_classifier
from broadsheet.ingest.models import Source
from broadsheet.ingest.pipeline import ingest_source

logger = logging.getLogger(__name__)

CLAIM_BATCH = claims.CLAIM_BATCH


def claim_due_sources(now: dt.datetime | None = None, limit: int = CLAIM_BATCH) -> list[int]:
    """Ids of enabled, due sources, each claimed (see ingest/claims.py) by exactly one caller.
    For a caller that polls them itself; the scheduler uses `claims.claim_due`, whose tokens
    its tasks take over."""
    return [claim.source_id for claim in claims.claim_due(now, limit)]


@task()
def ingest_source_task(source_id: int, claim: str = "") -> dict[str, object]:
    """Poll one source under the scheduler's `claim` (or, without one, a claim of its own),
    keeping the claim alive with a heartbeat until the poll is done."""
    source = Source.objects.filter(pk=source_id, enabled=True).first()
    if source is None:
        return {"source_id": source_id, "skipped": "gone or disabled"}
    token = claims.start(source_id, claim)
    if token is None:
        return {"source_id": source_id, "skipped": "claimed by another run"}
    with claims.held(source_id, token), Fetcher() as fetcher:
        return ingest_source(source, fetcher, classifier=load_classifier()).as_dict()


@task()
def schedule_due_sources() -> int:
    """Enqueue one ingest task per due source; returns how many were enqueued."""
    claimed = claims.claim_due()
    for claim in claimed:
        ingest_source_task.enqueue(claim.source_id, claim=claim.token)
    if claimed:
        logger.info("enqueued %d due sources", len(claimed))
    return len(claimed)


@task()
def reextract_source_task(source_id: int, limit: int = 100) -> dict[str, object]:
    """Rebuild the bodies of a source's recent stories with its current rules (ingest/reextract.py)."""
    from broadsheet.ingest.reextract import reextract_source

    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        return {"source_id": source_id, "skipped": "gone"}
    with Fetcher() as fetcher:
        report = reextract_source(source, fetcher, limit=limit)
    logger.info("source %s re-extracted: %s", source_id, report.summary())
    return report.as_dict()
