"""Security headers Django does not set itself (edge/headers.py): CSP, Permissions-Policy, CORP."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def _csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", ["/", "/admin/login/"])
def test_csp_and_policies_on_html_pages(db, path: str) -> None:
    response = Client().get(path)
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    directives = _csp_directives(csp)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "https:", "data:"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "interest-cohort=()"):
        assert feature in permissions
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    # Django's own, configured in settings.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_feeds_stay_fetchable_by_other_origins(db) -> None:
    response = Client().get("/robots.txt")
    assert "Content-Security-Policy" in response
    assert "Cross-Origin-Resource-Policy" not in response
