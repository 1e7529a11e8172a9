"""Recent reads, for a ranking kept outside readership: discovery's top stories and the
newsletter digest weigh them.

The one readership module another middle-tier package imports (pyproject's import-linter
contract says so): it answers "how often were these read lately" and keeps the tables behind
it, so the caller needs neither the models nor the buckets. The digest cannot import it even
so: it asks `views_between` through the ranking signal on readership's AppConfig
(core/ranking.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from broadsheet.readership.counting import hour_of
from broadsheet.readership.models import ArticleViews, HourlyViews


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


def views_between(article_ids: Sequence[int], since: dt.datetime, until: dt.datetime) -> dict[int, int]:
    """The articles' views on the site-time days from `since`'s to `until`'s, from the daily
    roll-ups (whole days: a digest's 24 hours touch two of them). One GROUP BY query."""
    rows = (
        ArticleViews.objects.filter(
            article_id__in=article_ids,
            day__gte=timezone.localdate(since),
            day__lte=timezone.localdate(until),
        )
        .values("article_id")
        .annotate(total=Sum("views"))
        .values_list("article_id", "total")
    )
    return {int(article_id): int(total) for article_id, total in rows}
