"""Production: fails closed without SECRET_KEY and ALLOWED_HOSTS; HTTPS-only cookies and HSTS."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from broadsheet.core.env import env_bool, env_int
from broadsheet.settings.base import *  # noqa: F403
from broadsheet.settings.base import SECRET_KEY

if not SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be set (at least 32 characters) in production.")
if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production (comma-separated).")

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("BROADSHEET_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("BROADSHEET_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
