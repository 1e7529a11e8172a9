"""The WSGI fast path for page-cache hits answers exactly as the full Django stack would.

Every test drives the real WSGI application (broadsheet.wsgi: FastPathApplication around
Django's handler) with WSGI environs, and compares the fast answer with the one Django gives
for the same request when the fast path is off.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from broadsheet.core import clock
from broadsheet.edge import pagecache
from broadsheet.edge.fastpath import FastPathApplication
from broadsheet.newsroom import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def story(make_article, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_article(headline="Ferry plan approved", tags=["Ferries"])


@pytest.fixture
def app() -> FastPathApplication:
    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield FastPathApplication(WSGIHandler())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def environ(path: str, method: str = "GET", **headers: str) -> dict[str, Any]:
    path, _, query = path.partition("?")
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    env.update(headers)
    return env


def call(app: Any, env: dict[str, Any]) -> tuple[str, dict[str, str], bytes]:
    seen: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen.append((status, headers))

    chunks = app(env, start_response)
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    status, headers = seen[0]
    return status, {name.lower(): value for name, value in headers if name.lower() != "date"}, body


def full_stack(
    app: FastPathApplication, env: dict[str, Any], settings: Any
) -> tuple[str, dict[str, str], bytes]:
    settings.BROADSHEET_WSGI_FAST_PATH = False
    try:
        return call(app, env)
    finally:
        settings.BROADSHEET_WSGI_FAST_PATH = True


def test_a_hit_is_answered_by_the_fast_path_with_the_full_stacks_bytes_and_headers(app, settings, story):
    url = story.get_absolute_url()
    status, headers, _ = call(app, environ(url))
    assert (status, headers["x-cache"]) == ("200 OK", "MISS")
    assert app.hit(environ(url)) is not None
    fast = call(app, environ(url))
    slow = full_stack(app, environ(url), settings)
    assert slow[1]["x-cache"] == "HIT"
    assert fast == slow
    # The outer middleware's headers are there: ours and Django's SecurityMiddleware's.
    for name in ("content-security-policy", "x-content-type-options", "referrer-policy", "etag", "vary"):
        assert name in fast[1], name
    assert fast[1]["content-encoding"] == "gzip"
    # Remembered headers are reused, and still right.
    assert call(app, environ(url)) == slow


def test_head_and_conditional_requests(app, settings, story):
    url = story.get_absolute_url()
    call(app, environ(url))
    head = call(app, environ(url, method="HEAD"))
    assert head == full_stack(app, environ(url, method="HEAD"), settings)
    assert head[0] == "200 OK" and head[2] == b""
    etag = head[1]["etag"]
    not_modified = call(app, environ(url, HTTP_IF_NONE_MATCH=etag))
    assert not_modified[0] == "304 Not Modified" and not_modified[2] == b""
    assert not_modified == full_stack(app, environ(url, HTTP_IF_NONE_MATCH=etag), settings)
    changed = call(app, environ(url, HTTP_IF_NONE_MATCH='"something-else"'))
    assert changed[0] == "200 OK" and changed[2]


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("POST", {}),
        ("GET", {"HTTP_COOKIE": "sessionid=abc"}),
        ("GET", {"HTTP_COOKIE": "messages=abc"}),
        ("GET", {"HTTP_HOST": "evil.example"}),
    ],
)
def test_requests_the_cache_must_not_answer_go_to_django(app, story, method, headers):
    url = story.get_absolute_url()
    call(app, environ(url))
    assert app.hit(environ(url)) is not None
    assert app.hit(environ(url, method=method, **headers)) is None


def test_a_disallowed_host_still_gets_djangos_400(app, story):
    url = story.get_absolute_url()
    call(app, environ(url))
    status, _, _ = call(app, environ(url, HTTP_HOST="evil.example"))
    assert status.startswith("400")


def test_https_redirect_is_left_to_django(app, settings, story):
    url = story.get_absolute_url()
    call(app, environ(url))
    settings.SECURE_SSL_REDIRECT = True
    app = FastPathApplication(WSGIHandler())  # middleware reads its settings when built
    assert app.hit(environ(url)) is None
    status, headers, _ = call(app, environ(url))
    assert status.startswith("301") and headers["location"].startswith("https://")


def test_hsts_is_added_on_https_as_django_would(app, settings, story):
    settings.SECURE_HSTS_SECONDS = 3600
    app = FastPathApplication(WSGIHandler())  # middleware reads its settings when built
    url = story.get_absolute_url()
    secure = {"wsgi.url_scheme": "https", "SERVER_PORT": "443"}
    call(app, environ(url, **secure))
    fast = call(app, environ(url, **secure))
    assert fast[1]["strict-transport-security"] == "max-age=3600"
    assert fast == full_stack(app, environ(url, **secure), settings)


def test_a_purged_page_is_rendered_again_not_served_stale(app, story, django_capture_on_commit_callbacks):
    url = story.get_absolute_url()
    call(app, environ(url))
    assert app.hit(environ(url)) is not None
    story.headline = "Ferry plan approved after all"
    with django_capture_on_commit_callbacks(execute=True):
        services.save_article(story)
    assert app.hit(environ(url)) is None
    status, headers, body = call(app, environ(url, HTTP_ACCEPT_ENCODING="identity"))
    assert (status, headers["x-cache"]) == ("200 OK", "MISS")
    assert b"Ferry plan approved after all" in body
    assert b"Ferry plan approved after all" in call(app, environ(url, HTTP_ACCEPT_ENCODING="identity"))[2]


def test_a_scheduled_article_coming_due_goes_through_django(app, story, make_article):
    call(app, environ("/"))
    assert app.hit(environ("/")) is not None
    cache.set(pagecache.NEXT_DUE_KEY, (clock.now() - dt.timedelta(seconds=1)).timestamp(), timeout=None)
    assert app.hit(environ("/")) is None


def test_wordpress_query_urls_are_left_to_the_legacy_middleware(app, story):
    call(app, environ("/?utm_source=x"))
    assert app.hit(environ("/?utm_source=x")) is None


def test_the_fast_path_can_be_turned_off(app, settings, story):
    url = story.get_absolute_url()
    call(app, environ(url))
    settings.BROADSHEET_WSGI_FAST_PATH = False
    assert app.hit(environ(url)) is None
