"""A page does the same number of queries with 10 articles as with thousands (or 50,000).

Every public page is rendered once to warm the widget caches, then rendered again, with the
page cache off, under CaptureQueriesContext; the count must not change as the archive grows.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from broadsheet.core import clock
from broadsheet.newsroom.models import Article, Author, Section, Tag
from broadsheet.readership.models import ArticleViews

pytestmark = pytest.mark.django_db

# Enough stories in the section for a fifth page at any sensible page size.
DEEP_PAGE_ARTICLES = 250


def add_articles(section: Section, author: Author, tag: Tag, start: int, count: int) -> None:
    """Publish `count` more stories, one a minute going back, and tag every tenth one."""
    now = clock.now()
    made = Article.objects.bulk_create(
        (
            Article(
                headline=f"Harbour story number {n}",
                slug=f"harbour-story-{n}",
                dek="A fictional story for counting queries.",
                body="<p>Body.</p>",
                section=section,
                author=author,
                status=Article.Status.PUBLISHED,
                published_at=now - dt.timedelta(minutes=n + 1),
            )
            for n in range(start, start + count)
        ),
        batch_size=2000,
    )
    tagged = Article.tags.through
    tagged.objects.bulk_create(
        (tagged(article_id=a.pk, tag_id=tag.pk) for a in made[::10] if a.pk is not None), batch_size=2000
    )
    today = timezone.localdate(now)
    ArticleViews.objects.bulk_create(
        (ArticleViews(article_id=a.pk, day=today, views=n + 1) for n, a in enumerate(made[:20])),
        ignore_conflicts=True,
    )


def count_queries(urls: list[str]) -> dict[str, tuple[int, int]]:
    """(status, queries) per URL, counted on the second render with warm widget caches."""
    cache.clear()
    client = Client()
    counts = {}
    with override_settings(BROADSHEET_PAGE_CACHE=False):
        for url in urls:
            client.get(url)
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            counts[url] = (response.status_code, len(captured))
    return counts


@pytest.mark.parametrize("more", [2_000, 50_000])
def test_query_counts_do_not_grow_with_the_archive(more):
    section = Section.objects.create(name="Harbour", slug="harbour", order=1)
    Section.objects.create(name="Sport", slug="sport", order=2)
    author = Author.objects.create(name="Mara Quill", slug="mara-quill")
    tag = Tag.objects.create(name="Ferries", slug="ferries")
    month = timezone.localtime(clock.now() - dt.timedelta(minutes=1))
    urls = [
        "/",
        "/harbour/",
        "/harbour/harbour-story-3/",
        "/tag/ferries/",
        "/author/mara-quill/",
        f"/{month.year}/{month.month:02d}/",
        "/feed/",
        "/sitemap.xml",
    ]
    deep = ["/harbour/?page=5"]

    add_articles(section, author, tag, start=0, count=10)
    small = count_queries(urls)
    add_articles(section, author, tag, start=10, count=DEEP_PAGE_ARTICLES - 10)
    small.update(count_queries(deep))
    add_articles(section, author, tag, start=DEEP_PAGE_ARTICLES, count=more)
    large = count_queries(urls + deep)

    assert Article.objects.count() == DEEP_PAGE_ARTICLES + more
    assert all(status == 200 for status, _ in small.values()), small
    assert large == small
