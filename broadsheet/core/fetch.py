"""Outbound HTTP: the only network client in Broadsheet, guarded against SSRF and abuse.

Here in core, not in ingest, because ingest and the WordPress import (which may not import each
other) both fetch through it. `Fetcher` is the public surface. Redirects are followed by hand so each hop is checked
again; which addresses may be reached is `addresses.py`, and the connection that checks them
after DNS resolution, at connect time, is `transport.py`.

One deadline covers the whole fetch: the wait for a host slot, DNS, connect, TLS, sending the
request, the response headers and the body, across every redirect (see `transport.Deadline`).
"""

from __future__ import annotations

import contextlib
import contextvars
import email.utils
import logging
import random
import threading
import time
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache

from broadsheet import __version__
from broadsheet.core import clock
from broadsheet.core.addresses import AddressPolicy, allow_any_address, is_public_address
from broadsheet.core.fetch_errors import (
    BlockedURLError,
    FetchError,
    FetchTimeoutError,
    TooLargeError,
    TooManyRedirectsError,
)
from broadsheet.core.resilient_cache import is_unreachable
from broadsheet.core.transport import Deadline, GuardedTransport

logger = logging.getLogger(__name__)

DEFAULT_CONNECT_TIMEOUT = 5.0  # seconds to open a connection
DEFAULT_TOTAL_TIMEOUT = 20.0  # seconds for the whole fetch, redirects and body included
DEFAULT_MAX_BYTES = 5 * 1024 * 1024  # on the wire (compressed)
DEFAULT_MAX_DECODED_BYTES = 20 * 1024 * 1024  # after gzip/deflate: refuses decompression bombs
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_PER_HOST = 2  # concurrent requests to one host
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/rdf+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

# A transport that every Fetcher made within `served_by` uses instead of the network: the demo
# loads its fictional publishers through it (core/mirror.py). A context variable, not a
# setting, so no configuration can turn it on in production: only code inside the block sees it.
_TRANSPORT: contextvars.ContextVar[httpx.BaseTransport | None] = contextvars.ContextVar(
    "broadsheet_fetch_transport", default=None
)


@contextlib.contextmanager
def served_by(transport: httpx.BaseTransport) -> Iterator[None]:
    """Within the block, every new `Fetcher` sends its requests to `transport`."""
    token = _TRANSPORT.set(transport)
    try:
        yield
    finally:
        _TRANSPORT.reset(token)


@dataclass(frozen=True, slots=True)
class FetchOptions:
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    total_timeout: float = DEFAULT_TOTAL_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES
    max_redirects: int = DEFAULT_MAX_REDIRECTS


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str
    final_url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False
    retry_after: float | None = None  # seconds, from a 429/503 Retry-After

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300 or self.not_modified

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


