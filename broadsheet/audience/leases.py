"""Claiming rows of a send under a lease: what the e-mail send (sending.py) and the push fan-out
(pushsend.py) share.

A worker claims a batch of pending rows with a conditional UPDATE (of two workers only one wins
a row), keeps the claim alive while it works (the heartbeat), and records each row as soon as
the other side answered. A worker that dies leaves its rows under a lease that runs out, and
the next worker takes them; so nobody gets the same issue twice. Written once here so the two
senders cannot drift apart in the part that makes them safe.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Min, Model, Q, QuerySet

from broadsheet.core import clock

M = TypeVar("M", bound=Model)

# Longest sleep between looks while rows wait for a backoff or another worker's lease.
IDLE_POLL_SECONDS = 2.0


def ready(now: dt.datetime) -> Q:
    """Rows whose backoff is over and which no live worker holds."""
    return (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=float(settings.BROADSHEET_NEWSLETTER_LEASE_SECONDS))


def take(pending: QuerySet[M], limit: int, now: dt.datetime, related: str) -> tuple[str, list[M]]:
    """Claim up to `limit` ready rows of `pending` (oldest first) for a new token; returns the
    token ("" when nothing was ready) and the rows this worker won, with `related` joined."""
    ids = list(pending.filter(ready(now)).order_by("id").values_list("id", flat=True)[:limit])
    if not ids:
        return "", []
    token = uuid.uuid4().hex
    pending.filter(ready(now), id__in=ids).update(claim_token=token, claimed_until=now + lease())
    return token, list(pending.filter(claim_token=token).select_related(related).order_by("id"))


def until_next(pending: QuerySet[Any]) -> float | None:
    """Seconds until a pending row may be ready (a backoff or another worker's lease ending),
    or None when nothing is pending."""
    if not pending.exists():
        return None
    soonest = pending.aggregate(retry=Min("next_attempt_at"), lease=Min("claimed_until"))
    now = clock.now()
    times = [t for t in (soonest["retry"], soonest["lease"]) if t is not None and t > now]
    if not times:
        return 0.05
    return min(IDLE_POLL_SECONDS, max(0.05, (min(times) - now).total_seconds()))


def batches(
    claim: Callable[[], tuple[str, list[M]]], pending: QuerySet[Any], wait: bool
) -> Iterator[tuple[str, list[M]]]:
    """Claimed batches until nothing is pending (with wait=False: until nothing is ready now).
    A claim that won only rows it then set aside (an unsubscribed reader, a deleted device)
    looks again at once."""
    while True:
        token, rows = claim()
        if rows:
            yield token, rows
            continue
        if token:
            continue
        pause = until_next(pending)
        if pause is None or not wait:
            return
        time.sleep(pause)


class Heartbeat:
    """Renews a batch's lease every third of it while the worker that holds it lives."""

    def __init__(self, pending: QuerySet[Any], token: str) -> None:
        self.rows = pending.filter(claim_token=token)
        self.renewed = time.monotonic()

    def beat(self) -> None:
        if time.monotonic() - self.renewed > lease().total_seconds() / 3:
            self.rows.update(claimed_until=clock.now() + lease())
            self.renewed = time.monotonic()
