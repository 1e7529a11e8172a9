"""API tokens: one per program that writes to the site, owned by a staff user, revocable."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models

from broadsheet.core import clock

# The raw token starts with this, so a leaked one is easy to recognise in logs and scanners.
TOKEN_PREFIX = "bs_"
TOKEN_BYTES = 32
# Characters of the raw token kept in clear, so editors can tell their tokens apart.
SHOWN_CHARS = 10


def hash_key(raw: str) -> str:
    """SHA-256 of a raw token. Tokens are long and random, so a plain hash is enough (no salt,
    no slow KDF): it keeps lookups to one indexed query."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses it, e.g. 'wire desk importer'.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_start = models.CharField("starts with", max_length=SHOWN_CHARS, editable=False)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.key_start}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def set_new_key(self) -> str:
        """Give the token a fresh random key and return it: the only time it is ever seen."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
        self.key_hash = hash_key(raw)
        self.key_start = raw[:SHOWN_CHARS]
        return raw

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = clock.now()
            self.save(update_fields=["revoked_at"])
