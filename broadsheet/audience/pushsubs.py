"""Push subscriptions from browsers: checked (size, keys, https, a public address) before kept."""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings

from broadsheet.audience.models import PushSubscription
from broadsheet.audience.vapid import b64url_decode
from broadsheet.audience.webpush import address_policy
from broadsheet.core.fetch_errors import BlockedURLError, FetchError
from broadsheet.core.transport import resolve

MAX_BODY_BYTES = 4096  # a browser's subscription JSON is about 500 bytes
MAX_ENDPOINT_CHARS = 2000
RESOLVE_TIMEOUT = 3.0
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


class Refused(ValueError):
    """The request is not a usable subscription; the message says why, for the 400 reply."""


@dataclass(frozen=True)
class Offer:
    endpoint: str
    p256dh: str
    auth: str


def parse(body: bytes, *, need_keys: bool = True) -> Offer:
    """A PushSubscription.toJSON() body: {"endpoint": …, "keys": {"p256dh": …, "auth": …}}."""
    if len(body) > MAX_BODY_BYTES:
        raise Refused(f"The request is over {MAX_BODY_BYTES} bytes.")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refused("The request is not JSON.") from None
    if not isinstance(data, dict) or not isinstance(data.get("endpoint"), str):
        raise Refused("The subscription has no endpoint.")
    keys = data.get("keys")
    if not isinstance(keys, dict):
        keys = {}
    p256dh, auth = keys.get("p256dh", ""), keys.get("auth", "")
    if not isinstance(p256dh, str) or not isinstance(auth, str):
        raise Refused("The subscription's keys are not text.")
    offer = Offer(endpoint=data["endpoint"].strip(), p256dh=p256dh.strip(), auth=auth.strip())
    if need_keys:
        check_keys(offer)
    return offer


def check_keys(offer: Offer) -> None:
    try:
        point = b64url_decode(offer.p256dh)
        secret = b64url_decode(offer.auth)
    except ValueError:
        raise Refused("The subscription's keys are not base64url.") from None
    if len(secret) != 16:
        raise Refused("The subscription's auth secret is not 16 bytes.")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise Refused("The subscription's p256dh key is not a P-256 public key.") from None
    if len(point) != 65:
        raise Refused("The subscription's p256dh key is not an uncompressed P-256 point.")


def check_endpoint(endpoint: str) -> None:
    """https on a public address; http on loopback only where the settings allow it (tests).

    The address is checked here for a clear answer to the browser, and again at every send
    (the transport's connect-time check), since a name's address may change in between."""
    if len(endpoint) > MAX_ENDPOINT_CHARS:
        raise Refused(f"The endpoint is over {MAX_ENDPOINT_CHARS} characters.")
    if not endpoint.isascii():
        # Push services hand out ASCII URLs; the unique index also needs the length in bytes bounded.
        raise Refused("The endpoint is not a URL.")
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise Refused("The endpoint is not a URL.") from None
    host = (parts.hostname or "").lower()
    if not host or parts.username is not None or parts.password is not None:
        raise Refused("The endpoint is not a URL with a host.")
    loopback_ok = bool(settings.BROADSHEET_PUSH_ALLOW_LOOPBACK) and host in LOOPBACK_NAMES
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback_ok):
        raise Refused("The endpoint must be an https URL.")
    policy = address_policy()
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        if not policy(literal):
            raise Refused("The endpoint is on a private or reserved network.")
        return
    try:
        resolve(host, port or (443 if parts.scheme == "https" else 80), policy, RESOLVE_TIMEOUT)
    except BlockedURLError:
        raise Refused("The endpoint is on a private or reserved network.") from None
    except FetchError:
        raise Refused(f"The endpoint's host cannot be resolved: {host}") from None


def subscribe(offer: Offer) -> PushSubscription:
    """Keep (or refresh) the subscription; a browser that subscribes again starts afresh."""
    check_endpoint(offer.endpoint)
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=offer.endpoint,
        defaults={"p256dh": offer.p256dh, "auth": offer.auth, "failures": 0, "last_error": ""},
    )
    return subscription


def unsubscribe(offer: Offer) -> bool:
    """Forget the subscription; its auth secret, known only to that browser, is the proof."""
    deleted, _ = PushSubscription.objects.filter(endpoint=offer.endpoint, auth=offer.auth).delete()
    return deleted > 0
