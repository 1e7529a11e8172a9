"""The last N days in the site's time zone, for per-day charts: their dates, labels and bounds.

Charts count *local* days (a story published at 23:30 in New York belongs to that evening, not
to the next UTC day), as readership already counts its daily views.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Aggregate, Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from broadsheet.core import clock

CHART_CACHE_SECONDS = 300  # chart figures may be five minutes old; the lists next to them are live


@dataclass(frozen=True)
class DayWindow:
    days: tuple[dt.date, ...]

    @classmethod
    def last(cls, count: int, now: dt.datetime | None = None) -> DayWindow:
        """`count` local days ending today."""
        if count < 1:
            raise ValueError("a day window holds at least one day")
        today = timezone.localdate(now or clock.now())
        return cls(tuple(today - dt.timedelta(days=back) for back in range(count - 1, -1, -1)))

    @property
    def start(self) -> dt.datetime:
        """Local midnight opening the first day, as an aware datetime (a bound for an index)."""
        midnight = dt.datetime.combine(self.days[0], dt.time.min)
        return timezone.make_aware(midnight, timezone.get_current_timezone())

    @property
    def bounds(self) -> list[tuple[dt.datetime, dt.datetime]]:
        """Each day's [local midnight, next local midnight), as aware datetimes (a DST day is
        23 or 25 hours long, so the bounds are computed per day, not as start + n * 24 h)."""
        zone = timezone.get_current_timezone()
        midnights = [
            timezone.make_aware(dt.datetime.combine(day, dt.time.min), zone)
            for day in (*self.days, self.days[-1] + dt.timedelta(days=1))
        ]
        return list(zip(midnights, midnights[1:], strict=False))

    def per_day(
        self, queryset: QuerySet[Any], field: str, measures: Mapping[str, Aggregate]
    ) -> dict[str, list[int]]:
        """One figure per day for each measure (`{"stored": Sum("new")}`), in one GROUP BY over
        the window's range of `field` (a datetime column with an index).

        Why the day is found by comparing with the days' bounds (a CASE) and not by
        TruncDate(field, tzinfo): on SQLite, converting each row's time to the site's zone is
        a Python function call per row (3.5 s for 72,000 feed polls on this machine; one
        conditional aggregate per day and measure was no better, 3.7 s). The CASE runs inside
        the database, and is the same SQL on PostgreSQL."""
        bounds = self.bounds
        bucket = _bisect(field, [low for low, _high in bounds], 0, len(bounds))
        rows = (
            queryset.filter(**{f"{field}__gte": self.start, f"{field}__lt": bounds[-1][1]})
            .annotate(dashboard_day=bucket)
            .values("dashboard_day")
            .annotate(**measures)
            .order_by()
        )
        figures = {name: [0] * len(self.days) for name in measures}
        for row in rows:
            for name in measures:
                figures[name][row["dashboard_day"]] = int(row[name] or 0)
        return figures

    @property
    def labels(self) -> list[str]:
        return [f"{day.day} {day:%b}" for day in self.days]

    def values(self, counts: Mapping[dt.date, int]) -> list[int]:
        """One figure per day, 0 for a day absent from `counts`."""
        return [int(counts.get(day, 0)) for day in self.days]

    def cache_key(self, name: str) -> str:
        return (
            f"dashboard:{name}:{self.days[0]:%Y%m%d}:{len(self.days)}:{timezone.get_current_timezone_name()}"
        )


def _bisect(field: str, starts: list[dt.datetime], low: int, high: int) -> Case | Value:
    """The index of the day (from `low` to `high` - 1) that `field` falls in, as nested CASEs
    splitting the days in half: log2(days) comparisons a row."""
    if high - low == 1:
        return Value(low, output_field=IntegerField())
    middle = (low + high) // 2
    return Case(
        When(**{f"{field}__lt": starts[middle]}, then=_bisect(field, starts, low, middle)),
        default=_bisect(field, starts, middle, high),
        output_field=IntegerField(),
    )


def cached_series(
    window: DayWindow, name: str, compute: Callable[[], dict[str, list[int]]]
) -> dict[str, list[int]]:
    """`compute()` (one list of per-day figures per series), kept CHART_CACHE_SECONDS: a chart is
    a GROUP BY over a month of rows, and the dashboard is every editor's home page."""
    figures = cache.get_or_set(window.cache_key(name), compute, CHART_CACHE_SECONDS)
    return figures if isinstance(figures, dict) else compute()
