"""A believable past for the demo: a month of reads, today's hourly reads, and the wire's polls.

The site only learns these from readers and the scheduler over weeks; the demo writes the
roll-up rows they would have left, so Popular, Trending and the dashboard's charts have a
shape on the first visit. Every figure is drawn from a generator seeded by the article's slug
(or the source's URL): a second load writes the same numbers, and rows already there stay.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import zlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils import timezone

from broadsheet.core import clock
from broadsheet.ingest.models import FetchLog, Source
from broadsheet.newsroom.models import Article
from broadsheet.readership.models import ArticleViews, HourlyViews

HISTORY_DAYS = 30
TRENDING_HOURS = 24
# How many recent stories readers are "on" today (Trending), and how many of them surge.
TRENDING_STORIES = 10
SURGING = 2
# Readers' week: fewer on weekends (Monday first).
WEEKDAY_FACTOR = (1.0, 1.05, 1.0, 0.95, 0.9, 0.65, 0.7)
# The demo's publishers live on the reserved .example domain (RFC 2606): a source there is
# the demo's, never a real one, so only those are given a past of polls.
DEMO_SOURCE_SUFFIX = ".example"
POLLS_PER_DAY = 8
POLL_MESSAGE = "demo history (written by `broadsheet demo`, not a real poll)"


@dataclass(frozen=True)
class HistoryResult:
    daily_rows: int
    hourly_rows: int
    poll_rows: int


def _rng(key: str) -> random.Random:
    # crc32, not hash(): Python salts str hashes per process and runs must be reproducible.
    return random.Random(zlib.crc32(key.encode()))


def daily_views(appeal: float, age_days: int, weekday: int, rng: random.Random) -> int:
    """One article's views on one day: a launch peak that fades over a few days into a long
    tail, scaled by how much this story appeals and by the day of the week."""
    fade = 0.2 + 0.8 * math.exp(-age_days / 2.5)
    return int(appeal * fade * WEEKDAY_FACTOR[weekday] * rng.uniform(0.8, 1.2))


def record_daily_views(now: dt.datetime) -> int:
    """Daily rows for the last HISTORY_DAYS local days of every public article, from its
    publication on (today only as far as the day has gone); returns how many were new."""
    today = timezone.localdate(now)
    day_fraction = max(
        0.1,
        (timezone.localtime(now) - timezone.localtime(now).replace(hour=0, minute=0)) / dt.timedelta(days=1),
    )
    first = today - dt.timedelta(days=HISTORY_DAYS - 1)
    rows = []
    for article_id, slug, published_at in Article.objects.published().values_list(
        "id", "slug", "published_at"
    ):
        rng = _rng(f"views:{slug}")
        appeal = rng.choice((60, 120, 200, 350, 600, 1100))
        published = timezone.localdate(published_at)
        for back in range(HISTORY_DAYS):
            day = today - dt.timedelta(days=back)
            if day < max(published, first):
                break
            views = daily_views(appeal, (day - published).days, day.weekday(), rng)
            if day == today:
                views = int(views * day_fraction)
            if views:
                rows.append(ArticleViews(article_id=article_id, day=day, views=views))
    before = ArticleViews.objects.count()
    ArticleViews.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return ArticleViews.objects.count() - before


def record_hourly_views(now: dt.datetime) -> int:
    """Hourly rows (UTC hours, as the beacon counts them) for the last day's most recent public
    stories, two of them read more each hour: Trending differs from the week's Popular."""
    current = now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    recent = list(
        Article.objects.published()
        .order_by("-published_at", "-id")
        .values_list("id", "slug", "published_at")[:TRENDING_STORIES]
    )
    rows = []
    for rank, (article_id, slug, published_at) in enumerate(recent):
        rng = _rng(f"hourly:{slug}")
        base = rng.uniform(4, 30)
        for back in range(TRENDING_HOURS):
            hour = current - dt.timedelta(hours=back)
            if hour + dt.timedelta(hours=1) <= published_at:
                break
            growth = 1.0 + (TRENDING_HOURS - back) / 4 if rank < SURGING else 1.0
            views = int(base * growth * rng.uniform(0.6, 1.4))
            if views:
                rows.append(HourlyViews(article_id=article_id, hour=hour, views=views))
    before = HourlyViews.objects.count()
    HourlyViews.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return HourlyViews.objects.count() - before


def demo_sources() -> list[Source]:
    return [
        s
        for s in Source.objects.order_by("id")
        if (urlsplit(s.feed_url).hostname or "").endswith(DEMO_SOURCE_SUFFIX)
    ]


def record_polls(now: dt.datetime) -> int:
    """POLLS_PER_DAY polls a day over the past HISTORY_DAYS - 1 days for each demo source that
    has none before today (its real polls today are the load's own); most find a story or two,
    some only duplicates, one day in a while a poll fails."""
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = []
    for source in demo_sources():
        if FetchLog.objects.filter(source=source, started_at__lt=start_of_today).exists():
            continue
        rng = _rng(f"polls:{source.feed_url}")
        for back in range(1, HISTORY_DAYS):
            day_start = start_of_today - dt.timedelta(days=back)
            for poll in range(POLLS_PER_DAY):
                started = day_start + dt.timedelta(
                    hours=poll * 24 / POLLS_PER_DAY, minutes=rng.randint(0, 50)
                )
                failed = rng.random() < 0.03
                # Mostly nothing new: a publisher posts a few stories a day, not per poll.
                new = 0 if failed else rng.choice((0, 0, 0, 0, 0, 1, 1, 2))
                rows.append(
                    FetchLog(
                        source=source,
                        started_at=started,
                        finished_at=started + dt.timedelta(seconds=rng.uniform(0.4, 3.0)),
                        status=503 if failed else 200,
                        ok=not failed,
                        new=new,
                        duplicates=0 if failed else rng.choice((0, 0, 0, 0, 0, 1)),
                        errors=1 if failed else 0,
                        message=POLL_MESSAGE,
                    )
                )
    FetchLog.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def record_history(now: dt.datetime | None = None) -> HistoryResult:
    now = now or clock.now()
    return HistoryResult(record_daily_views(now), record_hourly_views(now), record_polls(now))
