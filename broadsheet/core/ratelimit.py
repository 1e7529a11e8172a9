"""Rate limits counted in the shared cache: a two-window sliding count per scope and client.

hit/unhit/count/reset are the counter; reserve/release count an event "all or none" for
several subjects (an account and an address) and take it back when it must not count;
retry_after says when a refused client may try again. client_ip, ip_hash and identity_hash
turn a request or a name into an identifier safe to use in cache keys and stored rows.
"""

from __future__ import annotations

import contextlib
import ipaddress
import math
from collections.abc import Sequence

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from broadsheet.core import clock

# (scope, ident): what is counted, and for whom (e.g. ("login:ip", ip_hash(request))).
Subject = tuple[str, str]


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the one our trusted proxies saw.

    X-Forwarded-For is only believed when BROADSHEET_TRUSTED_PROXIES says how many proxies of
    ours sit in front (each appends one entry), because a client can send any value it likes.
    """
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    proxies = int(settings.BROADSHEET_TRUSTED_PROXIES or 0)
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


# The salts still name the site, where these hashes were first made: changing them would make
# every stored ip_hash (contact messages, takedown requests) incomparable with new ones.
def ip_hash(request: HttpRequest) -> str:
    """A keyed SHA-256 of the client address: enough to count and to spot abuse, never the IP."""
    return salted_hmac("broadsheet.site.ip", client_ip(request), algorithm="sha256").hexdigest()


def identity_hash(value: str) -> str:
    """A keyed hash of any identifier (e.g. a username), safe to use in cache keys."""
    return salted_hmac("broadsheet.site.identity", value, algorithm="sha256").hexdigest()


def _bucket(window: int, now: float | None = None) -> int:
    return int(clock.now().timestamp() if now is None else now) // window


def _keys(scope: str, ident: str, window: int, bucket: int | None = None) -> tuple[str, str]:
    """Keys of the current and the previous window.

    The window number is part of the key, so expiry never depends on the backend keeping a
    TTL through incr() (the file cache resets it to the default timeout on every write).
    """
    bucket = _bucket(window) if bucket is None else bucket
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


def reserve(subjects: Sequence[Subject], window: int, limit: int) -> Subject | None:
    """Count one event for every subject, all or none.

    None when every count stayed within `limit`. Otherwise the first subject found over it,
    with every count this call made taken back: a refused event does not count, so a client
    that keeps trying while refused is not locked out for longer than its own allowance says.
    """
    counted: list[Subject] = []
    for scope, ident in subjects:
        seen = hit(scope, ident, window)
        counted.append((scope, ident))
        if seen > limit:
            release(counted, window)
            return scope, ident
    return None


def release(subjects: Sequence[Subject], window: int) -> None:
    """Take back an event that reserve() counted for each subject."""
    for scope, ident in subjects:
        unhit(scope, ident, window)


def retry_after(scope: str, ident: str, window: int, limit: int) -> int:
    """Whole seconds until hit() for `ident` would stay within `limit` again (at least 1).

    The count is this window's events plus the last window's. When this window ends, the last
    window's events drop out and this window's become "the last"; so the wait is to the end of
    this window, or to the end of the next one if this window alone already holds the limit.
    """
    now = clock.now().timestamp()
    bucket = _bucket(window, now)
    current, _ = _keys(scope, ident, window, bucket)
    wait = (bucket + 1) * window - now
    if int(cache.get(current, 0)) >= limit:
        wait += window
    return max(1, math.ceil(wait))
