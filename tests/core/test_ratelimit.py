"""The shared rate limiter: a strict two-window count, all-or-none reservations, Retry-After."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.cache import cache

from broadsheet.core import clock, ratelimit

WINDOW = 60
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # a window boundary


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch):
    """Set the one clock to START + `seconds`."""
    moment = [START]
    monkeypatch.setattr(clock, "now", lambda: moment[0])

    def move(seconds: float) -> None:
        moment[0] = START + dt.timedelta(seconds=seconds)

    return move


def test_hit_counts_this_window_and_the_last(at) -> None:
    at(50)
    assert [ratelimit.hit("s", "a", WINDOW) for _ in range(3)] == [1, 2, 3]
    at(65)  # the next window: the last one's three still count
    assert ratelimit.hit("s", "a", WINDOW) == 4
    assert ratelimit.count("s", "a", WINDOW) == 4
    at(125)  # two windows on: only the one just past counts
    assert ratelimit.count("s", "a", WINDOW) == 1
    assert ratelimit.hit("s", "b", WINDOW) == 1  # each ident has its own count


def test_unhit_and_reset(at) -> None:
    at(10)
    ratelimit.hit("s", "a", WINDOW)
    ratelimit.hit("s", "a", WINDOW)
    ratelimit.unhit("s", "a", WINDOW)
    assert ratelimit.count("s", "a", WINDOW) == 1
    ratelimit.reset("s", "a", WINDOW)
    assert ratelimit.count("s", "a", WINDOW) == 0
    ratelimit.unhit("s", "never", WINDOW)  # nothing to take back: no error


def test_reserve_is_all_or_none_and_refusals_do_not_count(at) -> None:
    at(5)
    user, ip = ("login:user", "u"), ("login:ip", "i")
    ratelimit.hit(*ip, WINDOW)
    ratelimit.hit(*ip, WINDOW)
    assert ratelimit.reserve([user, ip], WINDOW, limit=3) is None
    assert ratelimit.reserve([user, ip], WINDOW, limit=3) == ip
    # The refused attempt left no count behind, on either subject.
    assert ratelimit.count(*user, WINDOW) == 1
    assert ratelimit.count(*ip, WINDOW) == 3
    ratelimit.release([user, ip], WINDOW)
    assert (ratelimit.count(*user, WINDOW), ratelimit.count(*ip, WINDOW)) == (0, 2)


@pytest.mark.parametrize(
    ("hits", "now", "expected"),
    [
        ([10, 20, 30], 70, 50),  # the last window holds the limit: it drops out when this one ends
        ([50, 65, 70], 80, 40),  # split across the two: free at the end of this window
        ([70, 75, 80], 90, 90),  # this window alone holds the limit: free when the next one ends
        ([59.5, 59.6, 59.7], 59.8, 61),  # rounded up, never early
    ],
)
def test_retry_after_is_when_a_hit_would_be_within_the_limit(at, hits, now, expected) -> None:
    for moment in hits:
        at(moment)
        ratelimit.hit("s", "a", WINDOW)
    at(now)
    assert ratelimit.reserve([("s", "a")], WINDOW, limit=3) is not None
    wait = ratelimit.retry_after("s", "a", WINDOW, limit=3)
    assert wait == expected
    at(now + wait - 1)
    assert ratelimit.reserve([("s", "a")], WINDOW, limit=3) is not None
    at(now + wait)
    assert ratelimit.reserve([("s", "a")], WINDOW, limit=3) is None
