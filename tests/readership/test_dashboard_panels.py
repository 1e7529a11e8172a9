"""Readership's dashboard panels: views per day for 30 days, and today's most read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import timezone

from broadsheet.core import clock
from broadsheet.core.daywindow import DayWindow
from broadsheet.readership import panels
from broadsheet.readership.counting import count_view
from broadsheet.readership.models import ArticleViews

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_as_root(db):
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.create_superuser("root", password="pw-root")
    return request


def test_most_read_today_ranks_todays_views_only(make_article, request_as_root):
    ferry, market, old_news = make_article(), make_article(), make_article()
    for article, views in ((ferry, 2), (market, 5)):
        for _ in range(views):
            count_view(article.pk)
    yesterday = timezone.localdate(clock.now()) - dt.timedelta(days=1)
    ArticleViews.objects.create(article=old_news, day=yesterday, views=500)
    context = panels.most_read_today(request_as_root)
    assert [(row.article_id, row.views) for row in context["rows"]] == [(market.pk, 5), (ferry.pk, 2)]


def test_most_read_stops_at_its_size(make_article, request_as_root):
    today = timezone.localdate(clock.now())
    for n in range(panels.MOST_READ + 2):
        ArticleViews.objects.create(article=make_article(), day=today, views=n + 1)
    rows = panels.most_read_today(request_as_root)["rows"]
    assert [row.views for row in rows] == list(range(panels.MOST_READ + 2, 2, -1))


def test_views_per_day_sums_every_article_in_the_window(make_article):
    first, second = make_article(), make_article()
    window = DayWindow.last(30)
    ArticleViews.objects.create(article=first, day=window.days[-1], views=3)
    ArticleViews.objects.create(article=second, day=window.days[-1], views=4)
    ArticleViews.objects.create(article=first, day=window.days[0], views=10)
    ArticleViews.objects.create(article=first, day=window.days[0] - dt.timedelta(days=1), views=1000)
    views = panels.view_counts(window)["views"]
    assert len(views) == 30
    assert (views[0], views[-1], sum(views)) == (10, 7, 17)


def test_views_chart_is_cached_for_a_few_minutes(make_article, request_as_root):
    article = make_article()
    count_view(article.pk)
    first = str(panels.views_chart(request_as_root)["chart"])
    count_view(article.pk)
    # The figure is the cached one: a chart may be five minutes old, and costs one GROUP BY.
    assert str(panels.views_chart(request_as_root)["chart"]) == first
    assert "1 views" in first
