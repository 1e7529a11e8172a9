"""The OpenAPI document and the self-hosted docs page."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("get", "/api/v1/articles"),
    ("post", "/api/v1/articles"),
    ("get", "/api/v1/articles/{article_id}"),
    ("patch", "/api/v1/articles/{article_id}"),
    ("post", "/api/v1/articles/{article_id}/withdraw"),
    ("get", "/api/v1/sections"),
    ("get", "/api/v1/tags"),
    ("get", "/api/v1/authors"),
    ("get", "/api/v1/stories"),
    ("get", "/api/v1/stories/{story_id}"),
    ("get", "/api/v1/search"),
    ("post", "/api/v1/sources"),
}


def test_openapi_lists_every_operation_with_error_schemas(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    found = {(method, path) for path, ops in schema["paths"].items() for method in ops}
    assert found == OPERATIONS
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            errors = {code for code in op["responses"] if code.startswith(("4", "5"))}
            assert errors, (method, path)
            for code in errors:
                ref = op["responses"][code]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorOut"), (method, path, code)
            if method != "get":
                assert op["security"] == [{"TokenAuth": []}]
                assert {"401", "403", "429"} <= set(op["responses"])


def test_docs_page_is_self_hosted_and_needs_no_inline_script(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert sources and all(src.startswith("/static/") for src in sources)
    assert "cdn" not in html.lower()
    # The only inline <script> is a JSON data block, which the CSP does not execute.
    inline = re.findall(r"<script(?![^>]*src=)([^>]*)>", html)
    assert inline == [' type="application/json" id="swagger-settings"']
    assert "script-src 'self'" in response["Content-Security-Policy"]