class HostLimiter:
    """At most `per_host` requests in flight to one host, across every thread and process.

    The slots live in Django's cache (the SQLite file every process of a machine shares, or
    Redis across machines): slot i of a host is the key `bs:host:{host}:{i}`, taken with an
    atomic `add` holding a random token and a lease, so a killed process's slot frees itself.
    Threads holding the same limiter also queue on a local semaphore first (no polling among
    them). Should the cache be unreachable (Redis down), only the local limit applies.
    """

    POLL_SECONDS = 0.05  # between attempts while every shared slot is taken
    LEASE_MARGIN = 10.0  # seconds a slot outlives its holder's deadline
    DEFAULT_LEASE = DEFAULT_TOTAL_TIMEOUT + LEASE_MARGIN  # for a wait without a timeout

    def __init__(self, per_host: int = DEFAULT_PER_HOST, cache: BaseCache | None = None) -> None:
        self.per_host = per_host
        self._cache = cache
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    @property
    def cache(self) -> BaseCache:
        return self._cache if self._cache is not None else caches["default"]

    @contextlib.contextmanager
    def slot(self, host: str, timeout: float | None = None) -> Iterator[None]:
        """Hold one of `host`'s slots; FetchTimeoutError when none frees up within `timeout`."""
        give_up = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.BoundedSemaphore(self.per_host))
        if not semaphore.acquire(timeout=timeout):
            raise FetchTimeoutError(f"no free slot for {host} within {timeout:g}s")
        try:
            key = self._acquire_shared(host, timeout, give_up)
            try:
                yield
            finally:
                if key is not None:
                    self._release_shared(*key)
        finally:
            semaphore.release()

    def _acquire_shared(
        self, host: str, timeout: float | None, give_up: float | None
    ) -> tuple[str, str] | None:
        cache = self.cache
        token = uuid.uuid4().hex
        lease = self.DEFAULT_LEASE if timeout is None else timeout + self.LEASE_MARGIN
        while True:
            if is_unreachable(cache):
                return None  # Redis is down: the local limit is all there is for now
            for i in range(self.per_host):
                key = f"bs:host:{host}:{i}"
                if cache.add(key, token, timeout=lease):
                    return key, token
            if is_unreachable(cache):
                return None
            if give_up is not None and time.monotonic() >= give_up:
                raise FetchTimeoutError(f"no free slot for {host} within {timeout:g}s")
            time.sleep(self.POLL_SECONDS * (0.5 + random.random()))

    def _release_shared(self, key: str, token: str) -> None:
        # Read, then delete: not atomic (Django's cache has no compare-and-delete), but the key
        # changes hands only once our lease has expired, and the lease outlives our deadline.
        cache = self.cache
        if cache.get(key) == token:
            cache.delete(key)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait, from either form of Retry-After (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, (clock.make_aware(when) - clock.now()).total_seconds())


def user_agent() -> str:
    return f"Broadsheet/{__version__} (+{settings.BROADSHEET_SITE_URL})"


class _Decoder:
    """Decodes gzip/deflate chunk by chunk, refusing to produce more than `limit` bytes."""

    def __init__(self, encoding: str, limit: int) -> None:
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip() and c.strip() != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in {"gzip", "x-gzip", "deflate"}):
            raise FetchError(f"unsupported Content-Encoding: {encoding}")
        # wbits 47 accepts both gzip and zlib headers (servers label deflate either way).
        self._zlib = zlib.decompressobj(47) if codings else None
        self.limit = limit
        self.produced = 0

    def feed(self, chunk: bytes) -> bytes:
        if self._zlib is None:
            out = chunk
        else:
            try:
                out = self._zlib.decompress(chunk, self.limit - self.produced + 1)
            except zlib.error as exc:
                raise FetchError(f"corrupt compressed body: {exc}") from exc
            if self._zlib.unconsumed_tail:
                raise TooLargeError(f"decompressed body over {self.limit} bytes")
        self.produced += len(out)
        if self.produced > self.limit:
            raise TooLargeError(f"decompressed body over {self.limit} bytes")
        return out


