"""Redis as the shared cache: pages and purges work through it, and the site serves without it."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import redis
from django.core.cache import cache
from django.test import override_settings

from broadsheet.site import widgets
from tests.cluster.conftest import REDIS_DB

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens once the socket is closed


def _redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "broadsheet.core.resilient_cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "broadsheet-test-cache",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }


@pytest.fixture
def shared_redis() -> Iterator[None]:
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    client.flushdb()
    with override_settings(CACHES=_redis_cache(f"redis://127.0.0.1:6379/{REDIS_DB}")):
        yield
    client.flushdb()
    client.close()


@pytest.fixture
def redis_down() -> Iterator[None]:
    with override_settings(CACHES=_redis_cache(f"redis://127.0.0.1:{_closed_port()}/0")):
        yield


def test_pages_are_cached_and_purged_through_redis(
    client, make_article, shared_redis, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make_article(headline="Ferry plan approved")
    assert client.get("/")["X-Cache"] == "MISS"
    assert client.get("/")["X-Cache"] == "HIT"
    # What another process (another machine) sees: the same entries, in Redis.
    assert redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).keys("broadsheet-test-cache:*")
    with django_capture_on_commit_callbacks(execute=True):
        make_article(headline="Night ferry returns")
    response = client.get("/")
    assert response["X-Cache"] == "MISS" and b"Night ferry returns" in response.content


def test_the_site_serves_uncached_while_redis_is_down(
    client, make_article, redis_down, django_capture_on_commit_callbacks
) -> None:
    # Publishing still works: the purge is logged, not raised.
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(headline="Ferry plan approved", tags=["Ferries"])
    for url in ["/", "/business/", article.get_absolute_url(), "/tag/ferries/", "/feed/", "/search/?q=ferry"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["X-Cache"] == "BYPASS", url
    assert b"Ferry plan approved" in client.get("/").content
    # The sidebar widgets are computed per page instead of cached.
    assert [c["count"] for c in widgets.sidebar()["categories"]] == [1]
    # Really down: the backend answers without Redis (and says so).
    assert cache.get("anything", "default") == "default" and cache.unreachable  # type: ignore[attr-defined]


def test_a_redis_that_comes_back_is_used_again(shared_redis, monkeypatch) -> None:
    from broadsheet.core import resilient_cache

    cache.set("probe", 1)
    assert cache.get("probe") == 1 and not cache.unreachable  # type: ignore[attr-defined]
    monkeypatch.setattr(resilient_cache, "BREAK_SECONDS", 0.0)
    real = resilient_cache.RedisCache.get

    def failing(*args, **kwargs):
        raise redis.exceptions.TimeoutError("Timeout reading from socket")

    monkeypatch.setattr(resilient_cache.RedisCache, "get", failing)
    assert cache.get("probe") is None
    monkeypatch.setattr(resilient_cache.RedisCache, "get", real)
    assert cache.get("probe") == 1
