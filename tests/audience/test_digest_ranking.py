"""The digest's ranking from real rows: the editors' sticky picks, readership's daily views and
discovery's story clusters (asked through core.ranking, as the digest does), then newest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from broadsheet.audience import digest, ranking
from broadsheet.core import clock
from broadsheet.discovery import stories
from broadsheet.newsroom.models import Article, Section
from broadsheet.readership.models import ArticleViews

pytestmark = pytest.mark.django_db

FIRE = (
    "<p>A fire destroyed the old rope works on Saltmarsh Road overnight. Fire crews from three "
    "stations fought the blaze until dawn; nobody was hurt, the fire service said, and the road "
    "stays closed while investigators look for the cause of the fire at the rope works.</p>"
)


def _today() -> dt.date:
    return timezone.localdate(clock.now())


def _views(article: Article, views: int, days_ago: int = 0) -> None:
    ArticleViews.objects.create(article=article, day=_today() - dt.timedelta(days=days_ago), views=views)


@pytest.fixture
def fire(make_article):
    """One event told by three sources (clustered as the publish task would), a few hours ago."""
    now = clock.now()
    versions = [
        make_article(
            headline=f"Fire destroys Saltmarsh Road rope works ({source})",
            dek="Crews fought the blaze at the rope works until dawn.",
            body=FIRE,
            source_name=source,
            canonical_url=f"https://{source.lower().replace(' ', '-')}.example/fire",
            published_at=now - dt.timedelta(hours=hours),
        )
        for source, hours in (("Harbor Post", 5), ("Coast Radio", 4), ("The Ledger", 3))
    ]
    for article in versions:
        stories.assign(article.pk)
    assert (
        len({a.story_membership.story_id for a in Article.objects.filter(pk__in=[v.pk for v in versions])})
        == 1
    )
    return versions


def test_a_much_read_story_beats_a_newer_one(make_article):
    now = clock.now()
    read = make_article(headline="Ferry timetable changes", published_at=now - dt.timedelta(hours=20))
    newer = make_article(headline="Library opens late", published_at=now - dt.timedelta(hours=1))
    _views(read, 400)
    _views(newer, 900, days_ago=3)  # read, but not in the digest's days
    issue = digest.build("daily", _today())
    assert issue is not None and issue.article_ids == [read.pk, newer.pk]


def test_a_story_told_by_three_sources_comes_once_with_the_others_named(fire, make_article):
    harbor, coast, ledger = fire
    newer = make_article(headline="Library opens late", published_at=clock.now() - dt.timedelta(minutes=5))
    _views(coast, 3)  # the most-read version is the one sent
    issue = digest.build("daily", _today())
    assert issue is not None and issue.article_ids == [coast.pk, newer.pk]
    assert "Also covered by Harbor Post, The Ledger" in issue.text
    assert "Also covered by Harbor Post, The Ledger" in issue.html
    assert issue.text.count("Fire destroys") == 1


def test_the_editors_sticky_pick_comes_first(fire, make_article):
    now = clock.now()
    pick = make_article(
        headline="Our investigation", published_at=now - dt.timedelta(hours=23), is_sticky=True
    )
    read = make_article(headline="Ferry timetable changes", published_at=now - dt.timedelta(hours=2))
    _views(read, 10**6)
    issue = digest.build("daily", _today())
    assert issue is not None and issue.article_ids[0] == pick.pk
    assert issue.article_ids[1:] == [read.pk, fire[2].pk]  # a million reads outweigh two more sources


def test_a_section_digest_ranks_within_its_section(fire, make_article):
    sports = Section.objects.create(name="Sports", slug="sports")
    now = clock.now()
    final = make_article(headline="Cup final", section=sports, published_at=now - dt.timedelta(hours=6))
    heats = make_article(headline="Rowing heats", section=sports, published_at=now - dt.timedelta(hours=1))
    _views(final, 50)
    _views(fire[0], 10**6)  # another section's: not in this digest
    issue = digest.build("section:sports", _today())
    assert issue is not None and issue.article_ids == [final.pk, heats.pk]


def test_the_default_ranker_asks_four_queries_at_most(fire, make_article, django_assert_max_num_queries):
    articles = list(Article.objects.published())
    until = clock.now()
    with django_assert_max_num_queries(4):
        ranked = ranking.rank(articles, until - digest.WINDOW, until)
    assert len(ranked) == len(articles) - 2


def test_without_signals_the_order_is_sticky_then_newest(make_article):
    now = clock.now()
    old, new = (make_article(published_at=now - dt.timedelta(hours=h)) for h in (3, 1))
    pick = make_article(published_at=now - dt.timedelta(hours=5), is_sticky=True)
    assert ranking.order([old, new, pick], {}, {}) == [pick, new, old]
