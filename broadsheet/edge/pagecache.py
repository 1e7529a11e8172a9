"""Full-page cache for anonymous GET/HEAD requests: storing, serving, purging by path.

How it fits the middleware stack: this middleware sits outside GZip, sessions and auth. So
"anonymous" means "no session cookie" (the session has not been loaded yet), and responses
arrive already compressed when the client accepts gzip: each page is stored once per encoding
variant and served back as stored, with no compression work on a hit.

Keys. A page entry lives under a key made of scheme, host, path, full query string and
encoding variant. Each path also has a *generation* token; an entry records the generation it
was rendered under and only counts while that is still the path's generation. `purge(paths)`
gives each path a new token, so every variant of it (`?page=2`, gzip or not) dies at once,
and nothing else in the cache is touched. Beside the per-path tokens there is one *site*
generation: the chrome on every page (menus, footer links, site name) and the names on every
card (sections, authors, tags) are not any one path's, so an edit of those calls
`purge_site()`, which replaces that token and so retires every stored page at once, with one
cache write whatever the number of pages. An entry's recorded generation is the pair of both
tokens. A hit costs one `get_many` round trip: the entry, the path's generation, the site
generation and the next scheduled publish time.

Scheduled articles need no cron: the time of the next scheduled publish is cached; the first
request after it passes purges the listing pages of the articles that have just come due.

A cache that cannot be reached (Redis down or timing out) is not an outage: the Redis backend
in settings (core/resilient_cache.py) answers every call as a miss while it is down, and this
middleware then renders the page as if the cache were off (X-Cache: BYPASS).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import re
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db.models import Min
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import cc_delim_re, patch_cache_control

from broadsheet.core import clock
from broadsheet.core.resilient_cache import is_unreachable
from broadsheet.edge import conditional, pageentry
from broadsheet.edge.pageentry import PageEntry
from broadsheet.edge.paths import article_paths
from broadsheet.edge.signals import came_due
from broadsheet.newsroom.models import Article
from broadsheet.newsroom.services import snapshot

logger = logging.getLogger(__name__)

# The same test GZipMiddleware uses, so the variant we key on is the one it produced.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")

# Never served from or stored in the page cache: the admin, the view beacon, the JSON API
# (not purged by path), and files.
BYPASS_PREFIXES = ("/admin/", "/v/", "/api/", "/media/", "/static/")
# Cached only briefly: results change with every publish but are not purged by path.
SHORT_TTL_PREFIXES = ("/search/",)
SHORT_TTL = 60
# Larger bodies and very long query strings are not worth a cache slot (and the latter are
# a cheap way to flood the cache).
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_QUERY_CHARS = 512
# The message framework's cookie: a request carrying one expects to see its messages.
MESSAGES_COOKIE = "messages"
# Headers a response may vary on that our key already covers (Cookie: we never serve a
# request that carries a session cookie).
KNOWN_VARY = frozenset({"accept-encoding", "cookie"})
# Per-request headers that must not be replayed from the cache.
UNSTORED_HEADERS = frozenset({"set-cookie", "x-cache"})

ANONYMOUS_CACHE_CONTROL = {"public": True, "max_age": 0, "must_revalidate": True}

NEXT_DUE_KEY = "bs:pagecache:next-due"
SITE_GENERATION_KEY = "bs:pagecache:site-gen"
DUE_LOCK_KEY = "bs:pagecache:due-lock"
DUE_LOCK_SECONDS = 30
NOTHING_SCHEDULED = "none"


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _page_ttl() -> int:
    return int(settings.BROADSHEET_PAGE_CACHE_TTL)


def _generation_ttl() -> int:
    # Outlives every entry stored under it; when it expires, its entries are invalid anyway.
    return 2 * _page_ttl() + 60


def generation_key(path: str) -> str:
    return f"bs:pagecache:gen:{_digest(path.split('?', 1)[0])}"


def variant(accept_encoding: str) -> str:
    return "gzip" if ACCEPTS_GZIP.search(accept_encoding) else "identity"


def key_for(scheme: str, host: str, path: str, query: str, encoding: str) -> str:
    """The key of a page: the WSGI fast path builds it from the environ, without a request."""
    # The host is part of the key: pages may carry absolute URLs built from the request.
    digest = _digest("|".join((scheme, host, path, query, encoding)))
    return f"bs:pagecache:page:v{pageentry.VERSION}:{digest}"


def page_key(request: HttpRequest) -> str:
    return key_for(
        request.scheme or "http",
        request.get_host(),
        request.path,
        request.META.get("QUERY_STRING", ""),
        variant(request.META.get("HTTP_ACCEPT_ENCODING", "")),
    )


def purge(paths: Iterable[str]) -> None:
    """Forget every cached variant of each path (any query string, any encoding), only those."""
    token = uuid.uuid4().hex
    keys = {generation_key(path): token for path in set(paths)}
    if keys:
        cache.set_many(keys, timeout=_generation_ttl())
        logger.debug("purged %d paths", len(keys))


def purge_site() -> None:
    """Forget every cached page of the site (a chrome edit): one cache write.

    No timeout: an evicted site generation only makes every entry a miss, as this does.
    """
    cache.set(SITE_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    logger.debug("purged every page")


def _combined(path_generation: str | None, site_generation: str | None) -> str | None:
    """The generation an entry records and must still match: the path's and the site's."""
    if path_generation is None or site_generation is None:
        return None
    return f"{path_generation}/{site_generation}"


def refresh_next_due() -> None:
    """Remember when the next scheduled article comes due (one indexed MIN query)."""
    first = Article.objects.scheduled().aggregate(first=Min("published_at"))["first"]
    # No timeout: an evicted value is handled conservatively in release_due_articles().
    cache.set(NEXT_DUE_KEY, first.timestamp() if first else NOTHING_SCHEDULED, timeout=None)


def _is_due(next_due: Any) -> bool:
    if next_due is None:
        return True  # unknown (cold cache or evicted): find out
    if next_due == NOTHING_SCHEDULED:
        return False
    return bool(clock.now().timestamp() >= float(next_due))


def release_due_articles(next_due: Any) -> None:
    """Purge the pages that must now list articles whose scheduled time has passed.

    With a known `next_due`, those are the public articles published at or after it. When
    the value is unknown, any article that became public within one page TTL may be missing
    from a cached page, so those are purged. One process does this at a time.
    """
    if not cache.add(DUE_LOCK_KEY, 1, timeout=DUE_LOCK_SECONDS):
        return
    try:
        now = clock.now()
        if next_due is None or next_due == NOTHING_SCHEDULED:
            since = now - dt.timedelta(seconds=_page_ttl())
        else:
            since = dt.datetime.fromtimestamp(float(next_due), tz=dt.UTC)
        due = list(
            Article.objects.published().filter(published_at__gte=since).select_related("section", "author")
        )
        paths: list[str] = []
        for article in due:
            paths.extend(article_paths(snapshot(article)))
        purge(paths)
        refresh_next_due()
        if due:
            logger.info("%d scheduled articles came due; purged %d paths", len(due), len(set(paths)))
            came_due.send(sender=Article, article_ids=[article.pk for article in due])
    finally:
        cache.delete(DUE_LOCK_KEY)


def _is_anonymous_read(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(BYPASS_PREFIXES):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and MESSAGES_COOKIE not in cookies


def _cache_control_forbids_storing(response: HttpResponseBase) -> bool:
    value = response.get("Cache-Control", "")
    directives = {part.split("=", 1)[0].strip().lower() for part in cc_delim_re.split(value) if part}
    return bool(directives & {"private", "no-store", "no-cache"})


def _is_storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    """May this response to an anonymous read be shared with every other anonymous reader?"""
    if response.status_code != 200 or response.streaming or not isinstance(response, HttpResponse):
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    if _cache_control_forbids_storing(response):
        return False
    # A page that rendered a CSRF token carries this visitor's secret: never share it.
    if request.META.get("CSRF_COOKIE_USED"):
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()}
    if not vary <= KNOWN_VARY:
        return False
    return len(response.content) <= MAX_BODY_BYTES


def _response_from(request: HttpRequest, entry: PageEntry) -> HttpResponse:
    body = b"" if request.method == "HEAD" else entry.body
    response = HttpResponse(body, status=entry.status)
    for name, value in entry.headers:
        response.headers[name] = value
    return response


def _ttl_for(path: str) -> int:
    ttl = _page_ttl()
    return min(ttl, SHORT_TTL) if path.startswith(SHORT_TTL_PREFIXES) else ttl


def _store(
    key: str,
    gen_key: str,
    generation: str | None,
    site_generation: str | None,
    response: HttpResponse,
    path: str,
) -> None:
    gen_ttl = _generation_ttl()
    if site_generation is None:
        site_generation = uuid.uuid4().hex
        # As below: a site generation that appeared while we rendered may be a purge_site()
        # our render predates.
        if not cache.add(SITE_GENERATION_KEY, site_generation, timeout=None):
            return
    if generation is None:
        generation = uuid.uuid4().hex
        # If the key appeared while we rendered, it may be a purge that our render predates:
        # storing under it would keep a stale page alive, so leave it to the next request.
        if not cache.add(gen_key, generation, timeout=gen_ttl):
            return
    else:
        cache.touch(gen_key, timeout=gen_ttl)
    ttl = _ttl_for(path)
    entry = PageEntry(
        generation=f"{generation}/{site_generation}",
        status=response.status_code,
        etag=response["ETag"],
        expires=time.time() + ttl,
        headers=[(k, v) for k, v in response.items() if k.lower() not in UNSTORED_HEADERS],
        body=response.content,
    )
    cache.set(key, pageentry.encode(entry), timeout=ttl)


def _labelled(response: HttpResponseBase, outcome: str) -> HttpResponseBase:
    # Set last: a 304 built from a response keeps only the validator headers.
    response.headers["X-Cache"] = outcome
    return response


def _is_current(entry: PageEntry | None, generation: str | None, site_generation: str | None) -> bool:
    combined = _combined(generation, site_generation)
    return entry is not None and combined is not None and entry.generation == combined


def _hit(request: HttpRequest, entry: PageEntry) -> HttpResponseBase:
    return _labelled(conditional.revalidate(request, entry.etag, _response_from(request, entry)), "HIT")


def due_at(next_due: Any) -> float:
    """The time.time() from which `next_due` (the cached NEXT_DUE_KEY) means "release due
    articles first": -inf when unknown, inf when nothing is scheduled (see _is_due)."""
    if next_due is None:
        return -math.inf
    if next_due == NOTHING_SCHEDULED:
        return math.inf
    return float(next_due)


