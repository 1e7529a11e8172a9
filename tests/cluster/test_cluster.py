"""Issue 5's cluster: two web nodes and three task workers on PostgreSQL and Redis, as processes.

Everything is real and on loopback: a fresh PostgreSQL database and a Redis database of its
own, `broadsheet serve --no-worker` twice (granian and a search follower each, every node with
its own data directory, so its own search replica), `broadsheet worker` three times (each a
task worker and a scheduler, keeping no search replica), and a feed server publishing 200
generated feeds with their article pages. One worker's task process is killed with SIGKILL
while all three are busy. Then an article is published through web node A and read from
web node B: on its pages at once, and by search within the issue's five seconds.

Run with `-s` to see the figures.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import json
import os
import random
import signal
import string
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.cluster.conftest import REDIS_DB, ClusterDatabase

pytestmark = pytest.mark.cluster

BROADSHEET = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "broadsheet")
SOURCES = 200
ENTRIES_PER_SOURCE = 2
EXPECTED = SOURCES * ENTRIES_PER_SOURCE
WORKERS = 3
# Each article page is served this much later, so a worker spends its time inside tasks.
PAGE_DELAY_SECONDS = 0.01
# Bounded waits: correctness deadlines, generous for a 2-core CI machine under load.
STARTUP_SECONDS = 90
INGEST_SECONDS = 150
FRESH_PAGE_SECONDS = 1.0  # the issue: served fresh by the other node within a second
SEARCHABLE_SECONDS = 5.0  # the issue: found by search on the other node within five seconds
STOP_SECONDS = 20
_INGEST_TASKS = "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE task_path = "
_INGEST_TASKS += "'broadsheet.ingest.tasks.ingest_source_task' AND status = "
READY_INGEST = _INGEST_TASKS + "'READY'"
RUNNING_INGEST = _INGEST_TASKS + "'RUNNING'"
LOST_INGEST = _INGEST_TASKS + "'FAILED' AND exception_class_path = 'broadsheet.runtime.reaper.WorkerLost'"


# -- the feed server ----------------------------------------------------------------------------


def _words(rng: random.Random, count: int) -> str:
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(count))


def _story(source: int, entry: int) -> tuple[str, str]:
    """A headline and body unlike any other (so near-duplicate detection leaves them alone)."""
    rng = random.Random(source * 1000 + entry)
    headline = f"Dispatch {source}-{entry}: {_words(rng, 5)}"
    body = "".join(f"<p>{_words(rng, 40).capitalize()}.</p>" for _ in range(4))
    return headline, body


class FeedServer:
    """Serves /feed/<n>.xml (RSS, ENTRIES_PER_SOURCE items) and /story/<n>/<k>.html."""

    def __init__(self) -> None:
        published = time.time() - 86400

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = self.path.strip("/").split("/")
                try:
                    if parts[0] == "feed":
                        body, kind = (
                            self.server_feed(int(parts[1].removesuffix(".xml"))),
                            "application/rss+xml",
                        )
                    elif parts[0] == "story":
                        time.sleep(PAGE_DELAY_SECONDS)
                        body, kind = (
                            self.server_page(int(parts[1]), int(parts[2].removesuffix(".html"))),
                            "text/html",
                        )
                    else:
                        raise ValueError(self.path)
                    status = 200
                except (ValueError, IndexError):
                    body, kind, status = b"not found", "text/plain", 404
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(status)
                    self.send_header("Content-Type", f"{kind}; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

            def server_feed(self, source: int) -> bytes:
                items = []
                for entry in range(ENTRIES_PER_SOURCE):
                    headline, body = _story(source, entry)
                    when = format_datetime(
                        dt.datetime.fromtimestamp(published + source * 60 + entry, tz=dt.UTC)
                    )
                    items.append(
                        f"<item><title>{headline}</title><link>{base}/story/{source}/{entry}.html</link>"
                        f"<guid isPermaLink='false'>cluster-{source}-{entry}</guid><pubDate>{when}</pubDate>"
                        f"<description>{body[:200]}</description></item>"
                    )
                return (
                    f"<?xml version='1.0'?><rss version='2.0'><channel><title>Feed {source}</title>"
                    f"<link>{base}/</link><description>Generated feed {source}</description>"
                    f"{''.join(items)}</channel></rss>"
                ).encode()

            def server_page(self, source: int, entry: int) -> bytes:
                headline, body = _story(source, entry)
                return (
                    f"<!doctype html><html><head><title>{headline}</title></head><body>"
                    f"<nav>Home</nav><article><h1>{headline}</h1>{body}</article><footer>Feed {source}</footer>"
                    f"</body></html>"
                ).encode()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.base = base
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# -- processes ----------------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def _descendants(pid: int) -> dict[int, str]:
    result: dict[int, str] = {}
    queue = [pid]
    while queue:
        for child in _children(queue.pop()):
            with contextlib.suppress(OSError):
                result[child] = (
                    (Path("/proc") / str(child) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                )
                queue.append(child)
    return result


@dataclass
class Cluster:
    """Every process the test started, stopped (and then killed) whatever happens."""

    env: dict[str, str]
    root: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    known: set[int] = field(default_factory=set)

    def node_env(self, name: str, **extra: str) -> dict[str, str]:
        return {**self.env, "BROADSHEET_DATA_DIR": str(self.root / name), **extra}

    def run(self, name: str, *args: str, timeout: float = 180, **extra: str) -> str:
        done = subprocess.run(
            [BROADSHEET, *args],
            env=self.node_env(name, **extra),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, f"broadsheet {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def start(self, name: str, *args: str, **extra: str) -> subprocess.Popen[bytes]:
        log = open(self.root / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [BROADSHEET, *args], env=self.node_env(name, **extra), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.processes[name] = process
        return process

    def remember_children(self) -> None:
        for process in self.processes.values():
            self.known.update(_descendants(process.pid))

    def log(self, name: str) -> str:
        return (self.root / f"{name}.log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        self.remember_children()
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for process in self.processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
        # Whatever is left (a stuck child, a failed test): its whole process group, by id.
        for pid in [*(p.pid for p in self.processes.values()), *self.known]:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        for process in self.processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)


def _get(url: str) -> tuple[int, dict[str, str], str]:
    """Status, headers (names lowercased) and body."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    with urllib.request.urlopen(request, timeout=10) as response:
        headers = {name.lower(): value for name, value in response.headers.items()}
        return response.status, headers, response.read().decode()


