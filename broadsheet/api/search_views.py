"""Search over public articles: a thin JSON face on `search.query`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router
from ninja.decorators import decorate_view

from broadsheet.api import represent
from broadsheet.api.caching import cacheable
from broadsheet.api.errors import Unavailable
from broadsheet.api.fields import Text
from broadsheet.api.schemas import ErrorOut, SearchPage
from broadsheet.search import query as search
from broadsheet.search.errors import SearchUnavailable

router = Router(tags=["search"])


@router.get(
    "/search",
    response={200: SearchPage, 422: ErrorOut, 500: ErrorOut, 503: ErrorOut},
    url_name="search",
    summary='Search public articles (all words must match; "quoted phrases", -excluded, prefix*)',
)
@decorate_view(cacheable)
def search_articles(
    request: HttpRequest,
    q: Text = Query("", max_length=500, description="The query; empty gives no hits."),
    section: Text | None = Query(None, max_length=search.MAX_SECTION_CHARS, description="A section's slug."),
    page: int = Query(1, ge=1, le=search.MAX_PAGE),
    per_page: int = Query(10, ge=1, le=search.MAX_PER_PAGE),
) -> dict[str, Any]:
    try:
        results = search.query(q, section=section, page=page, per_page=per_page)
    except SearchUnavailable as exc:
        raise Unavailable("Search is unavailable just now; try again shortly.") from exc
    next_url = None
    if results.has_next:
        params = request.GET.copy()
        params["page"] = str(results.next_page)
        next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    return {
        "query": results.query,
        "section": results.section,
        "page": results.page,
        "per_page": results.per_page,
        "total": results.total,
        "has_next": results.has_next,
        "next": next_url,
        "hits": [
            {
                "article_id": hit.article_id,
                "headline_html": hit.headline_html,
                "snippet_html": hit.snippet_html,
                "url": represent.absolute(request, hit.url),
                "api_url": represent.article_api_url(request, hit.article_id),
                "section": {
                    "name": hit.section_name,
                    "slug": hit.section_slug,
                    "url": represent.absolute(
                        request, reverse("site:section", kwargs={"section": hit.section_slug})
                    ),
                },
                "published_at": hit.published_at,
                "score": hit.score,
            }
            for hit in results.hits
        ],
    }