class Fetcher:
    """A polite, guarded HTTP client. Create one per run and close it (or use `with`)."""

    def __init__(
        self,
        options: FetchOptions | None = None,
        *,
        allow_private: bool | None = None,
        limiter: HostLimiter | None = None,
        address_policy: AddressPolicy | None = None,
    ) -> None:
        """`allow_private` defaults to settings.BROADSHEET_ALLOW_PRIVATE_NETWORKS; an
        `address_policy` (for an intranet allowlist) replaces the public-address check."""
        self.options = options or FetchOptions()
        if allow_private is None:
            allow_private = bool(settings.BROADSHEET_ALLOW_PRIVATE_NETWORKS)
        policy = address_policy or (allow_any_address if allow_private else is_public_address)
        self.limiter = limiter or HostLimiter()
        self._deadline = Deadline()
        self._client = httpx.Client(
            transport=_TRANSPORT.get() or GuardedTransport(policy, self._deadline),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": user_agent(), "Accept-Encoding": "gzip, deflate"},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(
        self, url: str, *, etag: str = "", last_modified: str = "", accept: str = FEED_ACCEPT
    ) -> FetchResult:
        """GET `url`, following up to `max_redirects` checked redirects, within one deadline.

        Any final status is returned (callers decide what 4xx/5xx mean); only transport
        failures, refusals and limits raise.
        """
        deadline = time.monotonic() + self.options.total_timeout
        seen: set[str] = set()
        current = url
        self._deadline.at = deadline
        try:
            for _hop in range(self.options.max_redirects + 1):
                check_url(current)
                if current in seen:
                    raise TooManyRedirectsError(f"redirect loop at {current}")
                seen.add(current)
                headers = {"Accept": accept}
                # Echoed verbatim: some servers compare the strings, not the dates.
                if etag:
                    headers["If-None-Match"] = etag
                if last_modified:
                    headers["If-Modified-Since"] = last_modified
                result, location = self._one(url, current, headers, deadline)
                if location is None:
                    return result
                current = location
        finally:
            self._deadline.at = None
        raise TooManyRedirectsError(f"more than {self.options.max_redirects} redirects from {url}")

    def _one(
        self, original: str, url: str, headers: dict[str, str], deadline: float
    ) -> tuple[FetchResult, str | None]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchTimeoutError(f"gave up on {original} after {self.options.total_timeout:g}s")
        timeout = httpx.Timeout(
            remaining, connect=min(self.options.connect_timeout, remaining), pool=remaining
        )
        host = urlsplit(url).hostname or ""
        try:
            with (
                self.limiter.slot(host, remaining),
                self._client.stream("GET", url, headers=headers, timeout=timeout) as response,
            ):
                if response.status_code in REDIRECT_STATUSES and response.headers.get("location"):
                    return self._result(original, url, response, b""), urljoin(
                        url, response.headers["location"]
                    )
                body = b"" if response.status_code == 304 else self._read(response, deadline)
                return self._result(original, url, response, body), None
        except httpx.TimeoutException as exc:
            raise FetchTimeoutError(f"timed out fetching {url}: {exc.__class__.__name__}") from exc
        except httpx.TransportError as exc:
            raise FetchError(f"cannot fetch {url}: {exc}") from exc

    def _read(self, response: httpx.Response, deadline: float) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.options.max_bytes:
            raise TooLargeError(f"body of {declared} bytes is over {self.options.max_bytes}")
        decoder = _Decoder(response.headers.get("content-encoding", ""), self.options.max_decoded_bytes)
        received = 0
        parts: list[bytes] = []
        for chunk in response.iter_raw():
            received += len(chunk)
            if received > self.options.max_bytes:
                raise TooLargeError(f"body over {self.options.max_bytes} bytes")
            if time.monotonic() > deadline:
                raise FetchTimeoutError(f"body not received within {self.options.total_timeout:g}s")
            parts.append(decoder.feed(chunk))
        return b"".join(parts)

    @staticmethod
    def _result(original: str, url: str, response: httpx.Response, body: bytes) -> FetchResult:
        headers = {key.lower(): value for key, value in response.headers.items()}
        retry_after = None
        if response.status_code in {429, 503}:
            retry_after = parse_retry_after(headers.get("retry-after"))
        return FetchResult(
            url=original,
            final_url=url,
            status=response.status_code,
            headers=headers,
            content=body,
            etag=headers.get("etag", ""),
            last_modified=headers.get("last-modified", ""),
            not_modified=response.status_code == 304,
            retry_after=retry_after,
        )


def check_url(url: str) -> None:
    """Refuse anything but http(s) URLs with a host (addresses are checked at connect time)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"}:
        raise BlockedURLError(f"only http and https URLs are fetched, not {parts.scheme or 'none'}:")
    if not parts.hostname:
        raise BlockedURLError(f"no host in {url!r}")
    if parts.username or parts.password:
        raise BlockedURLError("URLs with credentials are not fetched")
