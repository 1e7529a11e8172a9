"""Popular from the daily roll-ups: a week's views, public articles only, topped up with the latest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from broadsheet.core import clock
from broadsheet.readership import popular
from broadsheet.readership.models import ArticleViews

pytestmark = pytest.mark.django_db


def test_popular_ranks_by_views_over_the_last_seven_days(make_article):
    today = timezone.localdate(clock.now())
    old_hit = make_article(headline="Old hit")
    steady = make_article(headline="Steady")
    tie_older = make_article(headline="Tie older", published_at=clock.now() - dt.timedelta(days=3))
    tie_newer = make_article(headline="Tie newer", published_at=clock.now() - dt.timedelta(days=1))
    hidden = make_article(headline="Withdrawn one", publish=False)
    ArticleViews.objects.bulk_create(
        [
            # Eight days ago: outside the window, however big.
            ArticleViews(article=old_hit, day=today - dt.timedelta(days=7), views=10_000),
            ArticleViews(article=old_hit, day=today, views=1),
            ArticleViews(article=steady, day=today, views=30),
            ArticleViews(article=steady, day=today - dt.timedelta(days=6), views=30),
            ArticleViews(article=tie_older, day=today, views=20),
            ArticleViews(article=tie_newer, day=today - dt.timedelta(days=2), views=20),
            ArticleViews(article=hidden, day=today, views=500),
        ]
    )

    items = popular.compute_popular()

    headlines = [item["headline"] for item in items]
    assert headlines[:4] == ["Steady", "Tie newer", "Tie older", "Old hit"]
    assert items[0]["views"] == 60
    assert "Withdrawn one" not in headlines
    # Topped up with the latest articles that had no views in the window.
    assert len(items) == 4  # only four public articles exist
    assert items[0]["url"] == steady.get_absolute_url()


def test_popular_uses_one_aggregate_and_one_article_query(make_article, django_assert_num_queries):
    today = timezone.localdate(clock.now())
    articles = [make_article() for _ in range(7)]
    ArticleViews.objects.bulk_create(
        ArticleViews(article=a, day=today - dt.timedelta(days=d), views=i + 1)
        for i, a in enumerate(articles)
        for d in range(7)
    )
    with django_assert_num_queries(2):
        items = popular.compute_popular()
    assert len(items) == 6
    assert items[0]["headline"] == articles[-1].headline


def test_popular_falls_back_to_latest_without_views(make_article):
    for n in range(8):
        make_article(headline=f"Story {n}", published_at=clock.now() - dt.timedelta(hours=n + 1))
    items = popular.compute_popular()
    assert [i["headline"] for i in items] == [f"Story {n}" for n in range(6)]
