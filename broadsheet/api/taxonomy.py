"""Sections (with article counts), tags and authors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.decorators import decorate_view

from broadsheet.api import cursors, represent
from broadsheet.api.caching import cacheable
from broadsheet.api.schemas import AuthorPage, ErrorOut, SectionList, TagPage
from broadsheet.newsroom import counts as month_counts
from broadsheet.newsroom.models import Author, Section, Tag

router = Router(tags=["sections, tags and authors"])


def section_counts() -> dict[int, int]:
    """Public articles per section id, from the counts the newsroom keeps as it writes
    (newsroom.counts: a few hundred rows, scheduled stories taken off), not a GROUP BY over
    the archive; cheap enough to need no cache, so a publish shows at once."""
    return month_counts.by_section()


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
