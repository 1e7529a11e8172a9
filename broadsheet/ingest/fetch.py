"""Outbound HTTP: the only network client in Broadsheet, guarded against SSRF and abuse.

Every address is checked after DNS resolution, at connect time, and the socket connects to
the address that was checked, so a DNS answer that changes between check and use (rebinding)
cannot reach an internal host. Redirects are followed by hand so each hop is checked again.

One deadline covers the whole fetch: the wait for a host slot, DNS, connect, TLS, sending the
request, the response headers and the body, across every redirect. httpcore's timeouts apply
to each socket operation, so a server sending a byte a second never trips them; here every
operation is given only what is left of the fetch's budget (see `Deadline`).
"""

from __future__ import annotations

import contextlib
import email.utils
import ipaddress
import logging
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import certifi
import httpcore
import httpx
from django.conf import settings

from broadsheet import __version__
from broadsheet.core import clock
from broadsheet.ingest.errors import (
    BlockedURLError,
    FetchError,
    FetchTimeoutError,
    TooLargeError,
    TooManyRedirectsError,
)

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
# Cloud metadata endpoints, named even though the range checks below already cover them.
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
# Special-purpose ranges (IANA's registries) refused whatever the running Python's
# `is_global` says: its tables changed between patch releases (3.11.7 calls 192.0.0.8 and the
# deprecated site-local fec0::/10 global), and a feed never lives in any of these.
BLOCKED_V4 = tuple(
    ipaddress.IPv4Network(net)
    for net in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation (TEST-NET-1)
        "192.88.99.0/24",  # 6to4 relay anycast, deprecated
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation (TEST-NET-2)
        "203.0.113.0/24",  # documentation (TEST-NET-3)
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the broadcast address
    )
)
# Global unicast is 2000::/3; everything outside it (loopback, ULA fc00::/7, link-local,
# site-local fec0::/10, multicast, discard, IPv4-compatible ::/96, SRv6 5f00::/16…) is refused,
# except the three forms that embed an IPv4 address, which are judged by that address.
GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
BLOCKED_V6 = tuple(
    ipaddress.IPv6Network(net)
    for net in (
        "2001::/23",  # IETF protocol assignments: Teredo, benchmarking, ORCHID
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
    )
)
SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # the well-known prefix (RFC 6052)


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


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped, 6to4 or NAT64 address reaches, if it is one."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in SIX_TO_FOUR:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True when `address` is routable on the public internet and not a metadata service."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
        if address.scope_id or address not in GLOBAL_UNICAST_V6:
            return False
        blocked: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = BLOCKED_V6
    else:
        blocked = BLOCKED_V4
    if address in METADATA_ADDRESSES or any(address in net for net in blocked):
        return False
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


AddressPolicy = Callable[[ipaddress.IPv4Address | ipaddress.IPv6Address], bool]


def allow_any_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return True


AddrInfo = list[tuple[Any, Any, int, str, tuple[Any, ...]]]


def _getaddrinfo(host: str, port: int, timeout: float | None) -> AddrInfo:
    """socket.getaddrinfo, given up on after `timeout` seconds.

    The C resolver cannot be interrupted, so the lookup runs in a daemon thread that is left
    to finish on its own (the resolver's own timeouts end it) when the fetch gives up.
    """
    if timeout is None:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    answer: list[AddrInfo] = []
    failure: list[Exception] = []
    done = threading.Event()

    def lookup() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            failure.append(exc)
        finally:
            done.set()

    threading.Thread(target=lookup, name=f"resolve {host}", daemon=True).start()
    if not done.wait(timeout):
        raise httpcore.ConnectTimeout(f"resolving {host} took over {timeout:.1f}s")
    if failure:
        raise failure[0]
    return answer[0]


def resolve(
    host: str, port: int, policy: AddressPolicy = is_public_address, timeout: float | None = None
) -> list[str]:
    """The addresses `host` resolves to, refusing the lot when any one fails `policy`."""
    try:
        infos = _getaddrinfo(host, port, timeout)
    except (OSError, UnicodeError) as exc:  # socket.gaierror is an OSError
        raise FetchError(f"cannot resolve {host}: {exc}") from exc
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        ip = str(sockaddr[0]).split("%")[0]
        if not policy(ipaddress.ip_address(ip)):
            raise BlockedURLError(f"{host} resolves to a non-public address ({ip})")
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise FetchError(f"cannot resolve {host}")
    return addresses


class Deadline(threading.local):
    """When the fetch running in this thread must be over (None: no fetch is running).

    httpcore's sync pool does all its socket work in the calling thread, so a per-thread value
    reaches the streams of whichever pooled connection the request is given.
    """

    at: float | None = None

    def bound(self, timeout: float | None, error: type[httpcore.TimeoutException]) -> float | None:
        """`timeout` cut to what is left of the budget; `error` when nothing is left."""
        if self.at is None:
            return timeout
        remaining = self.at - time.monotonic()
        if remaining <= 0:
            # Never hand 0 to settimeout: that makes the socket non-blocking, not timed out.
            raise error("the fetch's total deadline has passed")
        return remaining if timeout is None else min(timeout, remaining)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation ends by the fetch's deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._deadline.bound(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._deadline.bound(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        # The handshake is bounded as a whole by the socket timeout (CPython's _ssl keeps its
        # own deadline across the handshake's reads), so the remaining budget caps it.
        timeout = self._deadline.bound(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout), self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """Resolves, checks and connects to the checked address; TLS still verifies the host name.
    Every stream it opens keeps to the deadline of the fetch using it."""

    def __init__(self, policy: AddressPolicy, deadline: Deadline | None = None) -> None:
        self.policy = policy
        self.deadline = deadline or Deadline()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        last_error: Exception | None = None
        addresses = resolve(host, port, self.policy, self.deadline.bound(timeout, httpcore.ConnectTimeout))
        for ip in addresses:
            try:
                stream = super().connect_tcp(
                    ip,
                    port,
                    self.deadline.bound(timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options,
                )
            except httpcore.ConnectError as exc:  # try the next address, as a browser would
                last_error = exc
            else:
                return DeadlineStream(stream, self.deadline)
        assert last_error is not None
        raise last_error


class GuardedTransport(httpx.HTTPTransport):
    def __init__(self, policy: AddressPolicy, deadline: Deadline | None = None) -> None:
        # No proxies from the environment: a proxy would connect on our behalf, unchecked.
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl.create_default_context(cafile=certifi.where()),
            max_connections=20,
            network_backend=GuardedBackend(policy, deadline),
        )


class HostLimiter:
    """At most `per_host` requests in flight to one host, shared by everyone who holds it."""

    def __init__(self, per_host: int = DEFAULT_PER_HOST) -> None:
        self.per_host = per_host
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    @contextlib.contextmanager
    def slot(self, host: str, timeout: float | None = None) -> Iterator[None]:
        """Hold one of `host`'s slots; FetchTimeoutError when none frees up within `timeout`."""
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.BoundedSemaphore(self.per_host))
        if not semaphore.acquire(timeout=timeout):
            raise FetchTimeoutError(f"no free slot for {host} within {timeout:g}s")
        try:
            yield
        finally:
            semaphore.release()


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
            transport=GuardedTransport(policy, self._deadline),
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
