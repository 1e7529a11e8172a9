"""Login throttling: repeated failures for one username or one address lock logins for a while."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from broadsheet.site import ratelimit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

FAILURE_WINDOW_SECONDS = 15 * 60
LOCK_SECONDS = 15 * 60
DEFAULT_ATTEMPTS = 5
LOCKED_MESSAGE = (
    "Too many failed login attempts for this account or from this connection. "
    "For your safety, logging in is paused for 15 minutes; please try again later."
)


def _subjects(request: HttpRequest | None, username: str | None) -> list[tuple[str, str]]:
    # Both the account and the address: one stops guessing a password, the other stops one
    # client walking through many usernames.
    subjects = []
    if username:
        subjects.append(("login:user", ratelimit.identity_hash(username.strip().lower())))
    if request is not None:
        subjects.append(("login:ip", ratelimit.ip_hash(request)))
    return subjects


def _lock_key(scope: str, ident: str) -> str:
    return f"broadsheet:lock:{scope}:{ident}"


def is_locked(request: HttpRequest | None, username: str | None) -> bool:
    """Whether logins for `username` or from this client are paused."""
    keys = [_lock_key(scope, ident) for scope, ident in _subjects(request, username)]
    return bool(keys) and bool(cache.get_many(keys))


def record_failure(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """`user_login_failed` receiver: count the failure; lock once the limit is reached."""
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username")
    limit = int(getattr(settings, "BROADSHEET_LOGIN_ATTEMPTS", DEFAULT_ATTEMPTS))
    for scope, ident in _subjects(request, str(username) if username else None):
        # add(), not set(): attempts during the lock must not keep extending it.
        if ratelimit.hit(scope, ident, FAILURE_WINDOW_SECONDS) >= limit and cache.add(
            _lock_key(scope, ident), 1, timeout=LOCK_SECONDS
        ):
            logger.warning("Paused logins (%s) for %d s after %d failures", scope, LOCK_SECONDS, limit)


def clear_failures(
    sender: object, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any
) -> None:
    """`user_logged_in` receiver: a good login forgives the account's earlier typos.

    The address's count stays: a client with one valid account must not be able to reset
    the counter it uses to guess other accounts.
    """
    ident = ratelimit.identity_hash(user.get_username().strip().lower())
    ratelimit.reset("login:user", ident, FAILURE_WINDOW_SECONDS)


def connect_signals() -> None:
    """Connect the receivers; called once from SiteConfig.ready()."""
    user_login_failed.connect(record_failure, dispatch_uid="site.login_throttle.failed")
    user_logged_in.connect(clear_failures, dispatch_uid="site.login_throttle.logged_in")


class ThrottledModelBackend(ModelBackend):
    """ModelBackend that refuses, before checking any password, while logins are paused.

    Raising PermissionDenied stops authenticate() from trying any other backend, so no
    password is tested during a lock, whatever login form was used.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if is_locked(request, _username(username, kwargs)):
            raise PermissionDenied(LOCKED_MESSAGE)
        return super().authenticate(request, username=username, password=password, **kwargs)

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        # ModelBackend has its own async path that never calls authenticate(): guard it too.
        if await sync_to_async(is_locked)(request, _username(username, kwargs)):
            raise PermissionDenied(LOCKED_MESSAGE)
        return await super().aauthenticate(request, username=username, password=password, **kwargs)


def _username(username: str | None, credentials: dict[str, Any]) -> str | None:
    if username is not None:
        return username
    value = credentials.get(get_user_model().USERNAME_FIELD)
    return str(value) if value is not None else None


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin login form, saying plainly that logins are paused instead of 'wrong password'."""

    error_messages = {**AdminAuthenticationForm.error_messages, "throttled": LOCKED_MESSAGE}

    def clean(self) -> dict[str, Any]:
        if is_locked(self.request, self.cleaned_data.get("username")):
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        return super().clean()
