"""Two ingest runs at once, in real threads with their own connections: no duplicates.

transaction=True so each thread commits for real and the database constraints decide.
SQLite serialises writers (the test database is a WAL file with a busy timeout, as on a real
site); should a contended write still fail with a lock error, the entry is recorded and the
next run picks it up. What must hold on both backends: never a duplicate, nothing lost.
"""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection

from broadsheet.core.fetch import Fetcher, FetchOptions
from broadsheet.ingest import dedupe, publish
from broadsheet.ingest.models import Entry, Source, Syndication
from broadsheet.ingest.pipeline import ingest_source
from broadsheet.ingest.tasks import claim_due_sources
from broadsheet.newsroom.models import Article

from .conftest import LoopbackServer

pytestmark = pytest.mark.django_db(transaction=True)


def contention_only(errors: list[BaseException]) -> bool:
    """No errors on PostgreSQL; on SQLite at most lock errors from contended writes."""
    if connection.vendor != "sqlite":
        return errors == []
    return all(isinstance(e, OperationalError) and "locked" in str(e) for e in errors)


def catch_up(*sources: Source) -> None:
    with Fetcher(FetchOptions(total_timeout=10)) as fetcher:
        for source in sources:
            ingest_source(Source.objects.get(pk=source.pk), fetcher)


def run_together(source_ids: list[int]) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(source_ids))

    def work(source_id: int) -> None:
        try:
            source = Source.objects.get(pk=source_id)
            with Fetcher(FetchOptions(total_timeout=10)) as fetcher:
                barrier.wait(timeout=10)
                ingest_source(source, fetcher)
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(sid,)) for sid in source_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.fixture
def publisher(server: LoopbackServer, section, allow_loopback):
    for name in ("ferry.html", "market.html"):
        server.routes[f"/story/{name}"] = server.file_route(name)
    return server


def test_the_same_source_twice_at_once(publisher):
    source = Source.objects.create(feed_url=publisher.url("/f/rss20.xml"), name="Gazette")
    assert contention_only(run_together([source.pk, source.pk]))
    assert Article.objects.count() <= 2 and Entry.objects.count() <= 2
    catch_up(source)
    assert Article.objects.count() == 2
    assert Entry.objects.count() == 2


def test_two_sources_with_the_same_stories_at_once(publisher):
    first = Source.objects.create(feed_url=publisher.url("/f/rss20.xml"), name="Gazette")
    second = Source.objects.create(feed_url=publisher.url("/f/rss20.xml?copy=1"), name="Wire")
    assert contention_only(run_together([first.pk, second.pk]))
    assert Article.objects.count() <= 2
    catch_up(first, second)
    assert Article.objects.count() == 2
    assert Entry.objects.count() == 4
    assert Syndication.objects.count() == 2  # whoever lost each race is recorded as also carrying


def test_a_lost_race_is_a_duplicate_not_a_crash(publisher, monkeypatch):
    """Deterministic interleaving: the other run stores the story between our "new?" check and
    our insert, so our insert meets the unique constraint."""
    first = Source.objects.create(feed_url=publisher.url("/f/rss20.xml"), name="Gazette")
    second = Source.objects.create(feed_url=publisher.url("/f/rss20.xml?copy=1"), name="Wire")
    real_classify = dedupe.classify_many
    seen = {}

    def stale_classify(source_id, keys):
        # The second source's check ran before the first source's run committed.
        if source_id == second.pk:
            return [dedupe.Verdict(dedupe.Seen.NEW) for _key in keys]
        return real_classify(source_id, keys)

    with Fetcher(FetchOptions(total_timeout=10)) as fetcher:
        ingest_source(first, fetcher)
        monkeypatch.setattr("broadsheet.ingest.pipeline.classify_many", stale_classify)
        # No near-duplicate shortcut either: make the database constraint do the work.
        monkeypatch.setattr(publish, "find_near_duplicate", lambda fingerprint, text, exclude_id=None: None)
        report = ingest_source(second, fetcher)
        seen["report"] = report
    assert (seen["report"].new, seen["report"].duplicates, seen["report"].errors) == (0, 2, 0)
    assert Article.objects.count() == 2 and Syndication.objects.count() == 2


def test_two_schedulers_claim_each_source_once(publisher):
    for n in range(5):
        Source.objects.create(feed_url=publisher.url(f"/f/rss20.xml?n={n}"))
    claims: list[list[int]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def claim() -> None:
        try:
            barrier.wait(timeout=10)
            claims.append(claim_due_sources())
        except BaseException as exc:  # noqa: BLE001 - judged by contention_only below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert contention_only(errors), errors
    # A claim that lost to a lock is the scheduler's next tick's; normally this finds nothing.
    claims.append(claim_due_sources())
    together = [source_id for claimed in claims for source_id in claimed]
    assert sorted(together) == sorted(set(together)) and len(together) == 5
