"""The site's VAPID key pair (RFC 8292): from the settings, else the one `init` keeps under DATA_DIR."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings

KEY_FILE = "vapid_private_key"
DEFAULT_SUBJECT = "mailto:webmaster@localhost"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decodes base64url with or without padding (browsers send it without); ValueError if bad."""
    text = text.strip()
    if not text or len(text) > 512:
        raise ValueError("empty or too long")
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


@dataclass(frozen=True)
class VapidKeys:
    private_key: str  # base64url of the raw 32-byte scalar (what py-vapid's from_string reads)
    public_key: str  # base64url of the uncompressed point: the browser's applicationServerKey
    subject: str


def _public_of(private_b64: str) -> str:
    scalar = int.from_bytes(b64url_decode(private_b64), "big")
    key = ec.derive_private_key(scalar, ec.SECP256R1())
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)


def key_file() -> Path:
    return Path(settings.DATA_DIR) / KEY_FILE


def subject() -> str:
    given = str(settings.BROADSHEET_VAPID_SUBJECT or "")
    if given:
        return given
    sender = str(settings.DEFAULT_FROM_EMAIL or "").rsplit("<", 1)[-1].rstrip(">").strip()
    return f"mailto:{sender}" if "@" in sender else DEFAULT_SUBJECT


def keys() -> VapidKeys | None:
    """The key pair, or None when the site has none (then push is simply not offered)."""
    private = str(settings.BROADSHEET_VAPID_PRIVATE_KEY or "")
    if not private:
        path = key_file()
        if not path.exists():
            return None
        private = path.read_text().strip()
    public = str(settings.BROADSHEET_VAPID_PUBLIC_KEY or "") or _public_of(private)
    return VapidKeys(private_key=private, public_key=public, subject=subject())


def ensure_keys() -> bool:
    """Make and keep a key pair under DATA_DIR unless one is configured or kept; True if made.

    Made once: every browser subscribed with the public key, so a new pair would silently
    orphan every subscription."""
    if settings.BROADSHEET_VAPID_PRIVATE_KEY or key_file().exists():
        return False
    scalar = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    path = key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two `init`s at once keep one key; 0o600 from the first byte, never world-readable.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as out:
        out.write(b64url(scalar.to_bytes(32, "big")) + "\n")
    return True
