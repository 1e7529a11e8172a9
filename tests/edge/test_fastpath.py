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
from django.core.cache import cache, caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from broadsheet.core import clock
from broadsheet.edge import pagecache, pageentry
from broadsheet.edge.fastpath import FastPathApplication
from broadsheet.newsroom import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["locmem", "sqlite"])
def backend(request, settings, tmp_path) -> str:
    """Every test runs on the test settings' cache and on production's SQLiteCache, whose
    change token lets the fast path keep decoded pages between requests."""
    if request.param == "sqlite":
        settings.CACHES = {
            "default": {
                "BACKEND": "broadsheet.core.cache.SQLiteCache",
                "LOCATION": str(tmp_path / "cache.sqlite3"),
            }
        }
    return str(request.param)


@pytest.fixture(autouse=True)
def empty_cache(backend):
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


# Third round (#15): the key read from the environ, decoded pages kept per process.


def test_with_a_change_token_a_kept_page_is_served_without_reading_the_cache(
    app, backend, story, monkeypatch
):
    url = story.get_absolute_url()
    call(app, environ(url))
    first = call(app, environ(url))
    looked_up: list[str] = []
    find_entry = pagecache.find_entry
    monkeypatch.setattr(pagecache, "find_entry", lambda *args: looked_up.append(args[0]) or find_entry(*args))
    assert call(app, environ(url)) == first
    assert call(app, environ(url, method="HEAD"))[1] == first[1]
    # SQLiteCache has a change token; the test settings' LocMemCache is asked every time.
    assert len(looked_up) == (0 if backend == "sqlite" else 2)


def test_a_write_by_another_process_is_seen_at_the_next_hit(app, backend, story):
    url = story.get_absolute_url()
    call(app, environ(url))
    assert app.hit(environ(url)) is not None
    # Another process's cache object: its own SQLite connections (and local copies).
    other = caches.create_connection("default")
    other.set(pagecache.generation_key(url), "purged elsewhere", timeout=None)
    assert app.hit(environ(url)) is None


def test_a_scheduled_time_passing_without_any_write_sends_the_next_hit_to_django(app, story, monkeypatch):
    call(app, environ("/"))
    due = clock.now() + dt.timedelta(minutes=5)
    cache.set(pagecache.NEXT_DUE_KEY, due.timestamp(), timeout=None)
    assert app.hit(environ("/")) is not None
    monkeypatch.setattr(clock, "now", lambda: due + dt.timedelta(seconds=1))
    assert app.hit(environ("/")) is None


def test_a_page_stored_in_an_older_format_is_rendered_and_stored_again(app, story):
    url = story.get_absolute_url()
    call(app, environ(url))
    env = environ(url)
    key = pagecache.key_for("http", "testserver", url, "", "gzip")
    assert pageentry.decode(cache.get(key)) is not None
    cache.set(key, {"generation": "a/b", "status": 200, "headers": [], "body": b"", "etag": '"x"'})
    assert app.hit(env) is None
    assert call(app, environ(url))[1]["x-cache"] == "MISS"
    assert call(app, environ(url))[1]["x-cache"] == "HIT"


@pytest.mark.parametrize(
    "host",
    ["TESTSERVER", "testserver.", "testserver:80", "127.0.0.1:8000", "[::1]", "localhost:"],
)
def test_odd_host_headers_get_what_the_full_stack_gives(app, settings, story, host):
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost", "[::1]"]
    url = story.get_absolute_url()
    call(app, environ(url, HTTP_HOST=host))
    fast = call(app, environ(url, HTTP_HOST=host))
    assert fast == full_stack(app, environ(url, HTTP_HOST=host), settings)
    # A page is kept under the host it was asked for, as the middleware keys it.
    if fast[0] == "200 OK":
        assert fast[1]["x-cache"] == "HIT"


@pytest.mark.parametrize("host", ["evil.example", "test server", "testserver:abc", "a@testserver", ""])
def test_hosts_django_refuses_are_never_answered_here(app, settings, story, host):
    url = story.get_absolute_url()
    call(app, environ(url))
    assert app.hit(environ(url, HTTP_HOST=host)) is None
    status, _, _ = call(app, environ(url, HTTP_HOST=host))
    assert status.startswith("400")


def test_without_a_host_header_django_answers(app, settings, story):
    url = story.get_absolute_url()
    call(app, environ(url))
    env = environ(url)
    del env["HTTP_HOST"]
    assert app.hit(env) is None
    assert call(app, env) == full_stack(app, env, settings)


