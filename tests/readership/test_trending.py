"""Trending from the hourly roll-ups: the decay, the refresh task and its hook, pruning, the widget."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.template import Context, Template

from broadsheet.core import clock
from broadsheet.newsroom.models import Article
from broadsheet.readership import tasks, trending
from broadsheet.readership.counting import hour_of
from broadsheet.readership.models import HourlyViews
from broadsheet.runtime import scheduler

pytestmark = pytest.mark.django_db


def test_recent_views_outweigh_more_views_long_ago():
    now = clock.now()
    hour = hour_of(now)
    rows = [(1, hour, 10), (2, hour - dt.timedelta(hours=12), 100), (3, hour - dt.timedelta(hours=3), 10)]
    scores = trending.decayed_scores(rows, now)
    assert scores[1] > scores[2] > scores[3]
    assert scores[3] == pytest.approx(5.0)


def test_trending_ranks_by_decayed_views_and_skips_withdrawn(make_article):
    hot, warm, gone = make_article(), make_article(), make_article()
    hour = hour_of(clock.now())
    HourlyViews.objects.bulk_create(
        [
            HourlyViews(article=hot, hour=hour, views=50),
            HourlyViews(article=warm, hour=hour - dt.timedelta(hours=6), views=80),
            HourlyViews(article=gone, hour=hour, views=500),
            HourlyViews(article=warm, hour=hour - dt.timedelta(days=3), views=10_000),  # outside the window
        ]
    )
    Article.objects.filter(pk=gone.pk).update(status=Article.Status.WITHDRAWN)
    assert [item["id"] for item in trending.compute_trending()] == [hot.pk, warm.pk]


def trending_widget() -> str:
    """The Trending widget as the sidebar renders it ("" when it shows nothing)."""
    sidebar = Template("{% load chrome %}{% site_sidebar %}").render(Context())
    match = re.search(r'<section class="widget widget--trending".*?</section>', sidebar, re.S)
    return match.group() if match else ""


def test_the_widget_shows_the_cached_list_until_the_refresh_task_runs(make_article):
    article = make_article(headline="Gull census finds record numbers")
    assert trending_widget() == ""  # no views yet: no widget
    HourlyViews.objects.create(article=article, hour=hour_of(clock.now()), views=3)
    assert "Gull census" not in trending_widget()
    tasks.refresh_trending.enqueue()
    html = trending_widget()
    assert "Gull census finds record numbers" in html
    assert article.get_absolute_url() in html


def test_the_scheduler_hook_enqueues_one_refresh_per_period():
    assert tasks.schedule_refresh() is True
    assert tasks.schedule_refresh() is False
    cache.delete(tasks.REFRESH_CLAIM_KEY)
    assert tasks.schedule_refresh() is True


def test_old_hourly_rows_are_pruned(make_article):
    article = make_article()
    hour = hour_of(clock.now())
    HourlyViews.objects.create(article=article, hour=hour, views=1)
    HourlyViews.objects.create(
        article=article, hour=hour - dt.timedelta(hours=trending.KEEP_HOURS + 1), views=1
    )
    assert trending.prune() == 1
    assert HourlyViews.objects.count() == 1


def test_the_scheduler_runs_the_hook(make_article):
    """Trending refreshes only if a scheduler tick calls readership's hook."""
    article = make_article(headline="Gull census finds record numbers")
    HourlyViews.objects.create(article=article, hour=hour_of(clock.now()), views=3)
    hooks = [hook.task for hook in scheduler.declared()]
    assert "broadsheet.readership.tasks.schedule_refresh" in hooks
    assert scheduler.resolve("broadsheet.readership.tasks.schedule_refresh")() is True
    assert "Gull census finds record numbers" in trending_widget()


def test_the_refresh_command_recomputes_trending(make_article, capsys):
    from broadsheet.cli import main

    article = make_article(headline="Ferry timetable returns to summer hours")
    HourlyViews.objects.create(article=article, hour=hour_of(clock.now()), views=4)
    assert main(["readership", "refresh"]) == 0
    assert "Trending refreshed" in capsys.readouterr().out
    assert "Ferry timetable returns to summer hours" in trending_widget()
