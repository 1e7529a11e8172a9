"""Stories: discovery's clusters of versions of one event, as a list and as a timeline.

Only stories with at least one public version are shown, and their figures (counts, first
and last times) are taken over the public versions alone: a story's stored figures count
scheduled versions too, and those must not show before they are due.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, Count, Exists, F, Max, Min, OuterRef, Q, Value, When
from django.http import HttpRequest
from ninja import Path, Router
from ninja.decorators import decorate_view

from broadsheet.api import cursors, represent
from broadsheet.api.articles import MAX_ID, READ_ERRORS
from broadsheet.api.caching import cacheable
from broadsheet.api.errors import NotFound
from broadsheet.api.schemas import StoryDetail, StoryPage
from broadsheet.discovery import stories
from broadsheet.discovery.models import Story, StoryMembership
from broadsheet.newsroom.models import Article

router = Router(tags=["stories"])


def _public_stories() -> Any:
    public = Article.objects.published().filter(story_membership__story_id=OuterRef("pk"))
    return Story.objects.filter(Exists(public)).only("id", "headline", "slug", "last_published_at")


def _public_figures(story_ids: list[int]) -> dict[int, dict[str, Any]]:
    """{story id: its public versions' count, sources and span}, in one GROUP BY over the page's
    stories. A source is the publisher's name for an aggregated version, "" for the site's own
    (as `stories.source_key` has it)."""
    if not story_ids:
        return {}
    source = Case(
        When(
            Q(article__canonical_url__isnull=False) & ~Q(article__canonical_url=""),
            then=F("article__source_name"),
        ),
        default=Value(""),
        output_field=CharField(),
    )
    rows = (
        StoryMembership.objects.filter(
            story_id__in=story_ids, article__in=Article.objects.published().values("pk")
        )
        .order_by()
        .values("story_id")
        .annotate(
            article_count=Count("article_id"),
            source_count=Count(source, distinct=True),
            first_published_at=Min("article__published_at"),
            last_published_at=Max("article__published_at"),
        )
    )
    return {row.pop("story_id"): row for row in rows}


@router.get(
    "/stories",
    response={200: StoryPage, **READ_ERRORS},
    url_name="stories",
    summary="Stories with public versions, most recently reported first",
)
@decorate_view(cacheable)
def list_stories(
    request: HttpRequest,
    cursor: cursors.Cursor = None,
    limit: cursors.Limit = cursors.DEFAULT_LIMIT,
) -> dict[str, Any]:
    """Keyset pagination on the story's (last_published_at, id): two queries a page, however deep."""
    page, next_url = cursors.newest_first(request, _public_stories(), "last_published_at", cursor, limit)
    figures = _public_figures([s.pk for s in page])
    items = [represent.story(request, s, **figures[s.pk]) for s in page if s.pk in figures]
    return {"items": items, "next": next_url}


@router.get(
    "/stories/{story_id}",
    response={200: StoryDetail, **READ_ERRORS},
    url_name="story",
    summary="One story with its public versions as a timeline, earliest first",
)
@decorate_view(cacheable)
def get_story(request: HttpRequest, story_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    # A story merged into another (two workers had started one event twice) answers as the
    # story that absorbed it; the body's id says which.
    found = stories.find(story_id)
    versions = stories.timeline(found) if found is not None else []
    if found is None or not versions:
        raise NotFound(f"No story with id {story_id} has a public version.")
    published = [v.article.published_at for v in versions if v.article.published_at is not None]
    return {
        **represent.story(
            request,
            found,
            article_count=len(versions),
            source_count=len({v.source for v in versions}),
            first_published_at=min(published),
            last_published_at=max(published),
        ),
        "versions": [represent.story_version(request, v) for v in versions],
    }
