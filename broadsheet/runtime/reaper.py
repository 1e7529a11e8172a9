"""The reaper: re-queue database-queue tasks whose worker died mid-run (the runtime's periodic hook).

django_tasks_db marks a task RUNNING when a worker claims it and keeps no heartbeat, so a worker
killed mid-task (SIGKILL, out of memory, a lost machine) leaves its row RUNNING forever and the
task is never run again. Every task of ours is idempotent (docs/deploy.md), so a task RUNNING
for longer than any task takes (`STUCK_AFTER`, twice the ingest lease and RQ's job timeout) is
taken to be lost: its row is marked FAILED with `WorkerLost` (kept as the record of the attempt)
and the same task, arguments, queue and priority are enqueued afresh as a new row. When the
supervisor (`runtime/processes.py`) sees one of its own workers die, it does the same at once for
the rows that worker claimed (`requeue_tasks_of`); the 30 minutes are for workers that vanish
with their supervisor (a lost machine).

Safe in several schedulers at once: each row is taken with a conditional UPDATE (RUNNING ->
FAILED) and only the scheduler whose UPDATE matched enqueues the retry, in the same transaction.
A worker that was only slow and finishes after all marks its own row SUCCESSFUL again; the retry
then does the work twice, which idempotent tasks allow. RQ (BROADSHEET_TASKS=rq) has its own
reaping (worker heartbeats and job timeouts), and leaves this table empty.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# Longer than any task runs (RQ's DEFAULT_TIMEOUT is 15 minutes). The supervisor re-queues a
# dead worker's tasks at once; this catches the rest (a lost machine, a worker run by hand).
STUCK_AFTER = dt.timedelta(minutes=30)
# The scheduler ticks every few seconds; the reaper needs to look only this often.
REAP_EVERY_SECONDS = 300
REAP_CLAIM_KEY = "bs:tasks:reaper-claimed"
BATCH = 500


class WorkerLost(Exception):
    """Recorded on a reaped row: its worker stopped (or stalled) without finishing the task."""


def reap_stuck_tasks(older_than: dt.timedelta = STUCK_AFTER, *, now: dt.datetime | None = None) -> int:
    """Mark database tasks RUNNING since before `now - older_than` FAILED and enqueue each
    again (a task that no longer imports is only marked). Returns how many were re-queued."""
    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    stuck = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - older_than
    ).order_by("started_at")[:BATCH]
    return _requeue(list(stuck), now, f"re-queued by the reaper after {older_than}")


def requeue_tasks_of(worker_id: str, *, now: dt.datetime | None = None) -> int:
    """Re-queue at once the tasks a worker left RUNNING when it died: the supervisor calls
    this when it sees its own `db_worker` child exit, so the worker is known to be gone and
    there is no need to wait STUCK_AFTER. Returns how many were re-queued."""
    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    # A row's last worker id is the worker that claimed it this time (db_worker appends its
    # own). Few rows are RUNNING at once, and SQLite has no JSON `contains`: filter here.
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).order_by("started_at")
    lost = [row for row in running if row.worker_ids and row.worker_ids[-1] == worker_id]
    return _requeue(lost, now or timezone.now(), "its worker died; re-queued by the supervisor at once")


def _requeue(rows: list[DBTaskResult], now: dt.datetime, because: str) -> int:
    """Mark each row FAILED with WorkerLost and enqueue its task afresh, each row taken by a
    conditional UPDATE so that only one caller re-queues it."""
    from django.db import transaction
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    requeued = 0
    for row in rows:
        lost = WorkerLost(
            f"RUNNING since {row.started_at:%Y-%m-%d %H:%M:%S%z} on {', '.join(row.worker_ids) or 'no worker'}"
            f"; {because}"
        )
        with transaction.atomic():
            won = DBTaskResult.objects.filter(
                pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
            ).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"{WorkerLost.__qualname__}: {lost}\n",
                return_value=None,
            )
            if not won:
                continue  # finished meanwhile, or another scheduler took it
            try:
                with transaction.atomic():  # a failed enqueue leaves the row FAILED, not stuck
                    retry = row.task.enqueue(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
            except Exception:  # an import error, a backend gone from TASKS: leave it failed
                logger.exception("reaper: task %s (%s) marked failed, not re-queued", row.pk, row.task_path)
                continue
        requeued += 1
        logger.warning(
            "reaper: task %s (%s) was RUNNING since %s; re-queued as %s",
            row.pk,
            row.task_path,
            row.started_at,
            retry.id,
        )
    return requeued


def reap_periodically() -> int:
    """The scheduler hook: reap at most once every REAP_EVERY_SECONDS, however many
    schedulers tick (core.once, as for discovery's refresh)."""
    from broadsheet.core.once import once_per

    if not once_per(REAP_CLAIM_KEY, REAP_EVERY_SECONDS):
        return 0
    return reap_stuck_tasks()