def test_a_host_allowed_once_is_refused_after_allowed_hosts_changes(app, settings, story):
    url = story.get_absolute_url()
    call(app, environ(url))
    assert app.hit(environ(url)) is not None
    settings.ALLOWED_HOSTS = ["example.org"]
    assert app.hit(environ(url)) is None


def test_query_strings_are_keyed_as_sent_in_any_order(app, settings, story):
    url = story.get_absolute_url()
    call(app, environ(f"{url}?a=1&b=2"))
    assert app.hit(environ(f"{url}?a=1&b=2")) is not None
    # The middleware keys on the raw query string: another order is another page to it.
    assert app.hit(environ(f"{url}?b=2&a=1")) is None
    status, headers, _ = call(app, environ(f"{url}?b=2&a=1"))
    assert (status, headers["x-cache"]) == ("200 OK", "MISS")
    fast = call(app, environ(f"{url}?b=2&a=1"))
    assert fast == full_stack(app, environ(f"{url}?b=2&a=1"), settings)
    assert app.hit(environ(url)) is None


@pytest.mark.parametrize("query", ["q=%E9%zz", "q=%", "q=caf\xc3\xa9", "q=\xe9"])
def test_bad_percent_encoding_in_the_query_string(app, settings, story, query):
    url = f"{story.get_absolute_url()}?{query}"
    call(app, environ(url))
    fast = call(app, environ(url))
    assert fast == full_stack(app, environ(url), settings)
    assert fast[0] == "200 OK" and fast[1]["x-cache"] == "HIT"


@pytest.mark.parametrize("path", ["/caf\xe9/", "/caf%E9/", "/%zz/"])
def test_bad_bytes_in_the_path_get_what_the_full_stack_gives(app, settings, story, path):
    # PATH_INFO arrives percent-decoded, as latin-1 text: "\xe9" is a lone byte, not UTF-8.
    # (Identity: a page that is never stored is gzipped afresh, with new random padding.)
    plain = {"HTTP_ACCEPT_ENCODING": "identity"}
    call(app, environ(path, **plain))
    assert app.hit(environ(path, **plain)) is None
    assert call(app, environ(path, **plain)) == full_stack(app, environ(path, **plain), settings)


def test_a_non_ascii_path_is_left_as_the_server_gave_it(app, settings, story):
    # UTF-8 bytes as a WSGI server passes them (latin-1 text). The previous fast path built
    # a WSGIRequest on the environ, which rewrote PATH_INFO to decoded text; Django, handed
    # the same environ on a miss, then read that text as latin-1 bytes again.
    path = "/caf\xc3\xa9/"
    env = environ(path, HTTP_ACCEPT_ENCODING="identity")
    assert app.hit(env) is None
    assert env["PATH_INFO"] == path
    status, _, body = call(app, env)
    assert (status, body) == full_stack(app, environ(path, HTTP_ACCEPT_ENCODING="identity"), settings)[::2]


def test_if_none_match_and_head_on_a_kept_page(app, settings, story):
    url = story.get_absolute_url()
    call(app, environ(url))
    etag = call(app, environ(url))[1]["etag"]
    for env in (
        environ(url, HTTP_IF_NONE_MATCH=etag),
        environ(url, HTTP_IF_NONE_MATCH=f'"other", {etag}'),
        environ(url, HTTP_IF_NONE_MATCH="*"),
        environ(url, HTTP_IF_NONE_MATCH='"other"'),
        environ(url, method="HEAD", HTTP_IF_NONE_MATCH=etag),
        environ(url, method="HEAD"),
    ):
        fast = call(app, env)
        assert fast == full_stack(app, {**env, "wsgi.input": io.BytesIO(b"")}, settings), env
    # The header list kept for 200s is not the 304's.
    assert call(app, environ(url)) == full_stack(app, environ(url), settings)


def test_a_session_cookie_among_others_goes_to_django(app, story):
    url = story.get_absolute_url()
    call(app, environ(url))
    assert app.hit(environ(url, HTTP_COOKIE="theme=dark")) is not None
    assert app.hit(environ(url, HTTP_COOKIE="theme=dark;  sessionid=abc")) is None
    assert app.hit(environ(url, HTTP_COOKIE="messages=x; theme=dark")) is None
