"""When to poll a source next: adaptive intervals, server hints, backoff with jitter."""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import re
from collections.abc import Mapping, Sequence

from broadsheet.core import clock

MIN_INTERVAL = dt.timedelta(minutes=15)
MAX_INTERVAL = dt.timedelta(hours=24)
DEFAULT_INTERVAL = dt.timedelta(hours=1)  # until a source has shown how often it posts
BACKOFF_BASE = dt.timedelta(minutes=5)
DISABLE_AFTER = dt.timedelta(days=7)  # failing this long: disabled and flagged
MAX_RETRY_AFTER = dt.timedelta(days=2)  # a server asking for more is capped, not obeyed blindly
RECENT_ENTRIES = 10
_MAX_AGE_RE = re.compile(r"(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*\"?(\d+)", re.IGNORECASE)


def clamp(
    value: dt.timedelta, low: dt.timedelta = MIN_INTERVAL, high: dt.timedelta = MAX_INTERVAL
) -> dt.timedelta:
    return max(low, min(high, value))


def posting_interval(published: Sequence[dt.datetime | None]) -> dt.timedelta:
    """Half the mean gap between the newest entries: a source posting hourly is polled every
    30 minutes, a weekly one daily."""
    dates = sorted((d for d in published if d is not None), reverse=True)[:RECENT_ENTRIES]
    if len(dates) < 2:
        return DEFAULT_INTERVAL
    span = dates[0] - dates[-1]
    mean_gap = span / (len(dates) - 1)
    return clamp(mean_gap / 2)


def cache_hint(headers: Mapping[str, str], now: dt.datetime) -> dt.timedelta | None:
    """How long the server says the feed stays fresh (Cache-Control max-age, else Expires)."""
    match = _MAX_AGE_RE.search(headers.get("cache-control", ""))
    if match:
        return dt.timedelta(seconds=int(match.group(1)))
    expires = headers.get("expires", "")
    if expires:
        try:
            when = email.utils.parsedate_to_datetime(expires)
        except (TypeError, ValueError):
            return None
        if when is not None:
            return max(dt.timedelta(0), clock.make_aware(when) - now)
    return None


def next_interval(
    *,
    published: Sequence[dt.datetime | None],
    ttl_minutes: int | None = None,
    headers: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
) -> dt.timedelta:
    """The interval after a successful poll: posting frequency, never sooner than the feed's
    <ttl> or the HTTP freshness allows, always within [MIN_INTERVAL, MAX_INTERVAL]."""
    now = now or clock.now()
    interval = posting_interval(published)
    if ttl_minutes:
        interval = max(interval, dt.timedelta(minutes=ttl_minutes))
    hint = cache_hint(headers or {}, now)
    if hint is not None:
        interval = max(interval, hint)
    return clamp(interval)


def backoff(
    error_count: int, retry_after: float | None = None, rng: random.Random | None = None
) -> dt.timedelta:
    """Exponential backoff with jitter (50-100% of the step), at least any Retry-After."""
    rng = rng or random.Random()
    step = BACKOFF_BASE * (2 ** max(0, min(error_count - 1, 16)))
    delay = clamp(step * rng.uniform(0.5, 1.0), low=dt.timedelta(minutes=1))
    if retry_after is not None:
        delay = max(delay, min(dt.timedelta(seconds=retry_after), MAX_RETRY_AFTER))
    return delay


def should_disable(first_failure_at: dt.datetime | None, now: dt.datetime) -> bool:
    return first_failure_at is not None and now - first_failure_at >= DISABLE_AFTER
