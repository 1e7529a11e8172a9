"""Trending from hourly roll-ups (via the beacon), top stories, the refresh task and the widgets."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.template import Context, Template

from broadsheet.core import clock
from broadsheet.discovery import tasks, trending
from broadsheet.discovery.models import HourlyViews, Story
from broadsheet.newsroom.models import Article

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0"


def test_the_beacon_adds_browser_views_to_the_hourly_row(client, make_article):
    article = make_article()
    for agent in (BROWSER, BROWSER, "curl/8.5"):
        assert client.post("/v/", {"a": article.pk}, headers={"user-agent": agent}).status_code == 204
    (row,) = HourlyViews.objects.filter(article=article)
    assert row.views == 2
    assert row.hour == trending.hour_of(clock.now())


def test_recent_views_outweigh_more_views_long_ago():
    now = clock.now()
    hour = trending.hour_of(now)
    rows = [(1, hour, 10), (2, hour - dt.timedelta(hours=12), 100), (3, hour - dt.timedelta(hours=3), 10)]
    scores = trending.decayed_scores(rows, now)
    assert scores[1] > scores[2] > scores[3]
    assert scores[3] == pytest.approx(5.0)


def test_trending_ranks_by_decayed_views_and_skips_withdrawn(make_article):
    hot, warm, gone = make_article(), make_article(), make_article()
    hour = trending.hour_of(clock.now())
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
    HourlyViews.objects.create(article=article, hour=trending.hour_of(clock.now()), views=3)
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
    hour = trending.hour_of(clock.now())
    HourlyViews.objects.create(article=article, hour=hour, views=1)
    HourlyViews.objects.create(
        article=article, hour=hour - dt.timedelta(hours=trending.KEEP_HOURS + 1), views=1
    )
    assert trending.prune() == 1
    assert HourlyViews.objects.count() == 1


def test_top_stories_rank_more_sources_first_and_show_on_the_home_page(client, events):
    top = trending.compute_top_stories()
    assert top
    assert all(item["articles"] >= 2 for item in top)
    now = clock.now()
    scores = [
        trending.story_score(s["sources"], s["articles"], (now - s["updated_at"]).total_seconds() / 3600, 0)
        for s in top
    ]
    assert scores == sorted(scores, reverse=True)
    fire = Story.objects.get(headline__startswith="Fire destroys Saltmarsh Road")
    assert fire.pk in [s["id"] for s in top[:2]]  # four sources, eight hours old
    html = client.get("/").content.decode()
    assert "Top stories" in html
    assert fire.get_absolute_url() in html


def test_story_score_prefers_sources_then_freshness_then_reads():
    assert trending.story_score(3, 3, 10, 0) > trending.story_score(2, 2, 10, 0)
    assert trending.story_score(2, 2, 1, 0) > trending.story_score(2, 2, 20, 0)
    assert trending.story_score(2, 2, 5, 1000) > trending.story_score(2, 2, 5, 0)
