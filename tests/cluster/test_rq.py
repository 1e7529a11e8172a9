"""The RQ task backend, run for real: `broadsheet worker` with BROADSHEET_TASKS=rq runs a task.

A fresh PostgreSQL database and a Redis database of this test's own (REDIS_RQ_DB), `broadsheet
init`, then `broadsheet worker` (rqworker plus the scheduler) as a process. An article
published through `broadsheet manage shell` enqueues the search-index task through the publish
signal; the test waits (bounded) until RQ's registry shows that job finished, then finds the
article by `broadsheet.search.query.query` in another process on the same data directory.

Run with `-s` to see the figures.
"""

from __future__ import annotations

import os
import random
import string
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry, FinishedJobRegistry

from tests.cluster.conftest import REDIS_DB, REDIS_HOST, REDIS_PORT, ClusterDatabase, own_databases
from tests.cluster.test_cluster import _PUBLISH, Cluster, _descendants, _wait

pytestmark = pytest.mark.cluster

# Not the cluster test's database (conftest.REDIS_DB) nor any other test's; emptied before and after.
REDIS_RQ_DB = 12
TASK_SECONDS = 30  # the brief's bound: published, enqueued, run by RQ
STARTUP_SECONDS = 60
INDEX_TASK = "broadsheet.search.tasks.update_article"

_SEARCH = """
from broadsheet.search.query import query
found = query("TOKEN")
print("hits", [hit.article_id for hit in found.hits])
"""


@pytest.fixture
def rq_database() -> Iterator[ClusterDatabase]:
    assert REDIS_RQ_DB != REDIS_DB
    with own_databases(f"broadsheet_rq_{os.getpid()}", REDIS_RQ_DB) as database:
        yield database


@pytest.fixture
def rq_node(rq_database: ClusterDatabase, tmp_path: Path) -> Iterator[Cluster]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_", "BROADSHEET_"))}
    env.pop("PORT", None)
    env.pop("RQ_REDIS_URL", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "broadsheet.settings.dev",
            "SECRET_KEY": "rq-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "DATABASE_URL": rq_database.url,
            "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_RQ_DB}",
            "BROADSHEET_TASKS": "rq",
            "BROADSHEET_SCHEDULER_INTERVAL": "2",
            "BROADSHEET_ADMIN_PASSWORD": "rq-admin-password-1",
            "LOG_LEVEL": "INFO",
        }
    )
    made = Cluster(env=env, root=tmp_path)
    try:
        yield made
    finally:
        made.stop()  # SIGTERM, then SIGKILL to every process group it started


def _finished_jobs(connection: redis.Redis) -> dict[str, Job]:
    registry = FinishedJobRegistry(queue=Queue("default", connection=connection))
    jobs = Job.fetch_many(registry.get_job_ids(), connection=connection)
    return {job.id: job for job in jobs if job is not None}


def test_rq_worker_runs_the_index_task_of_a_published_article(rq_node: Cluster) -> None:
    figures: dict[str, object] = {}
    rq_node.run("node", "init")
    worker = rq_node.start("node", "worker")
    _wait(
        lambda: (
            any("rqworker" in cmd for cmd in _descendants(worker.pid).values()) or worker.poll() is not None
        ),
        STARTUP_SECONDS,
        "rqworker started",
    )
    assert worker.poll() is None, f"broadsheet worker exited:\n{rq_node.log('node')}"
    rq_node.remember_children()

    connection = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_RQ_DB, socket_timeout=5)
    try:
        # The worker registers itself in Redis once it listens on the queue.
        _wait(lambda: connection.scard("rq:workers") > 0, STARTUP_SECONDS, "rqworker registered in Redis")
        token = "quillonite" + "".join(random.choices(string.ascii_lowercase, k=6))
        started = time.monotonic()
        published = rq_node.run("node", "manage", "shell", "-c", _PUBLISH.replace("TOKEN", token))
        line = next(line for line in published.splitlines() if line.startswith("published "))
        article_id = int(line.split()[1])
        figures["publish command (s)"] = round(time.monotonic() - started, 2)

        def index_job_done() -> Job | None:
            failed = FailedJobRegistry(queue=Queue("default", connection=connection)).get_job_ids()
            assert not failed, f"RQ jobs failed: {failed}\n{rq_node.log('node')}"
            for job in _finished_jobs(connection).values():
                if job.func_name == INDEX_TASK and list(job.args) == [article_id]:
                    return job
            return None

        job, _ = _wait(index_job_done, TASK_SECONDS, "RQ ran the index task", poll=0.1)
        figures["publish to index task finished (s)"] = round(time.monotonic() - started, 2)
        # Log rows applied: 0 when this first run built the replica (the build read the article).
        assert isinstance(job.return_value(), int), job.return_value()
        assert job.worker_name, "the job records the RQ worker that ran it"
        assert job.enqueued_at is not None and job.ended_at is not None
        figures["enqueued to finished, by RQ's clock (s)"] = round(
            (job.ended_at - job.enqueued_at).total_seconds(), 3
        )

        # The task wrote this data directory's search index: another process finds the article.
        hits = rq_node.run("node", "manage", "shell", "-c", _SEARCH.replace("TOKEN", token))
        assert f"hits [{article_id}]" in hits, hits
        figures["searchable after (s)"] = round(time.monotonic() - started, 2)
        assert worker.poll() is None, f"broadsheet worker died:\n{rq_node.log('node')}"
    finally:
        connection.close()

    if os.environ.get("RQ_TEST_SHOW_LOG"):
        print(rq_node.log("node"))
    print("\nRQ figures:")
    for key, value in figures.items():
        print(f"  {key}: {value}")