def find_entry(key: str, path: str) -> tuple[PageEntry, Any] | None:
    """The current entry stored under `key` (a page at `path`) and the cached next-due value,
    as PageCacheMiddleware would serve it, or None.

    For the WSGI fast path (edge/fastpath.py), which has already made the middleware's
    checks (an anonymous GET/HEAD, no bypassed prefix, no WordPress query URL, the host
    allowed): anything this cannot answer from the cache alone (a miss, a scheduled article
    coming due, a cache that is down) is None, and the full stack handles it.
    """
    gen_key = generation_key(path)
    found = cache.get_many([key, gen_key, SITE_GENERATION_KEY, NEXT_DUE_KEY])
    if is_unreachable(cache) or _is_due(found.get(NEXT_DUE_KEY)):
        return None
    entry = pageentry.decode(found.get(key))
    current = _is_current(entry, found.get(gen_key), found.get(SITE_GENERATION_KEY))
    return (entry, found.get(NEXT_DUE_KEY)) if entry is not None and current else None


def serve_entry(request: HttpRequest, entry: PageEntry) -> HttpResponseBase:
    """A stored entry as the response to `request` (200, or 304 when its validators match)."""
    return _hit(request, entry)


class PageCacheMiddleware:
    """Serve and store anonymous pages; ETag/304 and X-Cache on every page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not _is_anonymous_read(request):
            return self._bypass(request)
        try:
            key = page_key(request)
        except DisallowedHost:
            # Let the view path raise it properly (a 400).
            return self._bypass(request)
        if not settings.BROADSHEET_PAGE_CACHE:
            return self._uncached(request)

        gen_key = generation_key(request.path)
        found = cache.get_many([key, gen_key, SITE_GENERATION_KEY, NEXT_DUE_KEY])
        if is_unreachable(cache):
            return self._uncached(request)
        generation = found.get(gen_key)
        site_generation = found.get(SITE_GENERATION_KEY)
        if _is_due(found.get(NEXT_DUE_KEY)):
            release_due_articles(found.get(NEXT_DUE_KEY))
            generation = cache.get(gen_key)
        entry = pageentry.decode(found.get(key))
        if entry is not None and _is_current(entry, generation, site_generation):
            return _hit(request, entry)

        response = self.get_response(request)
        storable = self._mark_public(request, response)
        if storable and request.method == "GET" and isinstance(response, HttpResponse):
            conditional.add_validators(response)
            _store(key, gen_key, generation, site_generation, response, request.path)
        return _labelled(conditional.apply(request, response), "MISS")

    def _uncached(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        self._mark_public(request, response)
        return _labelled(conditional.apply(request, response), "BYPASS")

    def _bypass(self, request: HttpRequest) -> HttpResponseBase:
        return _labelled(conditional.apply(request, self.get_response(request)), "BYPASS")

    @staticmethod
    def _mark_public(request: HttpRequest, response: HttpResponseBase) -> bool:
        """Let shared caches keep a storable page, but only after revalidating it with us."""
        if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_CHARS:
            return False
        if not _is_storable(request, response):
            return False
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, **ANONYMOUS_CACHE_CONTROL)
        return True
