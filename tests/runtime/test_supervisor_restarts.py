"""kill -9 of a child does not take `broadsheet serve` down (issue 16, finding 4).

The real server with its task worker: a task is running in the worker when the worker is
killed with SIGKILL. The supervisor restarts the worker, the site keeps answering, and the
task's row is re-queued at once (not after the reaper's 30 minutes), so the new worker runs
it. Then the web server itself is killed, and comes back on its own. Before, either death
stopped the whole of `serve`.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.serving import Served, serving
from tests.cli.test_cli import BROADSHEET, _env, _get, run

REPO = Path(__file__).resolve().parents[2]
# Restarting and re-queuing take a second or two; this bound only absorbs a loaded machine
# (the reaper's wait, which the fix removes, is 30 minutes).
WITHIN_SECONDS = 30
TASK_PATH = "tests.runtime.holding_task.hold"


def _test_env() -> dict[str, str]:
    # The workers must import the test task; nothing else about them is changed.
    return {"PYTHONPATH": str(REPO)}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    init = run(data_dir, "init")
    assert init.returncode == 0, init.stderr
    return data_dir


def _rows(data_dir: Path) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(data_dir / "broadsheet.sqlite3", timeout=10) as conn:
        return conn.execute(
            "select id, status, exception_class_path, worker_ids from django_tasks_database_dbtaskresult "
            "where task_path = ? order by enqueued_at",
            (TASK_PATH,),
        ).fetchall()


def _wait_for(condition, what: str, served: Served) -> None:
    deadline = time.monotonic() + WITHIN_SECONDS
    while time.monotonic() < deadline:
        assert served.process.poll() is None, f"serve exited while waiting for {what}:\n{served.output()}"
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"no {what} within {WITHIN_SECONDS}s:\n{served.output()}")


def _pids(marker: Path) -> list[int]:
    return [int(line) for line in marker.read_text().split()] if marker.exists() else []


def _answers(served: Served) -> bool:
    try:
        return _get(f"{served.url}/robots.txt") == 200
    except OSError:
        return False


@pytest.fixture
def served(data_dir: Path) -> Iterator[Served]:
    with serving(data_dir, "--workers", "1", "--threads", "2", env=_test_env()) as server:
        yield server


def test_a_killed_task_worker_is_restarted_and_its_task_run_again(data_dir: Path, served: Served) -> None:
    marker, release = data_dir.parent / "ran-by", data_dir.parent / "release"
    enqueue = subprocess.run(
        [
            BROADSHEET,
            "manage",
            "shell",
            "-c",
            f"from tests.runtime.holding_task import hold; hold.enqueue({str(marker)!r}, {str(release)!r})",
        ],
        env=_env(data_dir) | _test_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert enqueue.returncode == 0, enqueue.stderr
    _wait_for(lambda: len(_pids(marker)) == 1, "worker running the task", served)
    [killed] = _pids(marker)
    [(first_id, status, _, _)] = _rows(data_dir)
    assert status == "RUNNING"

    os.kill(killed, signal.SIGKILL)

    # The new worker runs the task again: re-queued at once, not after 30 minutes.
    _wait_for(lambda: len(_pids(marker)) == 2, "second run of the task", served)
    assert _pids(marker)[1] != killed
    assert _answers(served)
    rows = _rows(data_dir)
    assert len(rows) == 2
    assert rows[0][:3] == (first_id, "FAILED", "broadsheet.runtime.reaper.WorkerLost")
    assert rows[1][1] == "RUNNING"
    workers = {pid: cmd for pid, cmd in served.children().items() if "db_worker" in cmd}
    assert list(workers) == [_pids(marker)[1]]
    assert "task worker was killed by SIGKILL" in served.output()
    assert "re-queued 1 task(s) task worker was running" in served.output()

    release.touch()
    _wait_for(lambda: _rows(data_dir)[1][1] == "SUCCESSFUL", "the re-run to finish", served)


def test_a_killed_web_server_is_restarted_and_nothing_is_left_behind(served: Served) -> None:
    granian = {pid: cmd for pid, cmd in served.children().items() if " granian " in cmd}
    assert len(granian) == 2  # granian's main process and its one worker
    main = min(granian)  # the worker is forked after it
    os.kill(main, signal.SIGKILL)

    def replaced() -> bool:
        now = {pid for pid, cmd in served.children().items() if " granian " in cmd}
        return len(now) == 2 and not now & set(granian) and _answers(served)

    _wait_for(replaced, "a new web server answering", served)
    # The old worker, orphaned by its main process, is gone: it held the port as well.
    assert not [pid for pid in granian if _still_running(pid)]
    assert "web server was killed by SIGKILL" in served.output()


def _still_running(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
