"""Sidebar widgets: categories with counts, monthly archives, how popular renders, caching."""

from __future__ import annotations

import datetime as dt
import pickle
import re

import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.utils import timezone

from broadsheet.core import clock
from broadsheet.newsroom import counts
from broadsheet.newsroom.models import Article, Section
from broadsheet.site import widgets

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def sidebar() -> str:
    """The sidebar as base.html renders it."""
    return Template("{% load chrome %}{% site_sidebar %}").render(Context())


def widget(name: str) -> str:
    """One widget's markup from the sidebar ("" when it shows nothing)."""
    match = re.search(rf'<section class="widget widget--{name}".*?</section>', sidebar(), re.S)
    return match.group() if match else ""


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def bulk_articles(section: Section, count: int, start: dt.datetime, step: dt.timedelta, prefix: str) -> None:
    Article.objects.bulk_create(
        Article(
            headline=f"{prefix} {i}",
            slug=f"{prefix}-{i}",
            section=section,
            status=Article.Status.PUBLISHED,
            published_at=start - i * step,
        )
        for i in range(count)
    )


def test_categories_show_public_counts_with_thousands_separators(section):
    sport = Section.objects.create(name="Sport", slug="sport", order=1)
    Section.objects.create(name="Empty", slug="empty", order=2)
    now = clock.now()
    bulk_articles(section, 1904, now - dt.timedelta(minutes=1), dt.timedelta(minutes=1), "biz")
    bulk_articles(sport, 2, now - dt.timedelta(minutes=1), dt.timedelta(minutes=1), "sport")
    # Neither drafts nor scheduled articles count.
    Article.objects.create(headline="Draft", slug="draft", section=sport, published_at=now)
    Article.objects.create(
        headline="Later",
        slug="later",
        section=sport,
        status=Article.Status.PUBLISHED,
        published_at=now + dt.timedelta(days=1),
    )
    counts.rebuild()  # rows written around services.save_article: counted again, as after a bulk load

    html = widget("categories")

    assert 'class="widget widget--categories" aria-labelledby="widget-categories-title"' in html
    assert 'id="widget-categories-title"' in html
    text = text_of(html)
    assert "Business (1,904)" in text
    assert "Sport (2)" in text
    assert "Empty" not in text
    # Section order: Sport (1) before Business (3).
    assert text.index("Sport (2)") < text.index("Business (1,904)")
    assert 'href="/business/"' in html


def test_popular_renders_thumbnail_and_date(make_article):
    make_article(
        headline="With picture",
        lead_image_url="https://img.example.org/a.jpg",
        lead_image_width=1200,
        lead_image_height=800,
        lead_image_alt="A ferry at dawn",
    )
    html = widget("popular")
    assert 'class="widget widget--popular" aria-labelledby="widget-popular-title"' in html
    assert '<ul class="widget__list">' in html
    assert 'src="https://img.example.org/a.jpg"' in html
    assert 'width="120" height="80"' in html
    assert 'alt="A ferry at dawn"' in html
    assert 'loading="lazy"' in html
    assert "<time" in html and "With picture" in html


def test_archives_list_months_newest_first_with_counts(section):
    month_start = timezone.localtime(clock.now()).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    earlier = (month_start - dt.timedelta(days=80)).replace(day=10, hour=12)
    bulk_articles(section, 3, month_start, dt.timedelta(0), "now")
    bulk_articles(section, 1204, earlier, dt.timedelta(seconds=1), "old")
    counts.rebuild()

    data = widgets.compute_archives()

    months = data["months"]
    assert [(m["date"].year, m["date"].month) for m in months] == [
        (month_start.year, month_start.month),
        (earlier.year, earlier.month),
    ]
    assert [m["count"] for m in months] == [3, 1204]
    assert months[0]["url"] == f"/{month_start.year}/{month_start.month:02d}/"
    assert data["older_url"] is None
    text = text_of(widget("archives"))
    assert f"{earlier:%B %Y} (1,204)" in text


def test_archives_months_follow_the_site_time_zone(section, settings):
    settings.TIME_ZONE = "America/New_York"
    # 03:00 UTC on the 1st is still the previous evening in New York.
    utc = dt.datetime(2024, 3, 1, 3, 0, tzinfo=dt.UTC)
    Article.objects.create(
        headline="Late", slug="late", section=section, status=Article.Status.PUBLISHED, published_at=utc
    )
    counts.rebuild()
    months = widgets.compute_archives()["months"]
    assert [(m["date"].year, m["date"].month) for m in months] == [(2024, 2)]


def test_archives_show_24_months_and_link_to_older(section):
    start = timezone.localtime(clock.now()).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    articles = []
    for back in range(30):
        year, month = divmod(start.year * 12 + start.month - 1 - back, 12)
        when = start.replace(year=year, month=month + 1)
        articles.append(
            Article(
                headline=f"m{back}",
                slug=f"m{back}",
                section=section,
                status=Article.Status.PUBLISHED,
                published_at=when,
            )
        )
    Article.objects.bulk_create(articles)
    counts.rebuild()
    data = widgets.compute_archives()
    assert len(data["months"]) == 24
    older = timezone.localtime(articles[24].published_at)
    assert data["older_url"] == f"/{older.year}/{older.month:02d}/"
    assert 'href="' + data["older_url"] + '"' in widget("archives")


def test_cached_widgets_render_with_no_queries(make_article, django_assert_num_queries):
    make_article()
    first = sidebar()
    with django_assert_num_queries(0):
        second = sidebar()
    assert first == second


def test_refresh_recomputes_after_a_publish(make_article, django_capture_on_commit_callbacks):
    make_article()
    assert "Business (1)" in text_of(widget("categories"))
    with django_capture_on_commit_callbacks(execute=True):
        make_article()
    # The receiver queued the refresh task, which runs inline in tests.
    assert "Business (2)" in text_of(widget("categories"))


def test_widget_data_is_plain(make_article):
    make_article()
    for value in widgets.sidebar().values():
        assert pickle.loads(pickle.dumps(value)) == value
        assert "Article" not in repr(value)
