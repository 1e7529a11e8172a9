"""Counts per section and month (newsroom/counts.py): after every state transition they equal a
fresh GROUP BY over the archive, and the public figures equal ArticleQuerySet.published()'s."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from broadsheet.core import clock
from broadsheet.newsroom import counts, services
from broadsheet.newsroom.models import Article, MonthCount, Section

pytestmark = pytest.mark.django_db


def stored() -> dict[counts.Key, int]:
    return {
        (s, y, m): n
        for s, y, m, n in MonthCount.objects.values_list("section_id", "year", "month", "count")
        if n
    }


def public_group_by() -> dict[counts.Key, int]:
    """What the sidebar used to compute: one GROUP BY over the public archive."""
    rows = (
        Article.objects.published()
        .annotate(start=TruncMonth("published_at", tzinfo=timezone.get_default_timezone()))
        .order_by()
        .values("section_id", "start")
        .annotate(n=Count("id"))
        .values_list("section_id", "start", "n")
    )
    return {(s, start.year, start.month): n for s, start, n in rows}


def check() -> None:
    assert stored() == counts.fresh_counts()
    assert counts.public_counts() == public_group_by()
    assert counts.by_section() == Article.objects.published().count_by_section()


@pytest.fixture
def sport(db) -> Section:
    return Section.objects.create(name="Sport", slug="sport", order=1)


def draft(section: Section, n: int) -> Article:
    return services.save_article(Article(headline=f"Story {n}", section=section))


def test_every_transition_keeps_the_counts_equal_to_a_group_by(section, sport):
    now = clock.now()
    a, b, c, d = (draft(section, n) for n in range(4))
    check()
    services.publish(a)  # draft -> published
    services.publish(b, at=now - dt.timedelta(days=40))  # published in an earlier month
    check()
    services.schedule(c, now + dt.timedelta(days=3))  # scheduled: stored, not yet public
    check()
    services.submit_for_review(d)  # pending review: counted nowhere
    check()
    services.publish(d, at=now - dt.timedelta(days=1))
    check()
    a.section = sport  # section change of a public story
    services.save_article(a)
    check()
    b.published_at = now - dt.timedelta(days=400)  # date moved to another month and year
    services.save_article(b)
    check()
    services.withdraw(a)  # published -> withdrawn
    check()
    services.return_to_draft(d)  # published -> draft (unpublish)
    check()
    services.publish(a, by=None)  # withdrawn -> published again
    check()
    services.withdraw(c)  # scheduled -> withdrawn
    check()
    services.delete_article(b)  # a public story deleted
    check()
    services.publish(d)
    Article.objects.filter(pk__in=[a.pk, d.pk]).delete()  # the admin's bulk delete, around services
    check()
    services.delete_article(c)  # a withdrawn one: nothing counted, nothing to take off
    check()
    assert stored() == {}


def test_a_scheduled_story_is_counted_once_it_comes_due(section, monkeypatch):
    now = clock.now()
    story = draft(section, 1)
    services.schedule(story, now + dt.timedelta(hours=1))
    assert counts.by_section() == {}
    later = now + dt.timedelta(hours=2)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert counts.by_section() == {section.pk: 1}  # no write happened in between
    check()


def test_months_are_the_site_time_zones(section, settings):
    settings.TIME_ZONE = "America/New_York"
    # 03:00 UTC on 1 March is still 29 February in New York.
    services.publish(draft(section, 1), at=dt.datetime(2024, 3, 1, 3, 0, tzinfo=dt.UTC))
    assert stored() == {(section.pk, 2024, 2): 1}
    assert counts.by_month() == [(dt.date(2024, 2, 1), 1)]
    check()


def test_an_unchanged_story_saved_again_is_counted_once(section):
    story = services.publish(draft(section, 1))
    story.headline = "Edited"
    services.save_article(story)
    services.save_article(story)
    assert sum(stored().values()) == 1


def test_rebuild_counts_rows_written_around_services(section, sport):
    now = clock.now()
    Article.objects.bulk_create(
        Article(
            headline=f"Bulk {i}",
            slug=f"bulk-{i}",
            section=section if i % 3 else sport,
            status=Article.Status.PUBLISHED,
            published_at=now - dt.timedelta(days=9 * i),
        )
        for i in range(60)
    )
    assert stored() == {}
    call_command("counts", "rebuild")
    check()
    assert counts.by_month()[0][0] == timezone.localtime(now).date().replace(day=1)
