"""Published articles counted per section and local month, kept as articles are written.

The sidebar's "Categories" and "Archives" lists count public stories; a GROUP BY over the
archive for them took ~20 s of worker time at a million stories. MonthCount holds the counts
instead: services.save_article moves an article's count in the transaction that writes it,
and a delete (any delete: the admin's bulk delete bypasses services) takes it off in the
deleting transaction. A row counts an article that is "published" with a date, scheduled
ones included, because a scheduled story goes public with no write at all; readers of the
counts take off the few still scheduled (one indexed query), so the lists are exactly
ArticleQuerySet.published()'s counts.

Writes that bypass services (bulk loads: demo corpus, tests) call rebuild() afterwards, as
does `broadsheet counts rebuild`; so does a change of settings.TIME_ZONE, which moves months.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import TruncMonth
from django.utils import timezone

from broadsheet.newsroom.models import Article, MonthCount

# (section id, year, month)
Key = tuple[int, int, int]


def local_month(when: dt.datetime) -> tuple[int, int]:
    """The site's local (year, month) of `when`, as the monthly archive pages count them."""
    local = timezone.localtime(when, timezone.get_default_timezone())
    return local.year, local.month


def key_of(status: str, section_id: int | None, published_at: dt.datetime | None) -> Key | None:
    """Which row counts an article in this state, or None if none does."""
    if status != Article.Status.PUBLISHED or published_at is None or section_id is None:
        return None
    return (section_id, *local_month(published_at))


def article_key(article: Article | None) -> Key | None:
    if article is None:
        return None
    return key_of(article.status, article.section_id, article.published_at)


def _add(key: Key, delta: int) -> None:
    section_id, year, month = key
    rows = MonthCount.objects.filter(section_id=section_id, year=year, month=month)
    if rows.update(count=F("count") + delta):
        return
    # The month's first story: make its row (another writer may race us to it), then count.
    MonthCount.objects.bulk_create(
        [MonthCount(section_id=section_id, year=year, month=month, count=0)], ignore_conflicts=True
    )
    rows.update(count=F("count") + delta)


def move(before: Key | None, after: Key | None) -> None:
    """An article counted under `before` is now counted under `after` (either may be None)."""
    if before == after:
        return
    if before is not None:
        _add(before, -1)
    if after is not None:
        _add(after, 1)


def article_deleted(sender: Any, instance: Article, **kwargs: Any) -> None:
    """post_delete receiver: the row goes with the article, in the same transaction."""
    move(article_key(instance), None)


def _scheduled() -> Counter[Key]:
    """Counted but not yet public: published with a future date (few; an indexed range)."""
    found: Counter[Key] = Counter()
    for section_id, published_at in Article.objects.scheduled().values_list("section_id", "published_at"):
        found[(section_id, *local_month(published_at))] += 1
    return found


def public_counts() -> dict[Key, int]:
    """{(section id, year, month): public articles}, months without any left out."""
    counts = Counter(
        {
            (s, y, m): n
            for s, y, m, n in MonthCount.objects.values_list("section_id", "year", "month", "count")
        }
    )
    counts.subtract(_scheduled())
    return {key: n for key, n in counts.items() if n > 0}


def by_section() -> dict[int, int]:
    """{section id: public articles}, as ArticleQuerySet.published().count_by_section()."""
    totals: Counter[int] = Counter()
    for (section_id, _year, _month), n in public_counts().items():
        totals[section_id] += n
    return dict(totals)


def by_month() -> list[tuple[dt.date, int]]:
    """(first day of the local month, public articles) for every month with any, newest first."""
    totals: Counter[dt.date] = Counter()
    for (_section_id, year, month), n in public_counts().items():
        totals[dt.date(year, month, 1)] += n
    return sorted(totals.items(), reverse=True)


def fresh_counts() -> dict[Key, int]:
    """The counts worked out from the archive: one GROUP BY (what rebuild() stores)."""
    rows = (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__isnull=False)
        .annotate(month_start=TruncMonth("published_at", tzinfo=timezone.get_default_timezone()))
        .order_by()
        .values("section_id", "month_start")
        .annotate(n=Count("id"))
        .values_list("section_id", "month_start", "n")
    )
    return {(section_id, start.year, start.month): n for section_id, start, n in rows}


@transaction.atomic
def rebuild() -> int:
    """Count the archive again and store it (after bulk loads, or a time-zone change); returns
    how many rows were written."""
    counts = fresh_counts()
    MonthCount.objects.all().delete()
    MonthCount.objects.bulk_create(
        [MonthCount(section_id=s, year=y, month=m, count=n) for (s, y, m), n in counts.items()],
        batch_size=500,
    )
    return len(counts)
