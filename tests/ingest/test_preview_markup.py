"""The admin's extraction preview shows a clear error, not a server error, for a page whose
article is too complex to sanitise (sanitize_html refuses it; issue #16, finding 10)."""

from __future__ import annotations

import pytest

from .conftest import LoopbackServer, Route

pytestmark = pytest.mark.django_db

# An article of 21,000 elements: over core.markup_cost.MAX_HTML_ELEMENTS once extracted.
HUGE_ARTICLE = (
    "<html><head><title>Long read</title></head><body><article><h1>Long read</h1>"
    + "<p>A paragraph of the story with <b>bold</b> words in it.</p>" * 10_500
    + "</article></body></html>"
).encode()


def test_preview_of_a_page_too_complex_to_sanitise_says_so(
    admin_client, server: LoopbackServer, allow_loopback
):
    server.routes["/story/long.html"] = Route(200, HUGE_ARTICLE, {"Content-Type": "text/html; charset=utf-8"})
    response = admin_client.post("/admin/ingest/source/preview/", {"url": server.url("/story/long.html")})
    assert response.status_code == 200
    assert response.context["error"] == "HTML with over 20,000 elements"
    assert response.context["result"] is None
