"""The signed, expiring token in a confirmation link.

django.core.signing rather than our own HMAC: it signs with SECRET_KEY, dates the value and
tells a forged token (BadSignature) from an expired one (SignatureExpired), which the confirm
page answers differently (400 and 410).
"""

from __future__ import annotations

import datetime as dt
import enum

from django.conf import settings
from django.core import signing

SALT = "broadsheet.audience.confirm"


class Problem(enum.Enum):
    FORGED = "forged"
    EXPIRED = "expired"


def confirm_token(nonce: str) -> str:
    return signing.dumps(nonce, salt=SALT, compress=False)


def read_confirm_token(token: str) -> str | Problem:
    """The pending signup's nonce, or what is wrong with the token."""
    max_age = dt.timedelta(hours=int(settings.BROADSHEET_SIGNUP_HOURS))
    try:
        return str(signing.loads(token, salt=SALT, max_age=max_age))
    except signing.SignatureExpired:
        return Problem.EXPIRED
    except signing.BadSignature:
        return Problem.FORGED
