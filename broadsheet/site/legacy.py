"""Old WordPress URLs answered with a 301 to where the content lives now.

Two forms, both served by one middleware that sits outside the page cache:
- WordPress's query URLs on the home page (`/?p=12`, `/?page_id=3`, `/?cat=7`,
  `/?attachment_id=9`; `/?s=` and `/?feed=` need no lookup at all);
- any other old path (`/2019/04/harbor-plan/`, `/category/news/`, `/author/jdoe/`), looked up
  only when the site has answered 404, as django.contrib.redirects does.
Ordinary pages never query for redirects; a 404 or a WordPress query URL costs one indexed
query. The redirects themselves are newsroom's LegacyRedirect rows, written by the WordPress import.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseBase, HttpResponsePermanentRedirect
from django.urls import reverse

from broadsheet.newsroom.models import LegacyRedirect
from broadsheet.newsroom.redirects import QUERY_KEYS, query_path


def _query_form(request: HttpRequest) -> str | None:
    """`/?p=12` as stored in LegacyRedirect.old_path, if the request is a WordPress query URL."""
    for key in QUERY_KEYS:
        value = request.GET.get(key, "")
        if value.isdigit():
            return query_path(key, int(value))
    return None


def _without_lookup(request: HttpRequest) -> str | None:
    """WordPress query URLs whose Broadsheet equivalent needs no database: search and feeds."""
    if "s" in request.GET:
        return f"{reverse('site:search')}?{urlencode({'q': request.GET['s']})}"
    feed = request.GET.get("feed")
    if feed is not None:
        return reverse("site:atom_feed") if feed == "atom" else reverse("site:feed")
    return None


def _lookup(*old_paths: str) -> str | None:
    found = (
        LegacyRedirect.objects.select_related("article__section", "page", "section", "tag", "author")
        .filter(old_path__in=old_paths)
        .order_by("old_path")
        .first()
    )
    return found.target_url() if found is not None else None


def _candidates(path: str) -> tuple[str, ...]:
    # WordPress permalinks end in a slash; a reader may have dropped it.
    return (path,) if path.endswith("/") else (path, f"{path}/")


class LegacyRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        reads = request.method in ("GET", "HEAD")
        if reads and request.path == "/" and request.META.get("QUERY_STRING"):
            target = _without_lookup(request)
            old = _query_form(request) if target is None else None
            if old is not None:
                target = _lookup(old)
            if target is not None:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if reads and response.status_code == 404:
            target = _lookup(*_candidates(request.path))
            if target is not None and target != request.path:
                return HttpResponsePermanentRedirect(target)
        return response
