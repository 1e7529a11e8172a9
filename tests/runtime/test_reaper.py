"""The reaper re-queues database tasks left RUNNING by a dead worker, and nothing else."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from broadsheet.ingest.tasks import ingest_source_task
from broadsheet.runtime import reaper, scheduler

pytestmark = pytest.mark.django_db(transaction=True)

MISSING_SOURCE = 987654  # the task returns at once: "gone or disabled"


@pytest.fixture(autouse=True)
def database_queue(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    cache.delete(reaper.REAP_CLAIM_KEY)


def _running(source_id: int, started: dt.timedelta, **task_options: int) -> DBTaskResult:
    """A row as a worker leaves it when it is killed inside the task `started` ago."""
    result = ingest_source_task.using(**task_options).enqueue(source_id)  # type: ignore[arg-type]
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - started, worker_ids=["dead-worker"]
    )
    return DBTaskResult.objects.get(pk=result.id)


def test_a_task_running_past_the_threshold_is_failed_and_run_again() -> None:
    stuck = _running(MISSING_SOURCE, dt.timedelta(hours=2), priority=5)
    fresh = _running(MISSING_SOURCE + 1, dt.timedelta(minutes=1))
    waiting = ingest_source_task.enqueue(MISSING_SOURCE + 2)

    assert reaper.reap_stuck_tasks(dt.timedelta(minutes=30)) == 1

    stuck.refresh_from_db()
    assert stuck.status == TaskResultStatus.FAILED
    assert stuck.exception_class_path == "broadsheet.runtime.reaper.WorkerLost"
    assert "dead-worker" in stuck.traceback and stuck.finished_at is not None
    fresh_before = fresh.started_at
    fresh.refresh_from_db()
    assert (fresh.status, fresh.started_at, fresh.finished_at) == (
        TaskResultStatus.RUNNING,
        fresh_before,
        None,
    )
    retries = DBTaskResult.objects.exclude(pk__in=[stuck.pk, fresh.pk, waiting.id])
    retry = retries.get()
    assert (retry.status, retry.task_path, retry.args_kwargs, retry.priority, retry.queue_name) == (
        TaskResultStatus.READY,
        stuck.task_path,
        {"args": [MISSING_SOURCE], "kwargs": {}},
        5,
        stuck.queue_name,
    )
    # Reaping again finds nothing: the failed row is no longer RUNNING.
    assert reaper.reap_stuck_tasks(dt.timedelta(minutes=30)) == 0
    assert DBTaskResult.objects.count() == 4

    # A real worker runs the retry (and the task that was waiting); the fresh row is left alone.
    call_command("db_worker", batch=True, stdout=io.StringIO(), stderr=io.StringIO())
    retry.refresh_from_db()
    assert retry.status == TaskResultStatus.SUCCESSFUL
    assert retry.return_value == {"source_id": MISSING_SOURCE, "skipped": "gone or disabled"}
    assert DBTaskResult.objects.get(pk=fresh.pk).status == TaskResultStatus.RUNNING


def test_a_task_that_no_longer_imports_is_only_marked_failed() -> None:
    stuck = _running(MISSING_SOURCE, dt.timedelta(hours=2))
    DBTaskResult.objects.filter(pk=stuck.pk).update(task_path="broadsheet.ingest.tasks.removed_task")

    assert reaper.reap_stuck_tasks() == 0

    assert DBTaskResult.objects.get(pk=stuck.pk).status == TaskResultStatus.FAILED
    assert DBTaskResult.objects.count() == 1


def test_two_reapers_at_once_requeue_each_task_once() -> None:
    stuck = [_running(MISSING_SOURCE + n, dt.timedelta(hours=1)) for n in range(5)]
    barrier = threading.Barrier(2)
    counts: list[int] = []
    errors: list[BaseException] = []

    def reap() -> None:
        try:
            barrier.wait(timeout=10)
            counts.append(reaper.reap_stuck_tasks())
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=reap) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sum(counts) == len(stuck)
    retried = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert sorted(row.args_kwargs["args"][0] for row in retried) == [
        row.args_kwargs["args"][0] for row in stuck
    ]


def test_the_scheduler_hook_reaps_at_most_once_per_interval() -> None:
    assert "broadsheet.runtime.reaper.reap_periodically" in [hook.task for hook in scheduler.declared()]
    hook = scheduler.resolve("broadsheet.runtime.reaper.reap_periodically")
    _running(MISSING_SOURCE, dt.timedelta(hours=1))
    assert hook() == 1
    _running(MISSING_SOURCE + 1, dt.timedelta(hours=1))
    assert hook() == 0  # within REAP_EVERY_SECONDS of the last reaping
    cache.delete(reaper.REAP_CLAIM_KEY)
    assert hook() == 1


def test_the_tasks_of_a_worker_known_to_be_dead_are_requeued_at_once() -> None:
    mine = _running(MISSING_SOURCE, dt.timedelta(seconds=5))  # claimed by "dead-worker"
    other = _running(MISSING_SOURCE + 1, dt.timedelta(seconds=5))
    DBTaskResult.objects.filter(pk=other.pk).update(worker_ids=["dead-worker", "live-worker"])

    assert reaper.requeue_tasks_of("dead-worker") == 1

    mine.refresh_from_db()
    assert mine.status == TaskResultStatus.FAILED
    assert mine.exception_class_path == "broadsheet.runtime.reaper.WorkerLost"
    assert "its worker died" in mine.traceback
    # A row a live worker claimed after a dead one is the live worker's.
    assert DBTaskResult.objects.get(pk=other.pk).status == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).get().args_kwargs["args"] == [
        MISSING_SOURCE
    ]
    assert reaper.requeue_tasks_of("dead-worker") == 0
