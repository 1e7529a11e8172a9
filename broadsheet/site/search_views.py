"""The search results page: a form, ranked and highlighted hits, a section filter and pages."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from broadsheet.newsroom.models import Section
from broadsheet.search.errors import SearchUnavailable
from broadsheet.search.query import MAX_PAGE, SearchResults, query

logger = logging.getLogger(__name__)

# Seconds a client is told to wait before trying again when the index is unreadable.
RETRY_AFTER = 60


def _page(request: HttpRequest) -> int:
    """The requested page; anything unparsable is page 1, anything too deep the last page."""
    raw = request.GET.get("page", "")
    if not raw.isascii() or not raw.isdigit():
        return 1
    if len(raw) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return min(max(int(raw), 1), MAX_PAGE)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    section = request.GET.get("section", "")
    sections = list(Section.objects.only("name", "slug"))
    names = {s.slug: s.name for s in sections}
    if section not in names:
        section = ""
    context: dict[str, object] = {
        "sections": sections,
        "section": section,
        "section_name": names.get(section),
    }
    try:
        results = query(q, section=section or None, page=_page(request))
    except SearchUnavailable:
        logger.exception("Search is unavailable")
        context.update(unavailable=True, q=q[:200])
        response = render(request, "site/search.html", context, status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        add_never_cache_headers(response)
    else:
        context.update(
            results=results,
            q=results.query,
            page_query=_page_query(results),
            all_sections_query=urlencode({"q": results.query}),
        )
        response = render(request, "site/search.html", context)
    # Result pages are endless variations on the site's own content: keep them out of indexes.
    response["X-Robots-Tag"] = "noindex"
    return response


def _page_query(results: SearchResults) -> str:
    """The query string every page link starts with; the template appends `&page=N`."""
    params = {"q": results.query}
    if results.section:
        params["section"] = results.section
    return urlencode(params)
