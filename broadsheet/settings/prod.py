"""Production: fails closed without SECRET_KEY and ALLOWED_HOSTS; HTTPS-only cookies and HSTS."""

from __future__ import annotations

import os

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

from broadsheet.core.env import env_bool, env_int
from broadsheet.settings.base import *  # noqa: F403
from broadsheet.settings.base import BROADSHEET_TRUSTED_PROXIES, SECRET_KEY

# Django's own rule (check --deploy's W009), so a key this accepts never draws that warning.
if (
    len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
    or len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    or SECRET_KEY.startswith(SECRET_KEY_INSECURE_PREFIX)
):
    raise ImproperlyConfigured(
        f"SECRET_KEY must be set in production: at least {SECRET_KEY_MIN_LENGTH} random characters "
        '(e.g. python -c "import secrets; print(secrets.token_urlsafe(50))").'
    )
if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production (comma-separated).")

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("BROADSHEET_SSL_REDIRECT", True)
if BROADSHEET_TRUSTED_PROXIES > 0:
    # Only a proxy of ours sets X-Forwarded-Proto; served directly, any client could send
    # "https" and skip the redirect to HTTPS (the proxy must overwrite the client's header).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("BROADSHEET_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
