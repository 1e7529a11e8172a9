"""A date-range filter on published_at, in place of date_hierarchy.

Django's date_hierarchy lists the years with `SELECT DISTINCT` over every matching row
(0.4-0.9 s on PostgreSQL, ~7 s on SQLite at 1M articles, docs/decisions.md). A range is two
bounds on the published_at index instead: the same cost at any table size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

FROM_VAR = "published_from"
TO_VAR = "published_to"


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise IncorrectLookupParameters(f"Not a date (YYYY-MM-DD): {value!r}") from exc


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


class PublishedRangeFilter(admin.ListFilter):
    """Published between two days (inclusive, in the site's time zone), plus quick ranges."""

    title = "published"
    template = "admin/newsroom/date_range_filter.html"
    quick_ranges = (("Past 7 days", 7), ("Past 30 days", 30), ("Past year", 365))

    def __init__(
        self, request: HttpRequest, params: dict[str, Any], model: Any, model_admin: admin.ModelAdmin
    ) -> None:
        super().__init__(request, params, model, model_admin)
        self.params = request.GET
        for name in (FROM_VAR, TO_VAR):
            if name in params:
                value = params.pop(name)
                self.used_parameters[name] = value[-1] if isinstance(value, list) else value
        self.from_value = str(self.used_parameters.get(FROM_VAR, ""))
        self.to_value = str(self.used_parameters.get(TO_VAR, ""))
        self.from_day = _day(self.from_value)
        self.to_day = _day(self.to_value)

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str | None]:
        return [FROM_VAR, TO_VAR]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.from_day:
            queryset = queryset.filter(published_at__gte=_start_of(self.from_day))
        if self.to_day:
            queryset = queryset.filter(published_at__lt=_start_of(self.to_day + dt.timedelta(days=1)))
        return queryset

    def hidden_params(self) -> list[tuple[str, str]]:
        """The changelist's other parameters, carried through the filter's form."""
        skip = {FROM_VAR, TO_VAR, PAGE_VAR}
        return [(key, value) for key, values in self.params.lists() if key not in skip for value in values]

    def choices(self, changelist: ChangeList) -> Iterator[Any]:
        yield {
            "selected": not (self.from_value or self.to_value),
            "query_string": changelist.get_query_string(remove=[FROM_VAR, TO_VAR]),
            "display": "Any date",
        }
        today = timezone.localdate()
        for label, days in self.quick_ranges:
            start = (today - dt.timedelta(days=days)).isoformat()
            yield {
                "selected": self.from_value == start and self.to_value == today.isoformat(),
                "query_string": changelist.get_query_string({FROM_VAR: start, TO_VAR: today.isoformat()}),
                "display": label,
            }


class ReissuedFilter(admin.SimpleListFilter):
    """Stories a publisher re-issued at another URL, merged into one (article_reissued_idx)."""

    title = "re-issued"
    parameter_name = "reissued"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "Re-issued at another URL")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(~Q(also_carried_as=[]))
        return queryset
