"""Sections (with article counts), tags and authors."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from ninja import Router
from ninja.decorators import decorate_view

from broadsheet.api import cursors, represent
from broadsheet.api.caching import PUBLIC_MAX_AGE, cacheable
from broadsheet.api.schemas import AuthorPage, ErrorOut, SectionList, TagPage
from broadsheet.newsroom.models import Article, Author, Section, Tag

router = Router(tags=["sections, tags and authors"])

SECTION_COUNTS_KEY = "bs:api:section-counts"


def section_counts() -> dict[int, int]:
    """Public articles per section id: one GROUP BY, cached as long as clients cache the list."""
    counts = cache.get(SECTION_COUNTS_KEY)
    if counts is None:
        counts = Article.objects.published().count_by_section()
        cache.set(SECTION_COUNTS_KEY, counts, timeout=PUBLIC_MAX_AGE)
    return dict(counts)


@router.get(
    "/sections",
    response={200: SectionList, 500: ErrorOut},
    url_name="sections",
    summary="Every section, in menu order",
)
@decorate_view(cacheable)
def list_sections(request: HttpRequest) -> dict[str, Any]:
    counts = section_counts()
    return {
        "items": [
            {
                **represent.section_ref(request, section),
                "description": section.description,
                "article_count": counts.get(section.pk, 0),
            }
            for section in Section.objects.all()
        ]
    }


@router.get(
    "/tags",
    response={200: TagPage, 400: ErrorOut, 422: ErrorOut, 500: ErrorOut},
    url_name="tags",
    summary="Tags, by slug",
)
@decorate_view(cacheable)
def list_tags(
    request: HttpRequest,
    cursor: cursors.Cursor = None,
    limit: cursors.Limit = cursors.DEFAULT_LIMIT,
) -> dict[str, Any]:
    page, next_url = cursors.by_slug(request, Tag.objects.all(), cursor, limit)
    return {"items": [represent.tag(request, t) for t in page], "next": next_url}


@router.get(
    "/authors",
    response={200: AuthorPage, 400: ErrorOut, 422: ErrorOut, 500: ErrorOut},
    url_name="authors",
    summary="Authors, by slug",
)
@decorate_view(cacheable)
def list_authors(
    request: HttpRequest,
    cursor: cursors.Cursor = None,
    limit: cursors.Limit = cursors.DEFAULT_LIMIT,
) -> dict[str, Any]:
    page, next_url = cursors.by_slug(request, Author.objects.all(), cursor, limit)
    return {"items": [represent.author(request, a) for a in page], "next": next_url}
