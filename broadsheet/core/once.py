"""At most once per interval, however many processes and machines ask (the shared cache decides).

The gate is cache.add(): it stores the key only if it is absent, atomically on Redis, memcached
and the SQLite cache, so of several schedulers ticking together, or a burst of publishes each
asking for a refresh, exactly one caller gets True until the key expires or is forgotten.
"""

from __future__ import annotations

from django.core.cache import cache


def once_per(key: str, seconds: int) -> bool:
    """True for the first call in `seconds` (or since forget(key)); False for the others."""
    return bool(cache.add(key, 1, timeout=seconds))


def forget(key: str) -> None:
    """Let the next once_per(key, ...) through at once: the work it gated has started, so a
    change made after this point needs a run of its own."""
    cache.delete(key)
