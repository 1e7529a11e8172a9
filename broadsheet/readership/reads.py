"""Recent reads, for a ranking kept outside readership: discovery's top stories weigh them.

The one readership module another middle-tier package imports (pyproject's import-linter
contract says so): it answers "how often were these read lately" and keeps the hourly table
behind it, so the caller needs neither the model nor the hour buckets.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Sum

from broadsheet.readership.counting import hour_of
from broadsheet.readership.models import HourlyViews


def recent_reads(by: str, hours: int, now: dt.datetime, **article_filters: Any) -> dict[Any, int]:
    """Views counted since `hours` whole hours before `now`'s hour, summed per value of `by`
    (a lookup from Article, e.g. its story), over the articles matching `article_filters`
    (lookups from Article). One GROUP BY query."""
    group = f"article__{by}"
    rows = (
        HourlyViews.objects.filter(
            hour__gte=hour_of(now) - dt.timedelta(hours=hours),
            **{f"article__{lookup}": value for lookup, value in article_filters.items()},
        )
        .values(group)
        .annotate(total=Sum("views"))
        .values_list(group, "total")
    )
    return {key: int(total) for key, total in rows}
