"""Page-cache hits answered in the WSGI callable, before Django's request handler runs.

Why: profiled under wrk, a cached page spent most of its CPU outside the cache lookup: the
request_started/request_finished signals (every database connection checked, query logs
reset), twelve middleware layers on the way in and out, and their exception wrappers. A hit
needs none of that. Then (issue #15, third round) a hit through here was still ~100 µs of
Python: building a WSGIRequest and validating its host, the key digest, the cache's get_many
and unpickling, settings look-ups. So now:

- The key is read from the WSGI environ as the middleware would build it from its request
  (scheme, allowed host, path, raw query string, encoding variant): the same Django helpers
  for the host and the path, no request object. The middleware's checks (GET/HEAD, no
  session or messages cookie, no bypassed prefix, no WordPress query URL, no redirect to
  https) are made on the environ the same way.
- A decoded page (status line, the final header list, body) is kept per process, with the
  cache's change token (SQLiteCache's PRAGMA data_version, core/cache.py) it was read under:
  while no process has written to the cache, the entry is not past its expiry and no
  scheduled article has come due, it is served without asking the cache for anything. Any
  other backend has no token, and each hit asks it (one get_many, as before).
- The header list is built once per stored page by the same code the full stack runs
  (pagecache.serve_entry, then our security headers, then Django's SecurityMiddleware).

Anything else (a miss, a POST, a session, a redirect to https, an odd environ, an error
here) goes to Django untouched, so a reader sees the same bytes and headers either way; the
tests in tests/edge/test_fastpath.py compare the two. Settings are read once per process and
again after any setting_changed signal (tests override settings).

BROADSHEET_WSGI_FAST_PATH=off turns it off (then every request goes through Django).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.handlers.wsgi import WSGIRequest, get_path_info, get_script_name
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponseBase
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.middleware.security import SecurityMiddleware

from broadsheet.core import clock
from broadsheet.edge import pagecache
from broadsheet.edge.headers import add_security_headers
from broadsheet.edge.pageentry import PageEntry

logger = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Answer = tuple[str, list[tuple[str, str]], bytes]


def _never_called(request: HttpRequest) -> HttpResponseBase:
    raise AssertionError("the fast path only uses SecurityMiddleware's request/response hooks")


# With none of these, the answer to a hit is a pure function of the stored entry.
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)
# Decoded pages kept per process, by total body size (the cache's own local copies have
# 16 MB; the hot pages of a site are few).
MEMO_BYTES = 16 * 1024 * 1024
# Host headers found allowed, kept so the next request with one skips validate_host();
# bounded, and only allowed hosts are kept, so odd Host headers cannot grow it.
MAX_KNOWN_HOSTS = 64


class _Config(NamedTuple):
    """The settings a hit depends on, read once (and after each setting change)."""

    enabled: bool
    session_cookie: str
    allowed_hosts: list[str]
    forwarded_host: bool
    proxy_ssl_header: tuple[str, str] | None
    ssl_redirect: bool
    force_script_name: str | None

    @classmethod
    def read(cls) -> _Config:
        allowed = list(settings.ALLOWED_HOSTS)
        if settings.DEBUG and not allowed:  # as HttpRequest.get_host()
            allowed = [".localhost", "127.0.0.1", "[::1]"]
        return cls(
            enabled=bool(settings.BROADSHEET_WSGI_FAST_PATH and settings.BROADSHEET_PAGE_CACHE),
            session_cookie=settings.SESSION_COOKIE_NAME,
            allowed_hosts=allowed,
            forwarded_host=bool(settings.USE_X_FORWARDED_HOST),
            proxy_ssl_header=settings.SECURE_PROXY_SSL_HEADER,
            ssl_redirect=bool(settings.SECURE_SSL_REDIRECT),
            force_script_name=settings.FORCE_SCRIPT_NAME,
        )


class _Page(NamedTuple):
    """A hit's answer as kept per process, and what decides whether it still holds."""

    token: int | None  # the cache's change token when read (None: the backend has none)
    expires: float
    due_at: float  # a scheduled article comes due then: Django must release it first
    entry: PageEntry
    status: str
    headers: list[tuple[str, str]]


