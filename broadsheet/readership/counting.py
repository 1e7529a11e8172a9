"""Counting a view: one upsert, run for the day's row and for the hour's row.

INSERT … ON CONFLICT DO UPDATE is understood by both SQLite (3.24+) and PostgreSQL, and
neither loses an increment when two requests race for the same new row. The day is the site's
local day (Popular and the admin count local days); the hour is a UTC hour (Trending's window).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, models
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from broadsheet.core import clock
from broadsheet.readership.models import ArticleViews, HourlyViews


def hour_of(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def add_view(
    cursor: CursorWrapper, model: type[models.Model], period: str, value: Any, article_id: int
) -> None:
    """Add one view to the article's row for `value` of the `period` column: one statement,
    safe under concurrency."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(period)
    sql = (
        f"INSERT INTO {table} (article_id, {column}, views) VALUES (%s, %s, 1) "
        f"ON CONFLICT (article_id, {column}) DO UPDATE SET views = {table}.views + 1"
    )
    cursor.execute(sql, [article_id, value])


def count_view(article_id: int) -> None:
    """Add one view to the article's row for today and its row for this hour (two statements,
    the beacon's only writes). An article deleted meanwhile raises IntegrityError."""
    now = clock.now()
    day = connection.ops.adapt_datefield_value(timezone.localdate(now))
    hour = connection.ops.adapt_datetimefield_value(hour_of(now))
    with connection.cursor() as cursor:
        add_view(cursor, ArticleViews, "day", day, article_id)
        add_view(cursor, HourlyViews, "hour", hour, article_id)
