"""At most once per interval, however many processes and machines ask (the shared cache decides).

The gate is cache.add(): it stores the key only if it is absent, atomically on Redis, memcached
and the SQLite cache, so of several schedulers ticking together, or a burst of publishes each
asking for a refresh, exactly one caller gets True until the key expires or is forgotten.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.cache import cache

if TYPE_CHECKING:
    from django_tasks.base import Task


def once_per(key: str, seconds: int) -> bool:
    """True for the first call in `seconds` (or since forget(key)); False for the others."""
    return bool(cache.add(key, 1, timeout=seconds))


def forget(key: str) -> None:
    """Let the next once_per(key, ...) through at once: the work it gated has started, so a
    change made after this point needs a run of its own."""
    cache.delete(key)


def enqueue_once_per(task: Task[[], Any], key: str, seconds: int) -> bool:
    """Enqueue `task` unless a caller did under `key` in the last `seconds`: the whole of a
    scheduler hook for a periodic task, safe in any number of schedulers. True if enqueued."""
    if not once_per(key, seconds):
        return False
    task.enqueue()
    return True
