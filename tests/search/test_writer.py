"""The one-writer rule: a second writer waits for the lock, or gives up with IndexBusy."""

from __future__ import annotations

import pytest
from django_tasks import TaskResultStatus

from broadsheet.newsroom.models import Article
from broadsheet.search import backend, index, query, tasks
from broadsheet.search.errors import IndexBusy

pytestmark = pytest.mark.django_db(transaction=True)


def test_second_writer_gives_up_with_index_busy(search_dir) -> None:
    holder = backend.acquire_writer(backend.open_or_create_index(search_dir))
    with holder, pytest.raises(IndexBusy, match="locked by another writer"):
        backend.acquire_writer(backend.open_or_create_index(search_dir), wait=0)
    # Released: the next writer gets the lock at once.
    with backend.acquire_writer(backend.open_or_create_index(search_dir), wait=0):
        pass


def test_second_writer_waits_until_the_first_one_is_done(search_dir) -> None:
    holder = backend.acquire_writer(backend.open_or_create_index(search_dir))
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        # Called only when the lock was busy: the first writer finishes while we wait.
        waits.append(seconds)
        holder.__exit__(None, None, None)

    with backend.acquire_writer(backend.open_or_create_index(search_dir), wait=60, sleep=sleep):
        pass
    assert waits == [backend.WRITER_BACKOFF_START]


def test_index_task_fails_clearly_while_the_lock_is_held(make_article, search_dir, monkeypatch) -> None:
    article = make_article(headline="Lighthouse keeper retires")
    Article.objects.filter(pk=article.pk).update(headline="Harbormaster retires")
    monkeypatch.setattr(backend, "WRITER_WAIT_SECONDS", 0)
    with backend.acquire_writer(backend.open_or_create_index(search_dir)):
        with pytest.raises(IndexBusy):
            index.index_articles([article.pk])
        result = tasks.update_article.enqueue(article.pk)
        assert result.status == TaskResultStatus.FAILED
        assert result.errors[0].exception_class_path == "broadsheet.search.errors.IndexBusy"
    # Retried once the lock is free, the task succeeds.
    assert tasks.update_article.enqueue(article.pk).status == TaskResultStatus.SUCCESSFUL
    assert [h.article_id for h in query.query("harbormaster").hits] == [article.pk]
