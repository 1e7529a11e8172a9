"""Security: CSRF, pages that run under the CSP, admin login throttle, production settings."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import aauthenticate, authenticate, get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory, override_settings

from broadsheet.core import ratelimit
from broadsheet.newsroom.models import Page
from broadsheet.site import login_throttle

REPO = Path(__file__).resolve().parents[2]
BACKEND = "broadsheet.site.login_throttle.ThrottledModelBackend"
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Counters and locks live in the cache, which outlives a test's database transaction.
    cache.clear()


# --- CSRF ---------------------------------------------------------------------------------


def test_form_post_without_csrf_token_is_refused(db) -> None:
    Page.objects.create(title="Contact us", slug="contact-us", form=Page.Form.CONTACT)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/contact-us/", {"name": "A", "email": "a@example.org"})
    assert response.status_code == 403


def test_admin_login_without_csrf_token_is_refused(db) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403


# --- Running under the CSP (the headers themselves: tests/edge/test_headers.py) -----------


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def _assert_runs_under_csp(html: str) -> None:
    assert not INLINE_SCRIPT.findall(html), "inline <script> would be blocked by the CSP"
    assert "<style" not in html.lower(), "inline <style> would be blocked by the CSP"
    assert " style=" not in html.lower(), "style attributes would be blocked by the CSP"
    assert not INLINE_HANDLER.findall(html), "inline event handlers would be blocked by the CSP"
    assert "javascript:" not in html.lower()


def test_admin_runs_under_the_same_csp(db, make_article) -> None:
    """Django 5.2's admin pages carry no inline script or style, so no relaxed policy is needed."""
    user = get_user_model().objects.create_superuser("chief", "chief@example.com", PASSWORD)
    anonymous = Client()
    _assert_runs_under_csp(anonymous.get("/admin/login/").content.decode())
    client = Client()
    client.force_login(user)
    for path in (
        "/admin/",
        "/admin/site/takedownrequest/",
        "/admin/site/contactmessage/",
        "/admin/auth/user/",
        f"/admin/auth/user/{user.pk}/change/",
        "/admin/auth/user/add/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        _assert_runs_under_csp(response.content.decode())


# --- Login throttle -------------------------------------------------------------------------


@pytest.fixture
def throttled(db) -> Iterator[None]:
    """The throttle as the lead will wire it: the backend in settings, receivers connected."""
    login_throttle.connect_signals()
    with override_settings(AUTHENTICATION_BACKENDS=[BACKEND], BROADSHEET_LOGIN_ATTEMPTS=5):
        yield
    user_login_failed.disconnect(dispatch_uid="site.login_throttle.failed")
    user_logged_in.disconnect(dispatch_uid="site.login_throttle.logged_in")


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("desk", "desk@example.com", PASSWORD, is_staff=True)


def _login(client: Client, username: str, password: str, ip: str = "198.51.100.20"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_login_is_refused_after_five_failures_for_a_username(throttled, staff) -> None:
    client = Client()
    for attempt in range(5):
        # Different addresses: only the account's count can be what locks it.
        response = _login(client, "desk", "wrong", ip=f"198.51.100.{attempt + 1}")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    response = _login(client, "desk", PASSWORD, ip="198.51.100.99")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Too many failed login attempts" in body
    assert "try again later" in body
    assert not _logged_in(client)
    # Another account from a clean address is not affected.
    other = get_user_model().objects.create_user("copy", "copy@example.com", PASSWORD, is_staff=True)
    response = _login(Client(), other.username, PASSWORD, ip="203.0.113.50")
    assert response.status_code == 302


def test_login_is_refused_after_five_failures_from_one_address(throttled, staff) -> None:
    client = Client()
    for n in range(5):
        _login(client, f"guess{n}", "wrong", ip="192.0.2.44")
    response = _login(client, "desk", PASSWORD, ip="192.0.2.44")
    assert "Too many failed login attempts" in response.content.decode()
    assert not _logged_in(client)
    response = _login(client, "desk", PASSWORD, ip="192.0.2.45")
    assert response.status_code == 302
    assert _logged_in(client)


def test_four_failures_then_success_clears_the_account_count(throttled, staff) -> None:
    client = Client()
    for n in range(4):
        _login(client, "desk", "wrong", ip=f"192.0.2.{n + 1}")
    response = _login(client, "desk", PASSWORD, ip="192.0.2.10")
    assert response.status_code == 302
    client.logout()
    for n in range(4):
        _login(client, "desk", "wrong", ip=f"192.0.2.{n + 20}")
    response = _login(client, "desk", PASSWORD, ip="192.0.2.30")
    assert response.status_code == 302


def test_backend_refuses_during_a_lock_whatever_the_form(throttled, staff) -> None:
    request = RequestFactory().post("/elsewhere/login/", REMOTE_ADDR="203.0.113.7")
    assert authenticate(request, username="desk", password=PASSWORD) == staff
    for _ in range(5):
        assert authenticate(request, username="desk", password="wrong") is None
    assert login_throttle.is_locked(request, "DESK ")
    # The right password from the same client is refused too: no password is tried.
    assert authenticate(request, username="desk", password=PASSWORD) is None
    # ModelBackend's async path is guarded as well.
    assert async_to_sync(aauthenticate)(request, username="desk", password=PASSWORD) is None


class CountingHasher(MD5PasswordHasher):
    """The test settings' hasher, counting the passwords it is asked to check."""

    checked = 0
    lock = threading.Lock()

    def verify(self, password: str, encoded: str) -> bool:
        with CountingHasher.lock:
            CountingHasher.checked += 1
        return super().verify(password, encoded)


@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_passwords_check_at_most_the_limit(tmp_path: Path) -> None:
    """64 wrong passwords at once for one account: only the limit's worth is ever checked.

    Checking a lock, then the password, then counting let 13-14 of 64 through a limit of 5.
    The shared SQLite cache is the one a single-machine site runs on.
    """
    login_throttle.connect_signals()
    shared_cache = {
        "default": {
            "BACKEND": "broadsheet.core.cache.SQLiteCache",
            "LOCATION": str(tmp_path / "cache.sqlite3"),
        }
    }
    hasher = f"{__name__}.CountingHasher"
    with override_settings(
        AUTHENTICATION_BACKENDS=[BACKEND],
        BROADSHEET_LOGIN_ATTEMPTS=5,
        CACHES=shared_cache,
        PASSWORD_HASHERS=[hasher],
    ):
        get_user_model().objects.create_user("desk", "desk@example.com", PASSWORD, is_staff=True)
        CountingHasher.checked = 0
        start = threading.Barrier(64)

        def attempt(n: int) -> object:
            try:
                request = RequestFactory().post("/admin/login/", REMOTE_ADDR=f"198.51.100.{n + 1}")
                start.wait()
                return authenticate(request, username="desk", password=f"wrong-{n}")
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=64) as pool:
            results = list(pool.map(attempt, range(64)))
        assert results == [None] * 64
        assert CountingHasher.checked <= 5
        assert login_throttle.is_locked(None, "desk")
        # The right password is refused too while the lock lasts, and is not even checked.
        checked = CountingHasher.checked
        assert authenticate(RequestFactory().post("/"), username="desk", password=PASSWORD) is None
        assert CountingHasher.checked == checked


def test_success_does_not_use_up_the_address_allowance(throttled, staff) -> None:
    """Attempts are counted before the password is known; a right one takes its count back."""
    client = Client()
    for _ in range(8):
        response = _login(client, "desk", PASSWORD, ip="192.0.2.80")
        assert response.status_code == 302
        client.logout()


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.2.3.4", "10.0.0.1"),  # no proxy configured: the header is the client's word only
        (1, "1.2.3.4, 203.0.113.8", "203.0.113.8"),  # our proxy appended the real peer
        (2, "1.2.3.4, 203.0.113.8, 10.0.0.9", "203.0.113.8"),
        (1, "not-an-ip", "10.0.0.1"),
        (2, "203.0.113.8", "10.0.0.1"),  # fewer entries than proxies: distrust it
    ],
)
def test_client_ip_believes_only_trusted_proxies(proxies: int, forwarded: str, expected: str) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(BROADSHEET_TRUSTED_PROXIES=proxies):
        assert ratelimit.client_ip(request) == expected


