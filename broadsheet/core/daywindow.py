"""The last N days in the site's time zone, for per-day charts: their dates, labels and bounds.

Charts count *local* days (a story published at 23:30 in New York belongs to that evening, not
to the next UTC day), as readership already counts its daily views.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.core.cache import cache
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
    def labels(self) -> list[str]:
        return [f"{day.day} {day:%b}" for day in self.days]

    def values(self, counts: Mapping[dt.date, int]) -> list[int]:
        """One figure per day, 0 for a day absent from `counts`."""
        return [int(counts.get(day, 0)) for day in self.days]

    def cache_key(self, name: str) -> str:
        return (
            f"dashboard:{name}:{self.days[0]:%Y%m%d}:{len(self.days)}:{timezone.get_current_timezone_name()}"
        )


def cached_series(
    window: DayWindow, name: str, compute: Callable[[], dict[str, list[int]]]
) -> dict[str, list[int]]:
    """`compute()` (one list of per-day figures per series), kept CHART_CACHE_SECONDS: a chart is
    a GROUP BY over a month of rows, and the dashboard is every editor's home page."""
    figures: dict[str, list[int]] = cache.get_or_set(window.cache_key(name), compute, CHART_CACHE_SECONDS)
    return figures
