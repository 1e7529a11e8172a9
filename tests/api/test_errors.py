"""Every error under /api/ has one JSON shape, including Django's own 404s and 405s."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _error(response) -> dict:
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return body["error"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/",
        "/api/v2/articles",
        "/api/v1/nope",
        "/api/v1/articles/",
        "/api/v1/articles/abc",
        "/api/v1/articles/0",
    ],
)
def test_unknown_paths_are_json_404s(client, path):
    response = client.get(path)
    assert response.status_code in (404, 422)
    assert _error(response)["code"] in ("not_found", "invalid")


def test_a_path_that_names_no_endpoint_is_404(client):
    response = client.get("/api/v1/nope")
    assert response.status_code == 404 and _error(response)["code"] == "not_found"


@pytest.mark.parametrize(("method", "path"), [("put", "/api/v1/articles"), ("delete", "/api/v1/sections")])
def test_wrong_method_is_a_json_405(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert _error(response)["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=101", "limit=ten", "published_after=yesterday", "published_before=0.5"]
)
def test_bad_query_parameters_are_422(client, query):
    response = client.get(f"/api/v1/articles?{query}")
    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "invalid" and error["details"][0]["loc"][0] == "query"


def test_nul_in_a_query_is_not_a_500(client, section):
    assert client.get("/api/v1/articles", {"section": "bus\x00iness"}).status_code == 200


def test_huge_ids_are_refused_not_overflowed(client):
    assert client.get(f"/api/v1/articles/{2**70}").status_code == 422


def test_an_unexpected_error_is_a_json_500(client, monkeypatch):
    from broadsheet.api import taxonomy

    def broken() -> dict:
        raise RuntimeError("boom")

    monkeypatch.setattr(taxonomy, "section_counts", broken)
    response = client.get("/api/v1/sections")
    assert response.status_code == 500
    assert _error(response)["code"] == "internal_error" and "boom" not in response.content.decode()