# --- Production settings ----------------------------------------------------------------------


def _clean_env(**extra: str) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    env.update(extra)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_prod_settings_refuse_without_secret_key() -> None:
    result = _run(["-c", "import broadsheet.settings.prod"], _clean_env(ALLOWED_HOSTS="example.com"))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_prod_settings_refuse_a_short_secret_key() -> None:
    result = _run(
        ["-c", "import broadsheet.settings.prod"], _clean_env(SECRET_KEY="short", ALLOWED_HOSTS="example.com")
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_prod_settings_refuse_a_key_that_django_would_warn_about() -> None:
    """40 random characters passed our old rule (32) but drew check --deploy's W009."""
    for key in (secrets.token_hex(20), "ab" * 30, "django-insecure-" + secrets.token_urlsafe(50)):
        result = _run(
            ["-c", "import broadsheet.settings.prod"], _clean_env(SECRET_KEY=key, ALLOWED_HOSTS="example.com")
        )
        assert result.returncode != 0, key
        assert "SECRET_KEY must be set in production: at least 50" in result.stderr


IS_SECURE = """
import django; django.setup()
from django.test import RequestFactory
request = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https", secure=False)
print("secure" if request.is_secure() else "plain")
"""


@pytest.mark.parametrize(("proxies", "expected"), [("0", "plain"), ("1", "secure")])
def test_forwarded_proto_is_believed_only_behind_trusted_proxies(
    tmp_path: Path, proxies: str, expected: str
) -> None:
    """Served directly, a client's own X-Forwarded-Proto: https must not pass for HTTPS."""
    env = _clean_env(
        DJANGO_SETTINGS_MODULE="broadsheet.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.com",
        BROADSHEET_DATA_DIR=str(tmp_path),
        BROADSHEET_TRUSTED_PROXIES=proxies,
    )
    result = _run(["-c", IS_SECURE], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_prod_settings_refuse_without_allowed_hosts() -> None:
    result = _run(["-c", "import broadsheet.settings.prod"], _clean_env(SECRET_KEY=secrets.token_urlsafe(50)))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_check_deploy_is_clean_under_prod_settings(tmp_path: Path) -> None:
    env = _clean_env(
        DJANGO_SETTINGS_MODULE="broadsheet.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.com",
        BROADSHEET_DATA_DIR=str(tmp_path),
    )
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNINGS" not in output