def _wait(condition: Callable[[], Any], seconds: float, what: str, poll: float = 0.05) -> tuple[Any, float]:
    started = time.monotonic()
    while True:
        value = condition()
        if value:
            print(f"  [{time.strftime('%H:%M:%S')}] {what} ({time.monotonic() - started:.2f} s)", flush=True)
            return value, time.monotonic() - started
        if time.monotonic() - started > seconds:
            raise AssertionError(f"not within {seconds:g} s: {what}")
        time.sleep(poll)


# -- the test -----------------------------------------------------------------------------------


@pytest.fixture
def cluster(cluster_database: ClusterDatabase, tmp_path: Path) -> Iterator[Cluster]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_", "BROADSHEET_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "broadsheet.settings.dev",
            "SECRET_KEY": "cluster-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "DATABASE_URL": cluster_database.url,
            "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "BROADSHEET_ALLOW_PRIVATE_NETWORKS": "1",
            "BROADSHEET_SCHEDULER_INTERVAL": "2",
            "BROADSHEET_ADMIN_PASSWORD": "cluster-admin-password-1",
            "LOG_LEVEL": "INFO",
        }
    )
    env.pop("PORT", None)
    made = Cluster(env=env, root=tmp_path)
    try:
        yield made
    finally:
        made.stop()


def _scalar(db: ClusterDatabase, sql: str, *params: Any) -> Any:
    with psycopg.connect(db.url, autocommit=True) as conn:
        row = conn.execute(sql, params).fetchone()
        return row[0] if row else None


