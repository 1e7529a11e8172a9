"""Web Push on the wire: an RFC 8291 (aes128gcm) payload, RFC 8292 VAPID headers, one POST per device.

The POST goes through core's guarded transport, as every outbound request does: a push
endpoint is a URL a browser handed us, so its address is checked after DNS resolution at
connect time (private and loopback networks refused unless the settings allow them), redirects
are not followed and the reply's body is capped. That is why this is not pywebpush, which
sends through its own requests/aiohttp session (docs/decisions.md).
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import http_ece
import httpx
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from py_vapid import Vapid02

from broadsheet.audience.vapid import VapidKeys, b64url_decode
from broadsheet.core.addresses import AddressPolicy, allow_any_address, is_public_address
from broadsheet.core.fetch import parse_retry_after, user_agent
from broadsheet.core.fetch_errors import BlockedURLError, FetchError
from broadsheet.core.transport import Deadline, GuardedTransport

CONNECT_TIMEOUT = 5.0  # seconds to open a connection to a push service
TOTAL_TIMEOUT = 15.0  # seconds for one POST, reply included
MAX_REPLY_BYTES = 16 * 1024  # push services answer with an empty body or a short error
VAPID_LIFETIME = 12 * 3600  # seconds a signature holds (RFC 8292 allows at most 24 hours)


def _loopback_or_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return address.is_loopback or is_public_address(address)


def address_policy() -> AddressPolicy:
    """Public addresses only; loopback too where the settings allow a local push service."""
    if settings.BROADSHEET_ALLOW_PRIVATE_NETWORKS:
        return allow_any_address
    if settings.BROADSHEET_PUSH_ALLOW_LOOPBACK:
        return _loopback_or_public
    return is_public_address


def origin(endpoint: str) -> str:
    """The VAPID audience: the push service's scheme, host and port."""
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"


def encrypt(payload: bytes, p256dh: str, auth: str) -> bytes:
    """The payload for one browser: a fresh sender key per message, as RFC 8291 requires."""
    sender = ec.generate_private_key(ec.SECP256R1())
    body: bytes = http_ece.encrypt(
        payload,
        private_key=sender,
        dh=b64url_decode(p256dh),
        auth_secret=b64url_decode(auth),
        version="aes128gcm",
    )
    return body


def authorization(keys: VapidKeys, endpoint: str, now: float | None = None) -> str:
    """`vapid t=<JWT>, k=<public key>` for the endpoint's push service."""
    claims = {
        "aud": origin(endpoint),
        "sub": keys.subject,
        "exp": int(now if now is not None else time.time()) + VAPID_LIFETIME,
    }
    signed: dict[str, str] = Vapid02.from_string(keys.private_key).sign(claims)
    return signed["Authorization"]


class Signer:
    """VAPID signatures reused per push service for an hour: a fan-out to a million devices
    reaches a handful of services, and each signature (an ECDSA sign) costs about a millisecond."""

    REUSE_SECONDS = 3600.0  # well inside VAPID_LIFETIME

    def __init__(self, keys: VapidKeys) -> None:
        self.keys = keys
        self._made: dict[str, tuple[float, str]] = {}

    def authorization(self, endpoint: str) -> str:
        audience = origin(endpoint)
        now = time.time()
        made = self._made.get(audience)
        if made is None or now - made[0] > self.REUSE_SECONDS:
            made = (now, authorization(self.keys, endpoint, now))
            self._made[audience] = made
        return made[1]


def headers(signer: Signer, endpoint: str, ttl: int, urgency: str = "high") -> dict[str, str]:
    return {
        "Authorization": signer.authorization(endpoint),
        "TTL": str(ttl),
        "Urgency": urgency,
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
    }


@dataclass(frozen=True)
class Reply:
    status: int  # 0 when no HTTP answer came (refused address, timeout, dropped connection)
    error: str = ""
    retry_after: float | None = None
    blocked: bool = False  # the address was refused: retrying cannot help


class PushClient:
    """One guarded HTTP client for a batch of pushes; close it (or use `with`)."""

    def __init__(self) -> None:
        self._deadline = Deadline()
        self._client = httpx.Client(
            transport=GuardedTransport(address_policy(), self._deadline),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": user_agent()},
        )

    def __enter__(self) -> PushClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._client.close()

    def post(self, endpoint: str, body: bytes, request_headers: dict[str, str]) -> Reply:
        timeout = httpx.Timeout(TOTAL_TIMEOUT, connect=CONNECT_TIMEOUT)
        self._deadline.at = time.monotonic() + TOTAL_TIMEOUT
        try:
            with self._client.stream(
                "POST", endpoint, content=body, headers=request_headers, timeout=timeout
            ) as response:
                text = _read_capped(response)
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                error = "" if response.is_success else f"{response.status_code} {text[:200]}".strip()
                return Reply(response.status_code, error=error, retry_after=retry_after)
        except BlockedURLError as exc:
            return Reply(0, error=str(exc)[:300], blocked=True)
        except (httpx.HTTPError, FetchError) as exc:
            return Reply(0, error=f"{type(exc).__name__}: {exc}"[:300])
        finally:
            self._deadline.at = None


def _read_capped(response: httpx.Response) -> str:
    received = bytearray()
    for chunk in response.iter_raw():
        received.extend(chunk[: MAX_REPLY_BYTES - len(received)])
        if len(received) >= MAX_REPLY_BYTES:
            break
    return received.decode("utf-8", "replace")
