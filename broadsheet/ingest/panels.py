"""Ingest's dashboard panels: stories held from feeds, sources failing now, and what the polls
stored, found duplicate or failed on per day (declared on IngestConfig.dashboard_panels)."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum
from django.http import HttpRequest
from django.urls import reverse

from broadsheet.core.daywindow import DayWindow, cached_series
from broadsheet.core.svgchart import Series, stacked_bar_chart
from broadsheet.ingest.models import Entry, FetchLog, Source
from broadsheet.newsroom.models import Article

LIST_SIZE = 8
COUNT_CAP = 1000
CHART_DAYS = 30

# Why a feed story is a draft (publish.store_new holds it): the source asks for review, or no
# section was certain (no category matched and the classifier was not confident enough).
HELD_BY_SOURCE = "source reviews every story"
HELD_UNFILED = "no confident section"
HELD_OTHER = "aggregated draft"


def held_from_feeds(request: HttpRequest) -> dict[str, Any]:
    """Aggregated drafts, newest first, each with why it was held."""
    # Drafts on the status + published_at index, newest first; the canonical URL marks a feed's.
    held = Article.objects.filter(status=Article.Status.DRAFT, canonical_url__isnull=False)
    found = held.order_by()[: COUNT_CAP + 1].count()
    rows = list(
        held.order_by("-published_at", "-id")
        .select_related("section")
        .only("id", "headline", "published_at", "source_name", "section__name")[:LIST_SIZE]
    )
    sources = {
        entry["article_id"]: entry
        for entry in Entry.objects.filter(article_id__in=[row.pk for row in rows]).values(
            "article_id", "source_id", "source__publish_directly"
        )
    }
    items = []
    for row in rows:
        entry = sources.get(row.pk)
        if entry is None:
            reason = HELD_OTHER
        elif entry["source__publish_directly"]:
            reason = HELD_UNFILED
        else:
            reason = HELD_BY_SOURCE
        items.append({"article": row, "reason": reason})
    return {
        "items": items,
        "total": min(found, COUNT_CAP),
        "more": found > COUNT_CAP,
        "more_url": f"{reverse('admin:newsroom_article_changelist')}?state=draft",
    }


def failing_sources(request: HttpRequest) -> dict[str, Any]:
    """Enabled sources whose last polls failed, the longest failing first, and sources the
    scheduler switched off after failing too long."""
    failing = Source.objects.filter(enabled=True, error_count__gt=0).order_by("first_failure_at", "id")
    disabled = (
        Source.objects.filter(enabled=False).exclude(disabled_reason="").order_by("-last_fetch_at", "id")
    )
    return {
        "failing": list(failing[:LIST_SIZE]),
        "failing_total": failing[: COUNT_CAP + 1].count(),
        "disabled": list(disabled[:LIST_SIZE]),
        "list_url": f"{reverse('admin:ingest_source_changelist')}",
    }


def fetch_counts(window: DayWindow) -> dict[str, list[int]]:
    """Per local day: stories stored (new), entries found to be duplicates, and failures (a
    failed poll counts one, as does each entry that failed in a poll that got through); over
    the window's range of the started_at index."""
    return window.per_day(
        FetchLog.objects.all(),
        "started_at",
        {"stored": Sum("new"), "duplicates": Sum("duplicates"), "failed": Sum("errors")},
    )


def ingest_chart(request: HttpRequest) -> dict[str, Any]:
    window = DayWindow.last(CHART_DAYS)
    counts = cached_series(window, "ingest", lambda: fetch_counts(window))
    series = [
        Series("stored", counts["stored"]),
        Series("duplicate", counts["duplicates"]),
        Series("failed", counts["failed"]),
    ]
    title = f"Feed entries per day, last {CHART_DAYS} days"
    return {"chart": stacked_bar_chart("chart-ingest", title, window.labels, series)}
