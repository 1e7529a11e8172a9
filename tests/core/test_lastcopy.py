"""Last copies: fresh, else the last copy with one refresh asked for, else computed once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from broadsheet.core import lastcopy


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


class Source:
    """A value to compute and a refresh to ask for, each counting its calls."""

    def __init__(self, value: object) -> None:
        self.value = value
        self.computed = 0
        self.refreshed = 0

    def compute(self) -> object:
        self.computed += 1
        return self.value

    def refresh(self) -> None:
        self.refreshed += 1


def test_a_cold_cache_computes_once_and_stores_both_copies() -> None:
    source = Source(["a"])
    copy = lastcopy.Copy("k", source.compute, 60, source.refresh)
    assert lastcopy.read(copy) == ["a"]
    assert lastcopy.read(copy) == ["a"]
    assert (source.computed, source.refreshed) == (1, 0)
    assert cache.get("k") == ["a"] and cache.get(lastcopy.last_key("k")) == ["a"]


def test_an_expired_value_is_served_from_its_last_copy_and_a_refresh_asked_for() -> None:
    source = Source(["new"])
    lastcopy.store("k", ["old"], 60)
    cache.delete("k")  # the fresh copy expired
    assert lastcopy.read(lastcopy.Copy("k", source.compute, 60, source.refresh)) == ["old"]
    assert (source.computed, source.refreshed) == (0, 1)
    # Without a refresh callback (refreshed on a timer elsewhere) the last copy is just served.
    assert lastcopy.read(lastcopy.Copy("k", source.compute, 60)) == ["old"]
    assert source.computed == 0


def test_read_many_asks_a_shared_refresh_once() -> None:
    shared, other = Source("x"), Source("y")
    lastcopy.store_many({"a": 1, "b": 2, "c": 3}, 60)
    cache.delete_many(["a", "b", "c"])
    values = lastcopy.read_many(
        {
            "a": lastcopy.Copy("a", shared.compute, 60, shared.refresh),
            "b": lastcopy.Copy("b", shared.compute, 60, shared.refresh),
            "c": lastcopy.Copy("c", other.compute, 60),
            "d": lastcopy.Copy("d", other.compute, 60, other.refresh),  # never stored: computed
        }
    )
    assert values == {"a": 1, "b": 2, "c": 3, "d": "y"}
    assert (shared.refreshed, shared.computed) == (1, 0)
    assert (other.refreshed, other.computed) == (0, 1)
