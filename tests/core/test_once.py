"""At most once per interval: one caller in the interval gets True; forget() opens the gate."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache

from broadsheet.core.once import enqueue_once_per, forget, once_per


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_only_the_first_call_in_the_interval_gets_through() -> None:
    assert once_per("job", 60) is True
    assert [once_per("job", 60) for _ in range(5)] == [False] * 5
    assert once_per("other-job", 60) is True  # each key has its own interval


def test_forget_lets_the_next_call_through_at_once() -> None:
    assert once_per("job", 60)
    forget("job")
    assert once_per("job", 60)
    assert not once_per("job", 60)


def test_the_gate_opens_when_the_interval_has_passed() -> None:
    assert once_per("job", 1)
    assert not once_per("job", 1)
    deadline = time.monotonic() + 10  # the cache expires it after a second; allow a busy machine
    while not once_per("job", 1):
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_a_periodic_task_is_enqueued_once_per_interval() -> None:
    class Recorder:
        enqueued = 0

        def enqueue(self) -> None:
            self.enqueued += 1

    task = Recorder()
    assert [enqueue_once_per(task, "refresh", 60) for _ in range(3)] == [True, False, False]  # type: ignore[arg-type]
    assert task.enqueued == 1
