"""Security: CSRF, pages that run under the CSP, production settings.

The admin-login throttle is core code (tests/core/test_login_throttle.py); the security headers
are edge's (tests/edge/test_headers.py).
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from broadsheet.newsroom.models import Page

REPO = Path(__file__).resolve().parents[2]
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
        "/admin/inbox/takedownrequest/",
        "/admin/inbox/contactmessage/",
        "/admin/auth/user/",
        f"/admin/auth/user/{user.pk}/change/",
        "/admin/auth/user/add/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        _assert_runs_under_csp(response.content.decode())


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
