"""The merge pass: two stories of one event become one, the older keeping its id and its page
URL; the younger's page redirects there. Deterministic on both backends, and with two real
workers racing on PostgreSQL (SQLite has one writer, so the race cannot happen there)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from broadsheet.discovery import stories
from broadsheet.discovery.models import Story, StoryMembership, StoryRedirect
from broadsheet.discovery.signals import story_changed
from broadsheet.newsroom.models import Article
from tests.discovery.fixtures import create_events, read_events


def _reports(event: str) -> dict[int, str]:
    return create_events([r for r in read_events() if r.event == event])


def _story_of_its_own(article_id: int) -> Story:
    """What a second worker leaves behind when it saw no story for the event: a story for one
    article, beside the story that already tells it."""
    article = Article.objects.get(pk=article_id)
    assert article.published_at is not None
    story = Story.objects.create(
        headline=article.headline,
        slug="",
        first_published_at=article.published_at,
        last_published_at=article.published_at,
    )
    StoryMembership.objects.create(
        story=story,
        article=article,
        published_at=article.published_at,
        similarity=1.0,
        terms=stories.article_vector(article),
    )
    stories.rebuild(story.pk)
    return Story.objects.get(pk=story.pk)


@pytest.mark.django_db
def test_two_stories_of_one_event_merge_into_the_older(django_capture_on_commit_callbacks):
    first, second, third = _reports("ferry-strike")  # oldest first
    older = Story.objects.get(pk=stories.assign(first).story_id)  # type: ignore[union-attr]
    younger = _story_of_its_own(second)
    old_url = younger.get_absolute_url()
    received: list[dict] = []

    def listen(sender, **kwargs):
        received.append(kwargs)

    story_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            survivor, merged = stories.merge_duplicates(younger.pk)
    finally:
        story_changed.disconnect(listen)

    assert (survivor, merged) == (older.pk, [younger.pk])
    assert not Story.objects.filter(pk=younger.pk).exists()
    assert set(StoryMembership.objects.values_list("article_id", "story_id")) == {
        (first, older.pk),
        (second, older.pk),
    }
    older.refresh_from_db()
    assert older.article_count == 2
    assert older.source_count == 2
    assert StoryRedirect.objects.get(old_id=younger.pk).story_id == older.pk
    assert [m for m in received if m["story_id"] == younger.pk and old_url in m["paths"]]
    # The next version joins the survivor; the pass finds nothing more to merge.
    assignment = stories.assign(third)
    assert assignment is not None
    assert (assignment.story_id, assignment.created, assignment.merged) == (older.pk, False, ())


@pytest.mark.django_db
def test_a_later_merge_carries_the_earlier_redirects_along():
    first, second, third = _reports("ferry-strike")
    a, b, c = (_story_of_its_own(pk) for pk in (third, second, first))  # created youngest first
    assert stories.merge_duplicates(a.pk, threshold=0.3)[0] in (b.pk, c.pk)
    assert Story.objects.count() <= 2
    stories.merge_duplicates(b.pk if Story.objects.filter(pk=b.pk).exists() else c.pk, threshold=0.3)
    (survivor,) = Story.objects.all()
    assert survivor.pk == c.pk  # the earliest report's story
    assert dict(StoryRedirect.objects.values_list("old_id", "story_id")) == {a.pk: c.pk, b.pk: c.pk}
    assert stories.find(a.pk) == survivor


def test_different_events_are_never_merged(events):
    assert Story.objects.count() == len(set(events.values()))
    for story_id in Story.objects.values_list("pk", flat=True):
        assert stories.merge_duplicates(story_id) == (story_id, [])
    assert not StoryRedirect.objects.exists()


def test_a_merged_storys_page_redirects_to_the_survivor(client, db):
    first, second, _third = _reports("ferry-strike")
    older = Story.objects.get(pk=stories.assign(first).story_id)  # type: ignore[union-attr]
    younger = _story_of_its_own(second)
    old_url = younger.get_absolute_url()
    stories.merge_duplicates(younger.pk)
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == older.get_absolute_url()
    assert client.get(older.get_absolute_url()).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_workers_filing_one_event_at_once_make_one_story(monkeypatch):
    """Each worker reads the window before the other commits, so each starts a story; the merge
    pass that runs after each commit leaves one. On PostgreSQL a barrier forces that
    interleaving; SQLite takes one writer at a time, so its workers simply queue."""
    first, second, _third = _reports("ferry-strike")
    racing = connection.vendor == "postgresql"
    barrier = threading.Barrier(2)
    read_window = stories.window_stories

    def window_then_wait(published_at, until=None):
        found = read_window(published_at, until)
        if racing and until is None:  # the assignment's read, not the merge pass's
            barrier.wait(timeout=20)
        return found

    monkeypatch.setattr(stories, "window_stories", window_then_wait)
    results: dict[int, stories.Assignment | None] = {}
    errors: list[BaseException] = []

    def work(article_id: int) -> None:
        try:
            results[article_id] = stories.assign(article_id)
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(pk,)) for pk in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    (story,) = Story.objects.all()
    assert set(StoryMembership.objects.values_list("story_id", flat=True)) == {story.pk}
    assert story.article_count == 2
    if racing:
        assert all(r is not None and r.created for r in results.values())  # both started one
        assert StoryRedirect.objects.get().story_id == story.pk
