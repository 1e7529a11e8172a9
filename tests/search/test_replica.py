"""Search replicas follow the change log: every node's index ends up agreeing with the database."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article
from broadsheet.search import backend, query, replica
from broadsheet.search.errors import IndexBusy
from broadsheet.search.models import IndexChange
from broadsheet.search.replica import ReplicaState, advance

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def nodes(settings, tmp_path: Path):
    """Point the search settings at one node's data directory or another's."""

    def use(name: str) -> Path:
        path = tmp_path / name / "search"
        settings.BROADSHEET_SEARCH_DIR = path
        return path

    return use


def found(words: str) -> list[int]:
    return [hit.article_id for hit in query.query(words).hits]


# -- the position in the log (pure) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "seen", "now", "expected"),
    [
        # Contiguous ids move the position on.
        (ReplicaState(10), [11, 12, 13], 100.0, ReplicaState(13, (), None, 100.0)),
        # Ids already below the position are ignored.
        (ReplicaState(10), [9, 11], 100.0, ReplicaState(11, (), None, 100.0)),
        # A gap: 12 and 13 are applied and remembered, the position waits at 10.
        (ReplicaState(10), [12, 13], 100.0, ReplicaState(10, (12, 13), 100.0, 100.0)),
        # The missing 11 appears: the position jumps over everything remembered.
        (ReplicaState(10, (12, 13), 100.0), [11], 101.0, ReplicaState(13, (), None, 101.0)),
        # Still missing, but not for long enough.
        (ReplicaState(10, (12,), 100.0), [], 105.0, ReplicaState(10, (12,), 100.0, 105.0)),
        # Missing for longer than GAP_WAIT_SECONDS: a rolled-back insert, skipped.
        (ReplicaState(10, (12, 15), 100.0), [], 111.0, ReplicaState(12, (15,), 111.0, 111.0)),
    ],
)
def test_advance(state, seen, now, expected) -> None:
    assert advance(state, seen, now) == expected


# -- following the log ---------------------------------------------------------------------------


def test_publish_appends_one_change_per_action(make_article) -> None:
    article = make_article(headline="Lighthouse keeper retires")
    article.status = Article.Status.WITHDRAWN
    services.save_article(article)
    rows = list(IndexChange.objects.values_list("article_id", "action"))
    assert rows == [(article.pk, "published"), (article.pk, "withdrawn")]


def test_a_second_node_follows_the_log(make_article, nodes) -> None:
    nodes("b")
    assert replica.catch_up() == 0  # node b starts: an empty replica, in step with the log
    nodes("a")  # the node the articles are published on (its worker applies at once)
    first = make_article(headline="Lighthouse keeper retires")
    second = make_article(headline="Lighthouse lamp restored")
    assert sorted(found("lighthouse")) == sorted([first.pk, second.pk])

    nodes("b")
    assert found("lighthouse") == []
    assert replica.catch_up() == 2
    assert sorted(found("lighthouse")) == sorted([first.pk, second.pk])

    # An edit and a withdrawal travel the same way.
    nodes("a")
    first.headline = "Harbormaster retires"
    services.save_article(first)
    second.status = Article.Status.WITHDRAWN
    services.save_article(second)
    nodes("b")
    assert replica.catch_up() == 2
    assert found("lighthouse") == []
    assert found("harbormaster") == [first.pk]
    # Every row in the log is behind the position or remembered as applied (ids below the
    # first row this test wrote may belong to earlier tests' rows, never to appear).
    state = replica.read_state(backend.search_dir())
    assert state is not None
    logged = set(IndexChange.objects.values_list("id", flat=True))
    assert {i for i in logged if i > state.last_id} <= set(state.applied)


def test_a_new_node_rebuilds_then_follows_from_where_it_started(make_article, nodes) -> None:
    nodes("a")
    old = make_article(headline="Lighthouse keeper retires")
    path = nodes("new")
    assert not path.exists()
    replica.catch_up()
    assert found("lighthouse") == [old.pk]
    state = replica.read_state(path)
    assert state is not None and state.last_id == replica.latest_change_id()

    nodes("a")
    newer = make_article(headline="Lighthouse lamp restored")
    nodes("new")
    assert replica.catch_up() == 1
    assert sorted(found("lighthouse")) == sorted([old.pk, newer.pk])


def test_a_wiped_node_rebuilds(make_article, nodes) -> None:
    path = nodes("a")
    article = make_article(headline="Lighthouse keeper retires")
    backend.readers.forget(path)
    for child in path.iterdir():
        child.unlink()
    path.rmdir()
    replica.catch_up()
    assert found("lighthouse") == [article.pk]


def test_a_node_offline_longer_than_the_log_is_kept_rebuilds(make_article, nodes, settings) -> None:
    path = nodes("a")
    article = make_article(headline="Lighthouse keeper retires")
    state = replica.read_state(path)
    assert state is not None
    days = settings.BROADSHEET_SEARCH_LOG_DAYS + 1
    replica.write_state(path, ReplicaState(state.last_id, synced_at=state.synced_at - days * 86400))
    # Changed without the log (as if its row had been pruned while we were away).
    Article.objects.filter(pk=article.pk).update(headline="Harbormaster retires")
    replica.catch_up()
    assert found("harbormaster") == [article.pk]


def test_a_node_ahead_of_the_log_rebuilds(make_article, nodes) -> None:
    """The database was replaced (restored, or moved): the position means nothing any more."""
    path = nodes("a")
    article = make_article(headline="Lighthouse keeper retires")
    replica.write_state(path, ReplicaState(replica.latest_change_id() + 1000, synced_at=9e18))
    Article.objects.filter(pk=article.pk).update(headline="Harbormaster retires")
    replica.catch_up()
    assert found("harbormaster") == [article.pk]
    state = replica.read_state(path)
    assert state is not None and state.last_id == replica.latest_change_id()


def test_a_row_that_becomes_visible_late_is_still_applied(make_article, nodes, monkeypatch) -> None:
    """Ids are handed out at insert and become visible at commit, so a lower id can appear
    after a higher one: the follower applies what it sees and waits for the gap."""
    path = nodes("a")
    article = make_article(headline="Lighthouse keeper retires")
    other = make_article(headline="Ferry timetable changes", publish=False)
    base = replica.latest_change_id()
    Article.objects.filter(pk=article.pk).update(headline="Harbormaster retires")
    IndexChange.objects.create(id=base + 2, article_id=article.pk, action="updated")
    replica.catch_up()
    assert found("harbormaster") == [article.pk]
    state = replica.read_state(path)
    assert state is not None and (state.last_id, state.applied) == (base, (base + 2,))

    Article.objects.filter(pk=other.pk).update(
        status=Article.Status.PUBLISHED, published_at=article.published_at
    )
    IndexChange.objects.create(id=base + 1, article_id=other.pk, action="published")
    replica.catch_up()
    assert found("ferry") == [other.pk]
    state = replica.read_state(path)
    assert state is not None and (state.last_id, state.applied) == (base + 2, ())


def test_a_gap_that_never_fills_is_skipped(make_article, nodes) -> None:
    path = nodes("a")
    article = make_article(headline="Lighthouse keeper retires")
    base = replica.latest_change_id()
    IndexChange.objects.create(id=base + 5, article_id=article.pk, action="updated")
    clock = [1000.0]
    replica.catch_up(now=lambda: clock[0])
    assert replica.read_state(path).last_id == base  # type: ignore[union-attr]
    clock[0] += replica.GAP_WAIT_SECONDS + 1
    replica.catch_up(now=lambda: clock[0])
    assert replica.read_state(path).last_id == base + 5  # type: ignore[union-attr]


def test_prune_keeps_the_newest_row(make_article) -> None:
    article = make_article(headline="Lighthouse keeper retires")
    make_article(headline="Ferry timetable changes")
    assert IndexChange.objects.count() == 2
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    assert replica.prune_log(now=later) == 1
    assert list(IndexChange.objects.values_list("article_id", flat=True)) != [article.pk]
    assert IndexChange.objects.count() == 1
    assert replica.prune_log() == 0


def test_the_follower_applies_changes_and_outlives_a_busy_index(make_article, nodes, monkeypatch) -> None:
    nodes("b")
    replica.catch_up()
    nodes("a")
    article = make_article(headline="Lighthouse keeper retires")
    path = nodes("b")
    monkeypatch.setattr(backend, "WRITER_WAIT_SECONDS", 0)
    holder = backend.acquire_writer(backend.open_or_create_index(path))
    rounds: list[int] = []
    released = threading.Event()

    def sleep(seconds: float) -> None:
        rounds.append(1)
        if len(rounds) == 1:
            holder.__exit__(None, None, None)  # the other writer finishes after one failed round
            released.set()

    replica.follow(lambda: len(rounds) >= 3, poll=0, sleep=sleep)
    assert released.is_set()
    assert found("lighthouse") == [article.pk]


def test_update_article_does_nothing_where_no_replica_is_kept(make_article, settings, nodes) -> None:
    path = nodes("worker-only")
    settings.BROADSHEET_SEARCH_REPLICA = False
    make_article(headline="Lighthouse keeper retires")
    assert not path.exists()
    assert IndexChange.objects.count() == 1


def test_catch_up_raises_index_busy_while_another_writer_holds_the_index(
    make_article, nodes, monkeypatch
) -> None:
    path = nodes("a")
    make_article(headline="Lighthouse keeper retires")
    IndexChange.objects.create(article_id=1, action="updated")
    monkeypatch.setattr(backend, "WRITER_WAIT_SECONDS", 0)
    with backend.acquire_writer(backend.open_or_create_index(path)), pytest.raises(IndexBusy):
        replica.catch_up()
