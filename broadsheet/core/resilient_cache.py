"""Django's Redis cache, made non-fatal: while Redis is unreachable every call acts as a miss.

The site must keep serving when Redis is down (issue 5): pages are rendered uncached, widgets
computed per page, purges and rate-limit counts lost for the while. So a connection error or
timeout does not propagate. Reads return their default, writes do nothing, `add` reports
"not added" and `incr` "no such key" (callers already handle both: an evicted key looks the
same). After a failure the backend stops trying for BREAK_SECONDS (a circuit breaker), so a
page does not pay the connect timeout once per cache call; `unreachable` tells callers such as
the page cache that they are running without a cache, so they can say so (X-Cache: BYPASS).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# After a failed call, calls skip Redis for this long before trying it again.
BREAK_SECONDS = 5.0
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)

T = TypeVar("T")


def is_unreachable(cache: BaseCache) -> bool:
    """Is `cache` answering without its server (a ResilientRedisCache while Redis is down)?
    Other backends never are."""
    return bool(getattr(cache, "unreachable", False))


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._broken_until = 0.0

    @property
    def unreachable(self) -> bool:
        """True while calls are being answered without Redis."""
        return time.monotonic() < self._broken_until

    def _guard(self, call: Callable[[], T], fallback: T) -> T:
        if self.unreachable:
            return fallback
        try:
            return call()
        except UNREACHABLE as exc:
            self._broken_until = time.monotonic() + BREAK_SECONDS
            logger.error("Redis cache unreachable (%s); running without it for %.0f s", exc, BREAK_SECONDS)
            return fallback

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guard(lambda: super(ResilientRedisCache, self).get(key, default, version), default)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        keys = list(keys)
        return self._guard(lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guard(lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._guard(lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return self._guard(lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), [])

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guard(lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), False)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guard(lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guard(lambda: super(ResilientRedisCache, self).delete(key, version), False)

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        keys = list(keys)
        self._guard(lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        missing = object()
        value = self._guard(lambda: super(ResilientRedisCache, self).incr(key, delta, version), missing)
        if value is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)")
        return int(value)  # type: ignore[call-overload]

    def clear(self) -> None:
        self._guard(lambda: super(ResilientRedisCache, self).clear(), None)
