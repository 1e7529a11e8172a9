"""Top stories: story clusters ranked by sources, freshness and reads, shown on the home page."""

from __future__ import annotations

import datetime as dt

import pytest

from broadsheet.core import clock
from broadsheet.discovery import tasks, top_stories
from broadsheet.discovery.models import Story, StoryMembership
from broadsheet.readership.counting import hour_of
from broadsheet.readership.models import HourlyViews

pytestmark = pytest.mark.django_db


def test_top_stories_rank_more_sources_first_and_show_on_the_home_page(client, events):
    top = top_stories.compute_top_stories()
    assert top
    assert all(item["articles"] >= 2 for item in top)
    now = clock.now()
    scores = [
        top_stories.story_score(
            s["sources"], s["articles"], (now - s["updated_at"]).total_seconds() / 3600, 0
        )
        for s in top
    ]
    assert scores == sorted(scores, reverse=True)
    fire = Story.objects.get(headline__startswith="Fire destroys Saltmarsh Road")
    assert fire.pk in [s["id"] for s in top[:2]]  # four sources, eight hours old
    html = client.get("/").content.decode()
    assert "Top stories" in html
    assert fire.get_absolute_url() in html


def test_story_score_prefers_sources_then_freshness_then_reads():
    assert top_stories.story_score(3, 3, 10, 0) > top_stories.story_score(2, 2, 10, 0)
    assert top_stories.story_score(2, 2, 1, 0) > top_stories.story_score(2, 2, 20, 0)
    assert top_stories.story_score(2, 2, 5, 1000) > top_stories.story_score(2, 2, 5, 0)


def test_reads_of_the_last_day_lift_a_story(events):
    """Reads of a story's versions count for the last day's hours only."""
    before = [s["id"] for s in top_stories.compute_top_stories(limit=50)]
    assert len(before) >= 2
    last = before[-1]
    version = StoryMembership.objects.filter(story_id=last).exclude(article__isnull=True).first()
    assert version is not None
    hour = hour_of(clock.now())
    HourlyViews.objects.create(article_id=version.article_id, hour=hour - dt.timedelta(hours=30), views=10**6)
    assert [s["id"] for s in top_stories.compute_top_stories(limit=50)] == before
    HourlyViews.objects.create(article_id=version.article_id, hour=hour - dt.timedelta(hours=2), views=10**6)
    after = [s["id"] for s in top_stories.compute_top_stories(limit=50)]
    assert after.index(last) < before.index(last)


def test_the_refresh_task_caches_top_stories(events, django_assert_num_queries):
    expected = top_stories.compute_top_stories()
    tasks.refresh_top_stories.call()
    with django_assert_num_queries(0):
        assert top_stories.top_stories() == expected


def test_the_scheduler_hook_enqueues_one_refresh_per_period():
    assert tasks.schedule_refresh() is True
    assert tasks.schedule_refresh() is False
