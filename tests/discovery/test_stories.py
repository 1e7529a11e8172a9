"""Story clustering: the labelled events, the window, withdrawals, deletions, bounded candidates."""

from __future__ import annotations

import datetime as dt

import pytest

from broadsheet.core import clock
from broadsheet.discovery import stories
from broadsheet.discovery.models import Story, StoryMembership
from broadsheet.discovery.signals import story_changed
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article
from tests.discovery.fixtures import pairwise, publish_events, read_events

pytestmark = pytest.mark.django_db


def test_publishing_files_articles_into_stories_through_the_signal(db, django_capture_on_commit_callbacks):
    reports = [r for r in read_events() if r.event in ("ferry-strike", "ferry-terminal-vote")]
    with django_capture_on_commit_callbacks(execute=True):
        labels = publish_events(reports)
    predicted = dict(StoryMembership.objects.values_list("article_id", "story_id"))
    assert pairwise(labels, predicted) == (1.0, 1.0)
    assert Story.objects.count() == 2


def test_the_labelled_events_cluster_as_labelled(events):
    predicted = dict(StoryMembership.objects.values_list("article_id", "story_id"))
    assert set(predicted) == set(events)
    precision, recall = pairwise(events, predicted)
    # bench/clustering.py quality measures 1.000/1.000 at the default threshold.
    assert precision >= 0.9
    assert recall >= 0.9


def test_a_story_counts_its_sources_and_starts_at_its_earliest_report(events):
    fire = [pk for pk, event in events.items() if event == "warehouse-fire"]
    story = Story.objects.get(memberships__article_id=fire[0])
    assert story.article_count == 4
    assert story.source_count == 4  # the site's own desk and three outlets
    earliest = Article.objects.filter(pk__in=fire).order_by("published_at").first()
    assert earliest is not None
    assert story.headline == earliest.headline
    assert story.first_published_at == earliest.published_at


def test_the_same_event_after_the_window_starts_a_new_story(db, django_capture_on_commit_callbacks):
    reports = [r for r in read_events() if r.event == "observatory-comet"]
    with django_capture_on_commit_callbacks(execute=True):
        first = publish_events(reports[:1])
        later = publish_events(reports[1:2], shift=stories.WINDOW + dt.timedelta(days=2))
    (a,), (b,) = first, later
    assert Story.objects.get(memberships__article_id=a) != Story.objects.get(memberships__article_id=b)


def test_withdrawing_a_version_rebuilds_its_story(events, django_capture_on_commit_callbacks):
    strike = sorted(pk for pk, event in events.items() if event == "ferry-strike")
    story = Story.objects.get(memberships__article_id=strike[0])
    earliest = Article.objects.filter(pk__in=strike).order_by("published_at").first()
    assert earliest is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(earliest)
    story.refresh_from_db()
    assert story.article_count == 2
    assert not StoryMembership.objects.filter(article=earliest).exists()
    assert story.headline != earliest.headline  # now the next report's headline


def test_deleting_the_last_version_deletes_the_story(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (pk,) = publish_events([r for r in read_events() if r.event == "tv-renewal"])
    story_id = StoryMembership.objects.get(article_id=pk).story_id
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_article(Article.objects.get(pk=pk))
    assert not Story.objects.filter(pk=story_id).exists()
    assert not StoryMembership.objects.exists()


def test_updating_an_article_keeps_it_in_its_story(events):
    pk = next(iter(events))
    before = StoryMembership.objects.get(article_id=pk).story_id
    result = stories.assign(pk)
    assert result is not None
    assert not result.created
    assert result.story_id == before
    assert StoryMembership.objects.filter(article_id=pk).count() == 1


def test_only_stories_in_the_window_are_compared(db):
    now = clock.now()
    for days in (5, 30, 400):
        moment = now - dt.timedelta(days=days)
        Story.objects.create(
            headline="old",
            slug="old",
            first_published_at=moment,
            last_published_at=moment,
            centroid={"x": 1.0},
        )
    recent = Story.objects.create(
        headline="new", slug="new", first_published_at=now, last_published_at=now, centroid={"x": 1.0}
    )
    assert [s.pk for s in stories.window_stories(now)] == [recent.pk]


def test_a_changed_story_announces_its_pages(events, django_capture_on_commit_callbacks):
    received: list[dict] = []

    def listen(sender, **kwargs):
        received.append(kwargs)

    story_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            pk = next(pk for pk, event in events.items() if event == "novel-prize")
            stories.assign(pk)
    finally:
        story_changed.disconnect(listen)
    (message,) = received
    story = Story.objects.get(pk=message["story_id"])
    assert story.get_absolute_url() in message["paths"]
    assert Article.objects.get(pk=pk).get_absolute_url() in message["paths"]


def test_the_cluster_command_files_articles_a_bulk_import_left_out(db, capsys):
    from broadsheet.cli import main
    from tests.discovery.fixtures import create_events

    labels = create_events([r for r in read_events() if r.event in ("film-shoot", "school-meals")])
    assert main(["discovery", "cluster", "--hours", "72"]) == 0
    assert "Clustered and related 3 articles" in capsys.readouterr().out
    predicted = dict(StoryMembership.objects.values_list("article_id", "story_id"))
    assert pairwise(labels, predicted) == (1.0, 1.0)
    assert main(["discovery", "refresh"]) == 0
    assert "Top stories refreshed" in capsys.readouterr().out
