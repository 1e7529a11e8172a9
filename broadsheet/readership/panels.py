"""Readership's dashboard panels: views per day for 30 days, and today's most read.

Both read the daily rows (ArticleViews, one per article per local day) through the (day,
article) index: a range of days, never the whole table.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from broadsheet.core import clock
from broadsheet.core.daywindow import DayWindow, cached_series
from broadsheet.core.svgchart import bar_chart
from broadsheet.readership.models import ArticleViews

CHART_DAYS = 30
MOST_READ = 8


def view_counts(window: DayWindow) -> dict[str, list[int]]:
    rows = (
        ArticleViews.objects.filter(day__gte=window.days[0], day__lte=window.days[-1])
        .values("day")
        .annotate(n=Sum("views"))
        .order_by()
    )
    return {"views": window.values({row["day"]: row["n"] for row in rows})}


def views_chart(request: HttpRequest) -> dict[str, Any]:
    window = DayWindow.last(CHART_DAYS)
    counts = cached_series(window, "views", lambda: view_counts(window))
    title = f"Article views per day, last {CHART_DAYS} days"
    return {"chart": bar_chart("chart-views", title, window.labels, counts["views"], unit="views")}


def most_read_today(request: HttpRequest) -> dict[str, Any]:
    """Today's (local day's) most viewed articles, with their views so far."""
    today = timezone.localdate(clock.now())
    rows = list(
        ArticleViews.objects.filter(day=today)
        .select_related("article")
        .only("views", "article__id", "article__headline")
        .order_by("-views", "article_id")[:MOST_READ]
    )
    return {"rows": rows, "day": today}
