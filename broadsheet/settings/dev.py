"""The default for `make run`: production-like, but invents and keeps a local secret key."""

from __future__ import annotations

import secrets

from broadsheet.settings.base import *  # noqa: F403
from broadsheet.settings.base import DATA_DIR, SECRET_KEY

if not SECRET_KEY:
    # A demo on one machine should not need configuration; the key is made once and kept
    # under the data directory (never in git) so sessions survive restarts.
    _key_file = DATA_DIR / "secret_key"
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if not _key_file.exists():
        _key_file.write_text(secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()
