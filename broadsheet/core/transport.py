"""The guarded connection under `Fetcher`: checked addresses, within the fetch's deadline.

Every address is checked after DNS resolution, at connect time, and the socket connects to
the address that was checked, so a DNS answer that changes between check and use (rebinding)
cannot reach an internal host.

httpcore's timeouts apply to each socket operation, so a server sending a byte a second never
trips them; here every operation is given only what is left of the fetch's budget (see
`Deadline`).
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from typing import Any

import certifi
import httpcore
import httpx

from broadsheet.core.addresses import AddressPolicy, is_public_address
from broadsheet.core.fetch_errors import BlockedURLError, FetchError

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
            raise BlockedURLError(
                f"{host} resolves to a non-public address ({ip}); "
                "set BROADSHEET_ALLOW_PRIVATE_NETWORKS=1 to allow feeds on private networks"
            )
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
