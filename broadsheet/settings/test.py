"""Test settings: real databases (SQLite or DATABASE_URL), tasks run inline, fast hashing."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from broadsheet.settings.base import *  # noqa: F403

SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Each test process gets its own data directory (xdist runs several at once).
DATA_DIR = Path(tempfile.mkdtemp(prefix=f"broadsheet-test-{os.getpid()}-"))
MEDIA_ROOT = DATA_DIR / "media"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir()  # WhiteNoise warns on every request when its directory is missing.
BROADSHEET_SEARCH_DIR = DATA_DIR / "search"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "broadsheet-tests",
    }
}
# Tasks run inside the test process so a test sees their effect at once; the worker
# path (database backend) is tested on its own.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Mount the ESP tracking webhooks (Mailgun's, whose signature the bounce tests compute).
BROADSHEET_ANYMAIL_ESP = "mailgun"
# The push tests run their own push service on 127.0.0.1 over plain HTTP.
BROADSHEET_PUSH_ALLOW_LOOPBACK = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file in WAL mode, as in production, rather than Django's shared-cache in-memory
    # database: that one fails a concurrent writer at once ("table is locked") where a real
    # site's busy_timeout makes it wait, so thread tests would measure the test harness.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
