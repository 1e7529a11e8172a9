"""From the `published` signal's snapshots to the public paths to purge (edge/paths.py).

Content sends where an article is listed (section, slug, author, tags, month), not the
site's URLs; these tests hold the map from that to the paths, and check that a move, a new
slug or a withdrawal purges the pages that showed the article as well as those that show it.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from broadsheet.edge.paths import article_paths, changed_paths
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Section
from broadsheet.newsroom.signals import ArticleSnapshot, published

BEFORE = ArticleSnapshot(
    section="business", slug="ferry-plan", author="mara-quill", tags=("ferries",), month=(2026, 3)
)


def test_a_snapshot_names_every_page_that_lists_the_article():
    assert article_paths(BEFORE) == [
        "/",
        "/business/ferry-plan/",
        "/business/",
        "/business/feed/",
        "/2026/03/",
        "/feed/",
        "/feed/atom/",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/author/mara-quill/",
        "/tag/ferries/",
    ]


def test_no_author_and_no_tags_name_no_such_pages():
    bare = ArticleSnapshot(section="business", slug="ferry-plan", author=None, tags=(), month=(2026, 3))
    assert not [path for path in article_paths(bare) if path.startswith(("/author/", "/tag/"))]


def test_nothing_listed_purges_nothing():
    assert article_paths(None) == []
    assert changed_paths(None, None) == []


def test_a_move_purges_where_it_was_and_where_it_is():
    after = ArticleSnapshot(
        section="politics", slug="ferry-vote", author="ian-ross", tags=("harbour",), month=(2026, 4)
    )
    paths = changed_paths(BEFORE, after)
    for old in ("/business/ferry-plan/", "/business/", "/2026/03/", "/author/mara-quill/", "/tag/ferries/"):
        assert old in paths
    for new in ("/politics/ferry-vote/", "/politics/", "/2026/04/", "/author/ian-ross/", "/tag/harbour/"):
        assert new in paths
    assert paths == sorted(set(paths))  # each path once


def test_a_withdrawal_purges_the_pages_that_listed_it():
    assert changed_paths(BEFORE, None) == sorted(article_paths(BEFORE))


@pytest.mark.django_db
def test_saving_a_moved_article_purges_its_old_and_new_pages(
    client, make_article, django_capture_on_commit_callbacks
):
    """Through the real signal and the real pages: every path, old and new, renders afresh."""
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(headline="Ferry plan approved")
    politics = Section.objects.create(name="Politics", slug="politics")
    old_url = article.get_absolute_url()
    urls = ["/", "/business/", "/politics/", old_url]
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Cache"] == "HIT", url

    seen: list[dict[str, object]] = []
    published.connect(lambda sender, **kwargs: seen.append(kwargs), weak=False, dispatch_uid="test.seen")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            article.section = politics
            article.slug = "ferry-vote"
            services.save_article(article)
    finally:
        published.disconnect(dispatch_uid="test.seen")

    assert [(s["before"].section, s["after"].section) for s in seen] == [("business", "politics")]
    for url in urls:
        assert client.get(url)["X-Cache"] == "MISS", url
    new_url = article.get_absolute_url()
    assert new_url == "/politics/ferry-vote/"
    assert client.get(new_url).status_code == 200
    cache.clear()
