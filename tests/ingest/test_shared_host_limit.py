"""Per-host politeness holds across Fetchers, threads and processes (issue #11): the slots
live in the shared cache, so N workers do not hit one publisher N times as hard."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from broadsheet.core.cache import SQLiteCache
from broadsheet.core.fetch import Fetcher, FetchOptions, HostLimiter
from broadsheet.ingest.errors import FetchTimeoutError

from .conftest import LoopbackServer

ROOT = Path(__file__).resolve().parents[2]
FETCHERS = 3  # each with its own limiter, as separate workers have
PER_FETCHER = 3  # concurrent fetches through each

# One worker process: its own Fetcher (and limiter), three concurrent fetches, the cache a
# SQLite file shared with the other workers.
WORKER = """
import sys, threading
import django
django.setup()
from django.test import override_settings
from broadsheet.core.fetch import Fetcher, FetchOptions
url, location, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
cache = {"default": {"BACKEND": "broadsheet.core.cache.SQLiteCache", "LOCATION": location}}
failures = []
with override_settings(CACHES=cache), Fetcher(FetchOptions(total_timeout=60), allow_private=True) as f:
    def one():
        try:
            assert f.fetch(url).status == 200
        except Exception as exc:
            failures.append(exc)
    threads = [threading.Thread(target=one) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
for exc in failures:
    print(repr(exc), file=sys.stderr)
sys.exit(1 if failures else 0)
"""


@pytest.fixture
def counted(server: LoopbackServer) -> dict[str, int]:
    """A /slow route that records how many requests it serves at once."""
    return server.counting_route("/slow", hold=0.2)


def test_separate_fetchers_share_the_per_host_limit(server: LoopbackServer, counted):
    failures: list[Exception] = []
    fetchers = [Fetcher(FetchOptions(total_timeout=30), allow_private=True) for _ in range(FETCHERS)]

    def one(fetcher: Fetcher) -> None:
        try:
            assert fetcher.fetch(server.url("/slow")).status == 200
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=one, args=(f,)) for f in fetchers for _ in range(PER_FETCHER)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for fetcher in fetchers:
            fetcher.close()
    assert failures == []
    assert len(server.requests) == FETCHERS * PER_FETCHER
    assert counted["max"] <= 2, f"the publisher saw {counted['max']} requests at once"


def test_separate_processes_share_the_per_host_limit(server: LoopbackServer, counted, tmp_path):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="broadsheet.settings.test")
    location = str(tmp_path / "cache.sqlite3")
    # Created before the workers start, as a site's cache file is: three processes creating a
    # fresh file at once is a different race (seen once as a worker failing), not this one.
    SQLiteCache(location, {}).set("ready", True)
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, server.url("/slow"), location, str(PER_FETCHER)], cwd=ROOT, env=env
        )
        for _ in range(FETCHERS)
    ]
    try:
        codes = [worker.wait(timeout=120) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    assert codes == [0] * FETCHERS
    assert len(server.requests) == FETCHERS * PER_FETCHER
    assert counted["max"] <= 2, f"the publisher saw {counted['max']} requests at once"


def test_a_slot_held_elsewhere_times_out_and_frees_on_release():
    holder, waiter = HostLimiter(1), HostLimiter(1)  # two limiters: only the cache joins them
    with (
        holder.slot("held.example", timeout=5),
        pytest.raises(FetchTimeoutError),
        waiter.slot("held.example", timeout=0.3),
    ):
        pass
    with waiter.slot("held.example", timeout=5):
        pass  # the holder's release freed the shared slot
