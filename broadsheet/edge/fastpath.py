"""Page-cache hits answered in the WSGI callable, before Django's request handler runs.

Why: profiled under wrk, a cached page spent most of its CPU outside the cache lookup: the
request_started/request_finished signals (every database connection checked, query logs
reset), twelve middleware layers on the way in and out, and their exception wrappers. A hit
needs none of that. Here the request is built once (Django's own WSGIRequest), the same
checks and the same lookup PageCacheMiddleware makes are run (pagecache.cached_hit), and the
headers the outer middleware would add (SecurityMiddleware's, then ours) are added by that
same code. Anything else (a miss, a POST, a session, a redirect to https, an error here)
goes to Django untouched, so a reader sees the same bytes and headers either way; the tests
in tests/edge/test_fastpath.py compare the two.

BROADSHEET_WSGI_FAST_PATH=off turns it off (then every request goes through Django).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponseBase
from django.middleware.security import SecurityMiddleware

from broadsheet.edge import pagecache
from broadsheet.edge.headers import add_security_headers

logger = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _never_called(request: HttpRequest) -> HttpResponseBase:
    raise AssertionError("the fast path only uses SecurityMiddleware's request/response hooks")


# With none of these, the answer to a hit is a pure function of the stored entry.
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)
# Final header lists remembered per entry; an entry's key changes whenever its page does.
MAX_REMEMBERED = 4096


class FastPathApplication:
    """Wraps Django's WSGI application; serves page-cache hits itself."""

    def __init__(self, application: WSGIApp) -> None:
        self.application = application
        self.security = SecurityMiddleware(_never_called)
        self.headers: OrderedDict[tuple[str, str, str], list[tuple[str, str]]] = OrderedDict()
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        answer = self.hit(environ) if environ.get("REQUEST_METHOD") in ("GET", "HEAD") else None
        if answer is None:
            return self.application(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    def hit(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes] | None:
        """(status line, headers, body) for a page-cache hit, or None for Django to answer."""
        if not settings.BROADSHEET_WSGI_FAST_PATH:
            return None
        try:
            request = WSGIRequest(environ)
            # SECURE_SSL_REDIRECT and friends: a redirect is Django's to send.
            if self.security.process_request(request) is not None:
                return None
            found = pagecache.find_entry(request)
            if found is None:
                return None
            key, entry = found
            if any(name in environ for name in CONDITIONAL_HEADERS):
                response = self._respond(request, entry)
                return _status(response), list(response.items()), response.content  # type: ignore[attr-defined]
            remembered = (key, entry["generation"], entry["etag"])
            with self.lock:
                headers = self.headers.get(remembered)
            if headers is None:
                headers = list(self._respond(request, entry).items())
                with self.lock:
                    self.headers[remembered] = headers
                    while len(self.headers) > MAX_REMEMBERED:
                        self.headers.popitem(last=False)
            body = b"" if request.method == "HEAD" else entry["body"]
            return f"{entry['status']} {HTTPStatus(entry['status']).phrase}", headers, body
        except Exception:
            logger.exception("page-cache fast path failed; handing the request to Django")
            return None

    def _respond(self, request: HttpRequest, entry: dict[str, Any]) -> HttpResponseBase:
        response = pagecache.serve_entry(request, entry)
        # The outer middleware's response hooks, innermost first, as Django runs them.
        add_security_headers(response)
        return self.security.process_response(request, response)  # type: ignore[arg-type]


def _status(response: HttpResponseBase) -> str:
    return f"{response.status_code} {response.reason_phrase}"