def test_cluster_ingests_once_survives_a_killed_worker_and_stays_fresh(
    cluster: Cluster, cluster_database: ClusterDatabase
) -> None:
    db = cluster_database
    figures: dict[str, Any] = {}
    began = time.monotonic()
    cluster.run("web-a", "init")
    figures["init seconds"] = round(time.monotonic() - began, 1)
    with FeedServer() as feeds:
        # 200 sources, all due now, filed in the News section.
        cluster.run(
            "web-a",
            "manage",
            "shell",
            "-c",
            "from broadsheet.ingest.models import Source\n"
            "from broadsheet.newsroom.models import Section\n"
            "section = Section.objects.order_by('order').first()\n"
            f"Source.objects.bulk_create([Source(feed_url='{feeds.base}/feed/%d.xml' % n, name='Feed %d' % n,"
            f" section=section) for n in range({SOURCES})])\n",
        )
        ports = {"web-a": _free_port(), "web-b": _free_port()}
        for name, port in ports.items():
            cluster.start(
                name, "serve", "--port", str(port), "--workers", "1", "--threads", "4", "--no-worker"
            )
        for name, port in ports.items():
            _wait(
                lambda port=port: _responds(f"http://127.0.0.1:{port}/robots.txt"),
                STARTUP_SECONDS,
                f"{name} up",
            )

        figures["web nodes up after (s)"] = round(time.monotonic() - began, 1)
        started = time.monotonic()
        for n in range(WORKERS):
            cluster.start(f"worker-{n}", "worker", BROADSHEET_SEARCH_REPLICA="0")

        # Kill one worker's task process while all three are inside an ingest task.
        def all_busy() -> bool:
            cluster.remember_children()
            ingesting = _scalar(db, RUNNING_INGEST)
            return (
                ingesting >= WORKERS
                and _scalar(db, "SELECT count(*) FROM newsroom_article") >= EXPECTED // 10
            )

        _wait(all_busy, INGEST_SECONDS, "three workers inside ingest tasks", poll=0.02)
        victim = next(
            pid for pid, cmd in _descendants(cluster.processes["worker-1"].pid).items() if "db_worker" in cmd
        )
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        figures["articles when a worker was killed"] = _scalar(db, "SELECT count(*) FROM newsroom_article")

        # Its supervisor sees the worker die, marks the task it was running FAILED (WorkerLost),
        # enqueues it afresh and starts a new worker: no wait for the 30-minute reaper, and
        # the re-queued task takes over the source's claim with the token it carries.
        _wait(lambda: _scalar(db, LOST_INGEST) >= 1, 30, "the killed worker's task re-queued")
        figures["killed task re-queued after (s)"] = round(time.monotonic() - killed_at, 1)
        assert _scalar(db, LOST_INGEST) == 1, "the killed worker was not inside an ingest task"

        def complete() -> bool:
            return (
                _scalar(db, "SELECT count(*) FROM ingest_source WHERE last_fetch_at IS NULL") == 0
                and _scalar(db, READY_INGEST) == 0
                and _scalar(db, RUNNING_INGEST) == 0
            )

        _wait(complete, INGEST_SECONDS, "every source fetched", poll=0.2)
        figures["ingest seconds (3 workers, one killed)"] = round(time.monotonic() - started, 1)

        # Every entry stored exactly once, none lost.
        entries = _scalar(db, "SELECT count(*) FROM ingest_entry")
        articles = _scalar(db, "SELECT count(*) FROM newsroom_article")
        doubled = _scalar(
            db,
            "SELECT count(*) FROM (SELECT source_id, guid FROM ingest_entry GROUP BY 1, 2 HAVING count(*) > 1) d",
        )
        duplicates = _scalar(
            db,
            "SELECT count(*) FROM (SELECT headline FROM newsroom_article GROUP BY 1 HAVING count(*) > 1) d",
        )
        stored = _scalar(
            db,
            "SELECT count(DISTINCT e.guid) FROM ingest_entry e JOIN newsroom_article a ON a.id = e.article_id"
            " WHERE a.status = 'published'",
        )
        figures.update(
            entries=entries, articles=articles, duplicates=doubled + duplicates, lost=EXPECTED - stored
        )
        assert (entries, articles, doubled, duplicates, stored) == (EXPECTED, EXPECTED, 0, 0, EXPECTED)

        # Both replicas caught up with the ingest run.
        def replica_in_step(name: str) -> bool:
            state = json.loads((cluster.root / name / "search" / "replica.json").read_text())
            newest = _scalar(db, "SELECT max(id) FROM search_indexchange")
            return bool(state["last_id"] >= newest or newest in state["applied"])

        for name in ports:
            _, seconds = _wait(lambda name=name: replica_in_step(name), 30, f"{name}'s replica in step")
            figures[f"{name} search replica caught up (s after ingest)"] = round(seconds, 2)
        word = _story(17, 1)[0].split(": ", 1)[1].split()[0]
        for name, port in ports.items():
            assert "Dispatch 17-1:" in _get(f"http://127.0.0.1:{port}/search/?q={word}")[2], name

        # Published through node A; read from node B.
        node_a, node_b = (f"http://127.0.0.1:{ports[n]}" for n in ("web-a", "web-b"))
        for url in (f"{node_b}/", f"{node_a}/"):
            _get(url)
        assert _get(f"{node_b}/")[1]["x-cache"] == "HIT"
        token = "zephyrine" + "".join(random.choices(string.ascii_lowercase, k=6))
        publisher = subprocess.Popen(
            [BROADSHEET, "manage", "shell", "-c", _PUBLISH.replace("TOKEN", token)],
            env=cluster.node_env("web-a"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        cluster.processes["publisher"] = publisher  # type: ignore[assignment]
        assert publisher.stdout is not None and publisher.stderr is not None
        seen = []
        for line in publisher.stdout:  # the line is printed right after the commit
            seen.append(line)
            if line.startswith("published"):
                break
        published_at = time.monotonic()
        assert seen and seen[-1].startswith("published"), "".join(seen) + publisher.stderr.read()

        (_, fresh_headers, _), _ = _wait(
            lambda: _fresh(f"{node_b}/", token),
            FRESH_PAGE_SECONDS,
            "node B's home page shows the new article",
        )
        fresh = time.monotonic() - published_at
        figures["node B home page fresh after (s)"] = round(fresh, 3)
        figures["node B home page X-Cache"] = fresh_headers.get("x-cache")
        polls = iter(range(1_000_000))
        for name, base in (("web-b", node_b), ("web-a", node_a)):
            # A new query string each time: a "no results" page must not answer from the cache.
            _wait(
                lambda base=base: token in _get(f"{base}/search/?q={token}&poll={next(polls)}")[2],
                SEARCHABLE_SECONDS,
                f"{name} finds the new article by search",
            )
            figures[f"{name} searchable after (s)"] = round(time.monotonic() - published_at, 3)

        assert publisher.wait(timeout=60) == 0
        for name in ("worker-0", "worker-2", "web-a", "web-b"):
            assert cluster.processes[name].poll() is None, f"{name} died:\n{cluster.log(name)}"

    print("\nCluster figures:")
    for key, value in figures.items():
        print(f"  {key}: {value}")


_PUBLISH = """
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article, Author, Section
from broadsheet.core import clock
article = Article(
    headline="Harbor TOKEN festival opens",
    dek="Published on node A.",
    body="<p>The TOKEN festival opened on the quay.</p>",
    section=Section.objects.order_by("order").first(),
    status=Article.Status.PUBLISHED,
    published_at=clock.now(),
)
services.save_article(article)
print("published", article.pk, flush=True)
"""


def _responds(url: str) -> bool:
    try:
        return _get(url)[0] == 200
    except OSError:
        return False


def _fresh(url: str, token: str) -> tuple[int, dict[str, str], str] | None:
    found = _get(url)
    return found if token in found[2] else None
