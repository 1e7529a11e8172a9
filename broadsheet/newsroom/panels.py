"""The newsroom's dashboard panels: my drafts, waiting for review, the scheduled queue, recently
published, and stories per day by origin (declared on NewsroomConfig.dashboard_panels).

Every query is bounded: a LIMIT on an index walk (status + published_at, created_by), or a
count that stops at COUNT_CAP, or a GROUP BY over 30 days of `published_at` range.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from broadsheet.core import clock
from broadsheet.core.daywindow import DayWindow, cached_series
from broadsheet.core.svgchart import Series, stacked_bar_chart
from broadsheet.newsroom import permissions
from broadsheet.newsroom.models import Article

LIST_SIZE = 8
COUNT_CAP = 1000  # "1,000+": counting further would walk the index for a figure nobody reads
CHART_DAYS = 30


def bounded_count(queryset: QuerySet[Any], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows, counted up to `cap`; and whether there are more."""
    found = queryset.order_by()[: cap + 1].count()
    return min(found, cap), found > cap


def _changelist(state: str) -> str:
    return f"{reverse('admin:newsroom_article_changelist')}?state={state}"


def listing(queryset: QuerySet[Article], *, state: str, empty: str) -> dict[str, Any]:
    """A panel's first rows (`queryset` is ordered), how many there are in all (bounded), and
    the article list filtered to the same state for the rest."""
    total, more = bounded_count(queryset)
    rows = list(
        queryset.select_related("section", "created_by").only(
            "id", "headline", "status", "published_at", "updated_at", "section__name", "created_by__username"
        )[:LIST_SIZE]
    )
    return {"articles": rows, "total": total, "more": more, "more_url": _changelist(state), "empty": empty}


def visible_articles(user: Any) -> QuerySet[Article] | None:
    """Every article for those who may see them all; a writer's own; None for the rest (the
    same rule as the article list's, ArticleAdmin.get_queryset)."""
    if user.has_perm(permissions.VIEW) or user.has_perm(permissions.CHANGE):
        return Article.objects.all()
    if user.has_perm(permissions.CHANGE_OWN) or user.has_perm(permissions.PUBLISH_OWN):
        return Article.objects.filter(created_by=user)
    return None


def my_drafts(request: HttpRequest) -> dict[str, Any]:
    """The user's own drafts and pending submissions, last changed first (the created_by index:
    one writer's articles, never the table)."""
    mine = Article.objects.filter(
        created_by=request.user.pk, status__in=[Article.Status.DRAFT, Article.Status.PENDING_REVIEW]
    )
    return listing(mine.order_by("-updated_at", "-id"), state="draft", empty="No drafts of yours.")


def waiting_for_review(request: HttpRequest) -> dict[str, Any]:
    """Contributors' submissions (Pending review), oldest first: they have waited longest."""
    pending = Article.objects.filter(status=Article.Status.PENDING_REVIEW).order_by("updated_at", "id")
    return listing(pending, state="pending_review", empty="Nothing submitted for review.")


def scheduled_queue(request: HttpRequest) -> dict[str, Any] | None:
    """Published with a future time, soonest first (times in the site's time zone)."""
    visible = visible_articles(request.user)
    if visible is None:
        return None
    queue = visible.filter(status=Article.Status.PUBLISHED, published_at__gt=clock.now())
    return {
        **listing(queue.order_by("published_at", "id"), state="scheduled", empty="Nothing scheduled."),
        "time_zone": timezone.get_current_timezone_name(),
    }


def recently_published(request: HttpRequest) -> dict[str, Any] | None:
    visible = visible_articles(request.user)
    if visible is None:
        return None
    # The status + published_at index walked back from now: LIMIT rows read, and no count
    # (every site has "more" published stories).
    recent = visible.filter(status=Article.Status.PUBLISHED, published_at__lte=clock.now())
    rows = list(
        recent.order_by("-published_at", "-id")
        .select_related("section")
        .only("id", "headline", "status", "published_at", "section__name")[:LIST_SIZE]
    )
    return {"articles": rows, "more_url": _changelist("published"), "empty": "Nothing published yet."}


def story_counts(window: DayWindow) -> dict[str, list[int]]:
    """Published stories per local day, own and aggregated (an aggregated story has the
    original's URL, Article.is_aggregated), over the window's range of the published_at index."""
    aggregated = Q(canonical_url__isnull=False) & ~Q(canonical_url="")
    published = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__lte=clock.now())
    return window.per_day(
        published,
        "published_at",
        {"own": Count("id", filter=~aggregated), "aggregated": Count("id", filter=aggregated)},
    )


def stories_chart(request: HttpRequest) -> dict[str, Any]:
    window = DayWindow.last(CHART_DAYS)
    counts = cached_series(window, "stories", lambda: story_counts(window))
    series = [Series("own", counts["own"]), Series("aggregated", counts["aggregated"])]
    chart = stacked_bar_chart(
        "chart-stories", f"Stories published per day, last {CHART_DAYS} days", window.labels, series
    )
    return {"chart": chart}
