"""Rate limits counted in the shared cache: fixed windows per scope and client."""

from __future__ import annotations

import contextlib
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from broadsheet.core import clock


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the one our trusted proxies saw.

    X-Forwarded-For is only believed when BROADSHEET_TRUSTED_PROXIES says how many proxies of
    ours sit in front (each appends one entry), because a client can send any value it likes.
    """
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    proxies = int(getattr(settings, "BROADSHEET_TRUSTED_PROXIES", 0) or 0)
    if proxies > 0:
        chain = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
        chain = [part for part in chain if part]
        if len(chain) >= proxies:
            candidate = chain[-proxies]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return remote
    return remote


def ip_hash(request: HttpRequest) -> str:
    """A keyed SHA-256 of the client address: enough to count and to spot abuse, never the IP."""
    return salted_hmac("broadsheet.site.ip", client_ip(request), algorithm="sha256").hexdigest()


def identity_hash(value: str) -> str:
    """A keyed hash of any identifier (e.g. a username), safe to use in cache keys."""
    return salted_hmac("broadsheet.site.identity", value, algorithm="sha256").hexdigest()


def _keys(scope: str, ident: str, window: int) -> tuple[str, str]:
    """Keys of the current and the previous window.

    The window number is part of the key, so expiry never depends on the backend keeping a
    TTL through incr() (the file cache resets it to the default timeout on every write).
    """
    bucket = int(clock.now().timestamp()) // window
    prefix = f"broadsheet:rl:{scope}:{ident}:{window}"
    return f"{prefix}:{bucket}", f"{prefix}:{bucket - 1}"


def hit(scope: str, ident: str, window: int) -> int:
    """Count one event for `ident` and return the events seen in this and the last window.

    Adding the previous window makes the limit strict: any `window` seconds lie inside the
    two, so no span of that length ever holds more events than the limit allows (a plain
    fixed window lets nearly twice the limit through around a boundary). add() then incr()
    is atomic on Redis and memcached, so two concurrent requests never share a count.
    """
    current, previous = _keys(scope, ident, window)
    cache.add(current, 0, timeout=window * 2)
    try:
        now_count = int(cache.incr(current))
    except ValueError:
        # The key was evicted between add() and incr(): this event starts it again.
        cache.add(current, 1, timeout=window * 2)
        now_count = 1
    return now_count + int(cache.get(previous, 0))


def unhit(scope: str, ident: str, window: int) -> None:
    """Take back one event counted by hit() (an attempt that turned out not to count)."""
    current, _ = _keys(scope, ident, window)
    # Gone (evicted, or the window turned since): nothing of ours is left to take back.
    with contextlib.suppress(ValueError):
        cache.decr(current)


def count(scope: str, ident: str, window: int) -> int:
    """Events counted for `ident` in this and the last window."""
    return sum(int(cache.get(key, 0)) for key in _keys(scope, ident, window))


def reset(scope: str, ident: str, window: int) -> None:
    cache.delete_many(list(_keys(scope, ident, window)))
