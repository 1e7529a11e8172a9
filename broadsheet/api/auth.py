"""Bearer-token authentication and the per-token rate limit on write calls."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer

from broadsheet.api.errors import Forbidden, RateLimited, Unauthorized
from broadsheet.api.models import ApiToken, hash_key
from broadsheet.core import clock, ratelimit

logger = logging.getLogger(__name__)

RATE_WINDOW = 60  # seconds
RATE_SCOPE = "api:write"
# Keys longer than this are not hashed or looked up: no token we issue is near it.
MAX_KEY_CHARS = 200


def write_rate() -> int:
    return int(settings.BROADSHEET_API_WRITE_RATE)


def check_rate(token: ApiToken) -> None:
    """Count one write call; raise RateLimited past the limit.

    core.ratelimit's sliding count: no span of RATE_WINDOW seconds lets more than the limit
    through (a fixed window let twice the limit through around its boundary). A refused call
    is not counted, so a client retrying while refused is not kept out any longer.
    """
    limit = write_rate()
    ident = str(token.pk)
    if ratelimit.reserve([(RATE_SCOPE, ident)], RATE_WINDOW, limit) is not None:
        retry_after = ratelimit.retry_after(RATE_SCOPE, ident, RATE_WINDOW, limit)
        raise RateLimited(
            f"More than {limit} write calls in a minute; try again in {retry_after} s.",
            retry_after=retry_after,
        )


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` with an active token of an active staff user.

    Only write operations use it, so the rate limit is checked here, once per call.
    """

    openapi_description = "An API token created in the admin (API tokens → Add)."

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not token or len(token) > MAX_KEY_CHARS:
            return None
        found = ApiToken.objects.select_related("user").filter(key_hash=hash_key(token)).first()
        if found is None or found.is_revoked:
            raise Unauthorized("This API token is not valid (unknown or revoked).")
        user = found.user
        if not (user.is_active and user.is_staff):
            raise Forbidden("The owner of this API token may not write to the site.")
        check_rate(found)
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=clock.now())
        request.user = user
        return found


def token_of(request: HttpRequest) -> ApiToken:
    token = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):  # ninja only calls the view after authenticate() succeeded
        raise Unauthorized("An API token is required.")
    return token
