"""Issue 16.7: the work that follows an ingest run (indexing, stories, related lists) is queued
per batch, not per story. One run of ~4,900 stories queued ~98,000 related-story tasks, and a
killed run's last entries reached the site 18 minutes late behind them.

The database task backend, as on a real site: the test counts the rows an ingest run queues,
then a real worker (`db_worker --batch`) works through them, and every story has its story
and its related list.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from email.utils import format_datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count
from django_tasks_db.models import DBTaskResult

from broadsheet.core import clock
from broadsheet.discovery import pending
from broadsheet.discovery.models import PendingArticle, RelatedArticle, StoryMembership
from broadsheet.ingest.models import Source
from broadsheet.ingest.tasks import ingest_source_task
from broadsheet.newsroom.models import Article

from .conftest import LoopbackServer, Route

pytestmark = pytest.mark.django_db(transaction=True)

ENTRIES = 48
TOPICS = {
    "ferry": "ferry crossing timetable island captain harbour sailing winter repairs",
    "market": "fish market stallholders rope works saturday traders prices",
    "lighthouse": "lighthouse keeper lamp tower restoration volunteers beacon",
    "council": "council budget vote councillors library funding meeting",
}
SHARED = "town residents said weekend local week people plans"


def feed(base: str, count: int) -> bytes:
    """`count` entries over four topics, oldest first, each its own wording of its topic."""
    now = clock.now()
    items = []
    for n in range(count):
        topic, words = list(TOPICS.items())[n % len(TOPICS)]
        vocabulary = words.split()
        # Each entry leaves out a different pair of its topic's words: related, not identical.
        kept = [
            w for i, w in enumerate(vocabulary) if i not in {n % len(vocabulary), (n + 3) % len(vocabulary)}
        ]
        when = format_datetime(now - dt.timedelta(hours=count - n), usegmt=True)
        items.append(
            f"<item><title>{topic.title()} report {n}: {' '.join(kept[:4])}</title>"
            f"<link>{base}/story/{n}.html</link><guid>entry-{n}</guid><pubDate>{when}</pubDate>"
            f"<description>{' '.join(kept)} {SHARED} number{n}</description></item>"
        )
    channel = f"<channel><title>Wire</title><link>{base}/</link>{''.join(items)}</channel>"
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0">{channel}</rss>'.encode()


@pytest.fixture(autouse=True)
def search_dir(settings, tmp_path: Path) -> Path:
    """An index of this test's own: a replica left by another test would think itself ahead."""
    settings.BROADSHEET_SEARCH_DIR = tmp_path / "search"
    return settings.BROADSHEET_SEARCH_DIR


@pytest.fixture
def wire(server: LoopbackServer, section, allow_loopback, settings) -> Source:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    server.routes["/wire.xml"] = Route(200, feed(server.base, ENTRIES), {"Content-Type": "application/xml"})
    return Source.objects.create(feed_url=server.url("/wire.xml"), name="Wire", section=section)


def queued() -> dict[str, int]:
    rows = DBTaskResult.objects.values("task_path").annotate(n=Count("id"))
    return {
        row["task_path"].rsplit(".", 2)[-2] + "." + row["task_path"].rsplit(".", 1)[-1]: row["n"]
        for row in rows
    }


def test_an_ingest_run_queues_its_follow_up_work_per_batch(wire: Source, monkeypatch) -> None:
    monkeypatch.setattr(pending, "BATCH", 20)
    report = ingest_source_task.call(wire.pk)  # the run itself, in this process
    assert report["new"] == ENTRIES
    after_run = queued()
    print(f"\ntasks queued by a run of {ENTRIES} stories: {after_run}")
    # Before: an index task and a discovery task per story, and more per story version.
    # Now: one of each kind, whatever the number of stories.
    assert after_run == {
        "tasks.update_article": 1,
        "tasks.process_pending": 1,
        "tasks.refresh_widgets": 1,
    }
    assert PendingArticle.objects.count() == ENTRIES

    call_command("db_worker", batch=True, stdout=io.StringIO(), stderr=io.StringIO())
    after_work = queued()
    print(f"tasks run once the worker is done: {after_work}")
    assert after_work["tasks.process_pending"] == math.ceil(ENTRIES / 20)
    assert sum(after_work.values()) <= 2 + math.ceil(ENTRIES / 20)
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
    assert PendingArticle.objects.count() == 0
    # Nothing lost: every story is filed and has its related list.
    published = set(Article.objects.published().values_list("pk", flat=True))
    assert len(published) == ENTRIES
    assert set(StoryMembership.objects.values_list("article_id", flat=True)) == published
    assert set(RelatedArticle.objects.values_list("article_id", flat=True).distinct()) == published


def test_a_batch_killed_midway_is_taken_again(wire: Source) -> None:
    """A worker killed inside a batch leaves its rows; once the batch's hold on them ends, the
    periodic refresh sees them waiting and starts a batch, which finishes the work."""
    ingest_source_task.call(wire.pk)
    DBTaskResult.objects.filter(task_path__endswith="process_pending").delete()  # its worker died
    dead = pending.take()  # ... after taking the first batch
    assert len(dead.article_ids) == ENTRIES
    assert not pending.stalled()  # held: a batch is (as far as anyone knows) working on them
    later = clock.now() + pending.TAKE_FOR + dt.timedelta(seconds=1)
    assert pending.stalled(later)
    PendingArticle.objects.update(taken_until=clock.now() - dt.timedelta(seconds=1))  # time passes
    from broadsheet.discovery.tasks import refresh_top_stories

    refresh_top_stories.call()
    assert queued()["tasks.process_pending"] == 1
    call_command("db_worker", batch=True, stdout=io.StringIO(), stderr=io.StringIO())
    assert PendingArticle.objects.count() == 0
    published = set(Article.objects.published().values_list("pk", flat=True))
    assert set(RelatedArticle.objects.values_list("article_id", flat=True).distinct()) == published
