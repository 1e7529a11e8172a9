"""Login throttling: repeated failures for one username or one address lock logins for a while.

Each attempt is counted *before* its password is checked, with the cache's atomic incr(), and
an attempt whose count is over the limit is refused unchecked; a successful one takes its count
back. Counting failures afterwards (check, then count) let 64 concurrent wrong passwords for one
account test 13 of them against a limit of 5: every request read "not locked" before any had
failed. Counted first, at most the limit's worth of passwords is ever checked in a window.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from broadsheet.core import ratelimit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

FAILURE_WINDOW_SECONDS = 15 * 60
LOCK_SECONDS = 15 * 60
LOCKED_MESSAGE = (
    "Too many failed login attempts for this account or from this connection. "
    "For your safety, logging in is paused for 15 minutes; please try again later."
)

THROTTLED_ATTRIBUTE = "broadsheet_login_throttled"

Subject = ratelimit.Subject


def _subjects(request: HttpRequest | None, username: str | None) -> list[Subject]:
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


def _limit() -> int:
    return int(settings.BROADSHEET_LOGIN_ATTEMPTS)


def is_locked(request: HttpRequest | None, username: str | None) -> bool:
    """Whether logins for `username` or from this client are paused."""
    keys = [_lock_key(scope, ident) for scope, ident in _subjects(request, username)]
    return bool(keys) and bool(cache.get_many(keys))


def _lock(scope: str, ident: str) -> None:
    # add(), not set(): attempts during the lock must not keep extending it.
    if cache.add(_lock_key(scope, ident), 1, timeout=LOCK_SECONDS):
        logger.warning("Paused logins (%s) for %d s after %d failures", scope, LOCK_SECONDS, _limit())


def reserve_attempt(subjects: list[Subject]) -> bool:
    """Count one attempt for every subject; False (nothing left counted) when one is over the limit.

    A refused attempt is taken back, so hammering during a lock does not keep the count up
    and the lock ends when it says it will.
    """
    over = ratelimit.reserve(subjects, FAILURE_WINDOW_SECONDS, _limit())
    if over is not None:
        _lock(*over)
        return False
    return True


def release_attempt(subjects: list[Subject]) -> None:
    """Take back an attempt that did not fail (the password was right)."""
    ratelimit.release(subjects, FAILURE_WINDOW_SECONDS)


def record_failure(subjects: list[Subject]) -> None:
    """After a wrong password (already counted): lock each subject that has reached the limit."""
    limit = _limit()
    for scope, ident in subjects:
        if ratelimit.count(scope, ident, FAILURE_WINDOW_SECONDS) >= limit:
            _lock(scope, ident)


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
    """Connect the receivers; called once from CoreConfig.ready()."""
    user_logged_in.connect(clear_failures, dispatch_uid="core.login_throttle.logged_in")


class ThrottledModelBackend(ModelBackend):
    """ModelBackend that counts each attempt first and refuses, unchecked, past the limit.

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
        subjects = _subjects(request, _username(username, kwargs))
        if is_locked(request, _username(username, kwargs)) or not reserve_attempt(subjects):
            if request is not None:
                # authenticate() turns the refusal into None; the form reads this to say why.
                setattr(request, THROTTLED_ATTRIBUTE, True)
            raise PermissionDenied(LOCKED_MESSAGE)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(subjects)
        else:
            release_attempt(subjects)
        return user

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        # ModelBackend's async path never calls authenticate(): run ours, which checks the
        # password with the same counting around it.
        return await sync_to_async(self.authenticate)(request, username=username, password=password, **kwargs)


def _username(username: str | None, credentials: dict[str, Any]) -> str | None:
    if username is not None:
        return username
    value = credentials.get(get_user_model().USERNAME_FIELD)
    return str(value) if value is not None else None


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin login form, saying plainly that logins are paused instead of 'wrong password'."""

    error_messages = {**AdminAuthenticationForm.error_messages, "throttled": LOCKED_MESSAGE}

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if is_locked(self.request, username):
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            return super().clean()
        except ValidationError:
            # Concurrent attempts used up the last tries while this one was being counted.
            if getattr(self.request, THROTTLED_ATTRIBUTE, False):
                raise ValidationError(self.error_messages["throttled"], code="throttled") from None
            raise
