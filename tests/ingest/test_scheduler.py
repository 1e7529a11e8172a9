"""scheduler.py: adaptive intervals, server hints and backoff."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from broadsheet.ingest.scheduler import (
    DEFAULT_INTERVAL,
    MAX_INTERVAL,
    MIN_INTERVAL,
    backoff,
    cache_hint,
    next_interval,
    posting_interval,
    should_disable,
)

NOW = dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.UTC)


def every(gap: dt.timedelta, n: int = 10) -> list[dt.datetime]:
    return [NOW - gap * i for i in range(n)]


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ([], DEFAULT_INTERVAL),
        ([NOW], DEFAULT_INTERVAL),
        ([NOW, None], DEFAULT_INTERVAL),
        (every(dt.timedelta(hours=1)), dt.timedelta(minutes=30)),
        (every(dt.timedelta(minutes=5)), MIN_INTERVAL),
        (every(dt.timedelta(days=7)), MAX_INTERVAL),
    ],
)
def test_posting_interval(dates, expected):
    assert posting_interval(dates) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"cache-control": "public, max-age=3600"}, dt.timedelta(hours=1)),
        ({"cache-control": "s-maxage=600"}, dt.timedelta(minutes=10)),
        ({"expires": "Mon, 10 Mar 2025 14:00:00 GMT"}, dt.timedelta(hours=2)),
        ({"expires": "Mon, 10 Mar 2025 10:00:00 GMT"}, dt.timedelta(0)),
        ({"expires": "never"}, None),
    ],
)
def test_cache_hint(headers, expected):
    assert cache_hint(headers, NOW) == expected


@pytest.mark.parametrize(
    ("ttl", "headers", "expected"),
    [
        (None, {}, dt.timedelta(minutes=30)),
        (120, {}, dt.timedelta(hours=2)),  # <ttl> is a floor
        (None, {"cache-control": "max-age=7200"}, dt.timedelta(hours=2)),
        (None, {"cache-control": "max-age=10"}, dt.timedelta(minutes=30)),
        (100000, {}, MAX_INTERVAL),
    ],
)
def test_next_interval_respects_hints(ttl, headers, expected):
    published = every(dt.timedelta(hours=1))
    assert next_interval(published=published, ttl_minutes=ttl, headers=headers, now=NOW) == expected


@pytest.mark.parametrize("errors", [1, 2, 3, 5, 10, 40])
def test_backoff_grows_with_jitter_and_stays_bounded(errors):
    rng = random.Random(errors)
    delay = backoff(errors, rng=rng)
    step = dt.timedelta(minutes=5) * 2 ** min(errors - 1, 16)
    assert min(step, MAX_INTERVAL) * 0.5 <= delay <= MAX_INTERVAL
    assert delay <= step


def test_backoff_honours_retry_after():
    assert backoff(1, retry_after=3600, rng=random.Random(1)) == dt.timedelta(hours=1)
    assert backoff(1, retry_after=10**9, rng=random.Random(1)) == dt.timedelta(days=2)


@pytest.mark.parametrize(
    ("first_failure", "disable"),
    [(None, False), (NOW - dt.timedelta(days=6, hours=23), False), (NOW - dt.timedelta(days=7), True)],
)
def test_should_disable_after_seven_days(first_failure, disable):
    assert should_disable(first_failure, NOW) is disable
