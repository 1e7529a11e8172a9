"""Who is polling a source: claims that stay alive on a heartbeat, so a killed run frees it soon.

A scheduler claims a due source with a conditional UPDATE (of two schedulers racing, exactly
one wins it) and enqueues its ingest task with the claim's token. The claim first covers the
wait in the queue (`START_WITHIN`). When the task starts it takes the claim over (only with
the same token: a claim given up as dead and claimed again belongs to the newer task) and,
while the source is being polled, a heartbeat thread renews it every `HEARTBEAT_SECONDS`
for `CLAIM_TIMEOUT`. The end of the run releases it. A worker killed mid-run stops beating,
and a minute later the source is due again (it was due when claimed, and only a finished run
moves `next_check_at` on), where a fixed lease kept it for 15 minutes.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DatabaseError, connection
from django.db.models import Q

from broadsheet.core import clock
from broadsheet.ingest.models import Source

logger = logging.getLogger(__name__)

# A running poll's claim without a heartbeat for this long is taken to be dead.
CLAIM_TIMEOUT = dt.timedelta(seconds=60)
# How often a running poll renews its claim: several beats fit in one CLAIM_TIMEOUT.
HEARTBEAT_SECONDS = 10.0
# How long a claimed source waits for a worker to start its task before another scheduler
# may claim it again (the task of the older claim then finds it taken and does nothing).
START_WITHIN = dt.timedelta(minutes=15)
# A run that raised is retried after this pause rather than at the scheduler's next tick.
RETRY_AFTER_CRASH = dt.timedelta(minutes=15)
CLAIM_BATCH = 200


@dataclass(frozen=True, slots=True)
class Claim:
    source_id: int
    token: str


def _free(now: dt.datetime) -> Q:
    return Q(claim_expires_at__isnull=True) | Q(claim_expires_at__lt=now)


def claim_due(now: dt.datetime | None = None, limit: int = CLAIM_BATCH) -> list[Claim]:
    """Claims on enabled, due sources that nobody holds (or whose holder stopped beating)."""
    now = now or clock.now()
    due = list(
        Source.objects.filter(enabled=True, next_check_at__lte=now)
        .filter(_free(now))
        .order_by("next_check_at")
        .values_list("id", "claim_token", "claim_expires_at")[:limit]
    )
    claims = []
    for source_id, seen_token, seen_expiry in due:
        token = uuid.uuid4().hex
        won = Source.objects.filter(
            pk=source_id, claim_token=seen_token, claim_expires_at=seen_expiry
        ).update(claim_token=token, claim_expires_at=now + START_WITHIN)
        if won:
            claims.append(Claim(int(source_id), token))
    return claims


def start(source_id: int, token: str = "", now: dt.datetime | None = None) -> str | None:
    """Take over the claim `token` as the running poll (renewing it for CLAIM_TIMEOUT); with
    no token (an editor's "fetch now"), claim the source if nobody holds it. Returns the token
    now held, or None: the claim went to another run, or the source is gone or disabled."""
    now = now or clock.now()
    sources = Source.objects.filter(pk=source_id, enabled=True)
    if token:
        taken = sources.filter(claim_token=token).update(claim_expires_at=now + CLAIM_TIMEOUT)
    else:
        token = uuid.uuid4().hex
        taken = sources.filter(_free(now)).update(claim_token=token, claim_expires_at=now + CLAIM_TIMEOUT)
    return token if taken else None


def release(source_id: int, token: str) -> None:
    try:
        Source.objects.filter(pk=source_id, claim_token=token).update(claim_token="", claim_expires_at=None)
    except DatabaseError as exc:  # it expires by itself a CLAIM_TIMEOUT later
        logger.warning("source %s: claim not released: %s", source_id, exc)


@contextmanager
def held(
    source_id: int,
    token: str,
    *,
    every: float | None = None,
    timeout: dt.timedelta | None = None,
) -> Iterator[None]:
    """Keep the claim alive while the block runs (a beat every `every` seconds, each good for
    `timeout`; HEARTBEAT_SECONDS and CLAIM_TIMEOUT by default), and release it afterwards."""
    every = HEARTBEAT_SECONDS if every is None else every
    timeout = CLAIM_TIMEOUT if timeout is None else timeout
    stop = threading.Event()
    beater = threading.Thread(
        target=_beat, args=(source_id, token, stop, every, timeout), name=f"claim-{source_id}", daemon=True
    )
    # Inside a caller's transaction (a test, a shell) no other connection sees the claim, and a
    # beat from one would only wait on this transaction's locks: nobody needs the heartbeat.
    beating = not connection.in_atomic_block
    if beating:
        beater.start()
    try:
        yield
    except Exception:
        # A bug, not a feed's failure (the pipeline records those): not again at the next tick.
        # (A worker shutting down mid-run raises no Exception: its source is just released.)
        _postpone(source_id, token)
        raise
    finally:
        stop.set()
        if beating:
            beater.join()
        release(source_id, token)


def _beat(source_id: int, token: str, stop: threading.Event, every: float, timeout: dt.timedelta) -> None:
    try:
        while not stop.wait(every):
            try:
                renewed = Source.objects.filter(pk=source_id, claim_token=token).update(
                    claim_expires_at=clock.now() + timeout
                )
            except DatabaseError as exc:  # a busy database: the next beat tries again
                logger.warning("source %s: claim heartbeat failed: %s", source_id, exc)
                continue
            if not renewed:
                logger.warning("source %s: claim lost (taken for dead and claimed again)", source_id)
                return
    finally:
        connection.close()  # this thread's own connection


def _postpone(source_id: int, token: str) -> None:
    try:
        Source.objects.filter(pk=source_id, claim_token=token).update(
            next_check_at=clock.now() + RETRY_AFTER_CRASH
        )
    except DatabaseError as exc:
        logger.warning("source %s: failed run not postponed: %s", source_id, exc)