class FastPathApplication:
    """Wraps Django's WSGI application; serves page-cache hits itself."""

    def __init__(self, application: WSGIApp) -> None:
        self.application = application
        self.security = SecurityMiddleware(_never_called)
        self.lock = threading.Lock()
        self._forget()
        setting_changed.connect(self._setting_changed)

    def _forget(self) -> None:
        self.config: _Config | None = None
        # One backend object for the change token, shared by the threads (SQLiteCache is
        # thread-safe): per-thread backends would each count changes on their own.
        self.token_source: Callable[[], int] | None = None
        self.pages: dict[tuple[str, str, str, str, str], _Page] = {}
        self.page_bytes = 0
        self.known_hosts: set[str] = set()

    def _setting_changed(self, **kwargs: Any) -> None:
        with self.lock:
            self._forget()

    def _configure(self) -> _Config:
        config = _Config.read()
        backend = caches.create_connection(DEFAULT_CACHE_ALIAS)
        self.token_source = getattr(backend, "change_token", None)
        self.config = config
        return config

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        answer = self.hit(environ)
        if answer is None:
            return self.application(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    def hit(self, environ: dict[str, Any]) -> Answer | None:
        """(status line, headers, body) for a page-cache hit, or None for Django to answer."""
        method = environ.get("REQUEST_METHOD")
        if method != "GET" and method != "HEAD":
            return None
        try:
            config = self.config or self._configure()
            if not config.enabled:
                return None
            where = self._where(environ, config)
            if where is None:
                return None
            token_source = self.token_source
            # Taken before anything is read: a write after this starts a new token.
            token = token_source() if token_source is not None else None
            now = clock.now().timestamp()
            page = self.pages.get(where)
            if (
                page is None
                or token is None
                or page.token != token
                or not (now < page.expires and now < page.due_at)
            ):
                page = self._look_up(environ, where, token, page)
                if page is None:
                    return None
            if any(name in environ for name in CONDITIONAL_HEADERS):
                response = self._respond(WSGIRequest(dict(environ)), page.entry)
                return _status(response), list(response.items()), response.content  # type: ignore[attr-defined]
            # A copy: a server may add its own headers (Date) to the list it is given.
            return page.status, list(page.headers), b"" if method == "HEAD" else page.entry.body
        except Exception:
            logger.exception("page-cache fast path failed; handing the request to Django")
            return None

    def _where(self, environ: dict[str, Any], config: _Config) -> tuple[str, str, str, str, str] | None:
        """(scheme, host, path, query, encoding variant): the page key's parts, as
        PageCacheMiddleware takes them from its request, or None where the middleware (or one
        outside it) would not answer from the cache."""
        scheme = environ.get("wsgi.url_scheme") or "http"
        if config.proxy_ssl_header:  # as HttpRequest.scheme
            header, secure_value = config.proxy_ssl_header
            forwarded = environ.get(header)
            if forwarded is not None:
                scheme = "https" if forwarded.split(",", 1)[0].strip() == secure_value else "http"
        if config.ssl_redirect and scheme != "https":
            return None  # SecurityMiddleware's redirect
        host = self._allowed_host(environ, config)
        if host is None:
            return None
        path = _path(environ, config)
        if path.startswith(pagecache.BYPASS_PREFIXES):
            return None
        query = environ.get("QUERY_STRING", "")
        if path == "/" and query:
            return None  # LegacyRedirectMiddleware's WordPress URLs
        cookie = environ.get("HTTP_COOKIE")
        if cookie:
            cookies = parse_cookie(cookie)
            if config.session_cookie in cookies or pagecache.MESSAGES_COOKIE in cookies:
                return None
        return scheme, host, path, query, pagecache.variant(environ.get("HTTP_ACCEPT_ENCODING", ""))

    def _allowed_host(self, environ: dict[str, Any], config: _Config) -> str | None:
        """HttpRequest.get_host() on the environ, or None where it would raise DisallowedHost
        (or rebuild the host from SERVER_NAME, which is left to Django)."""
        if config.forwarded_host and "HTTP_X_FORWARDED_HOST" in environ:
            host = environ["HTTP_X_FORWARDED_HOST"]
        else:
            host = environ.get("HTTP_HOST")
        if not isinstance(host, str):
            return None
        if host in self.known_hosts:
            return host
        domain, _ = split_domain_port(host)
        if not domain or not validate_host(domain, config.allowed_hosts):
            return None
        with self.lock:
            if len(self.known_hosts) < MAX_KNOWN_HOSTS:
                self.known_hosts.add(host)
        return host

    def _look_up(
        self,
        environ: dict[str, Any],
        where: tuple[str, str, str, str, str],
        token: int | None,
        previous: _Page | None,
    ) -> _Page | None:
        """The page at `where` from the cache (and kept), or None when Django must answer."""
        scheme, host, path, query, encoding = where
        found = pagecache.find_entry(pagecache.key_for(scheme, host, path, query, encoding), path)
        if found is None:
            return None
        entry, next_due = found
        if previous is not None and (previous.entry.generation, previous.entry.etag) == (
            entry.generation,
            entry.etag,
        ):
            status, headers = previous.status, previous.headers
        else:
            # The full stack's own code, on a request without preconditions: the 200 answer.
            plain = {name: value for name, value in environ.items() if name not in CONDITIONAL_HEADERS}
            response = self._respond(WSGIRequest(plain), entry)
            status, headers = _status(response), list(response.items())
        page = _Page(token, entry.expires, pagecache.due_at(next_due), entry, status, headers)
        self._keep(where, page)
        return page

    def _keep(self, where: tuple[str, str, str, str, str], page: _Page) -> None:
        size = len(page.entry.body)
        if size > MEMO_BYTES // 8:
            return
        with self.lock:
            old = self.pages.pop(where, None)
            if old is not None:
                self.page_bytes -= len(old.entry.body)
            self.pages[where] = page
            self.page_bytes += size
            # Oldest first out; a page still in demand is read back at its next request.
            while self.page_bytes > MEMO_BYTES:
                dropped = self.pages.pop(next(iter(self.pages)))
                self.page_bytes -= len(dropped.entry.body)

    def _respond(self, request: HttpRequest, entry: PageEntry) -> HttpResponseBase:
        response = pagecache.serve_entry(request, entry)
        # The outer middleware's response hooks, innermost first, as Django runs them.
        add_security_headers(response)
        return self.security.process_response(request, response)  # type: ignore[arg-type]


def _path(environ: dict[str, Any], config: _Config) -> str:
    """WSGIRequest.path, without the request (nor its rewriting of the environ)."""
    path_info = environ.get("PATH_INFO", "/")
    if not path_info.isascii():
        path_info = get_path_info(environ)  # re-percent-encodes bytes that are not UTF-8
    path_info = path_info or "/"
    if (
        config.force_script_name is None
        and not environ.get("SCRIPT_NAME")
        and not environ.get("SCRIPT_URL")
        and not environ.get("REDIRECT_URL")
    ):
        script_name = ""
    else:
        script_name = get_script_name(environ)
    return f"{script_name.rstrip('/')}/{path_info.replace('/', '', 1)}"


def _status(response: HttpResponseBase) -> str:
    return f"{response.status_code} {response.reason_phrase}"
