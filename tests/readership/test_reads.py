"""Recent reads for rankings kept elsewhere: summed per a lookup from the article, in a window."""

from __future__ import annotations

import datetime as dt

import pytest

from broadsheet.core import clock
from broadsheet.newsroom.models import Section
from broadsheet.readership.counting import hour_of
from broadsheet.readership.models import HourlyViews
from broadsheet.readership.reads import recent_reads

pytestmark = pytest.mark.django_db


def test_reads_are_summed_per_group_within_the_window(make_article, section, django_assert_num_queries):
    sport = Section.objects.create(name="Sport", slug="sport", order=1)
    one, two, other = make_article(), make_article(), make_article(section=sport)
    now = clock.now()
    hour = hour_of(now)
    HourlyViews.objects.bulk_create(
        [
            HourlyViews(article=one, hour=hour, views=3),
            HourlyViews(article=two, hour=hour - dt.timedelta(hours=24), views=4),  # the window's first hour
            HourlyViews(article=two, hour=hour - dt.timedelta(hours=25), views=500),  # before it
            HourlyViews(article=other, hour=hour, views=7),
        ]
    )
    with django_assert_num_queries(1):
        assert recent_reads("section", 24, now) == {section.pk: 7, sport.pk: 7}
    assert recent_reads("section", 24, now, section__in=[section.pk]) == {section.pk: 7}
    assert recent_reads("id", 0, now) == {one.pk: 3, other.pk: 7}
