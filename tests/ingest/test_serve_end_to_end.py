"""Issue 3's "done when": add a few sources, leave `broadsheet serve` running, and the site
fills with correctly attributed stories under the right sections, without duplicates.

Everything is real: a loopback server publishing three feeds (RSS, Atom, JSON Feed) and their
pages, `broadsheet init` and `broadsheet sources add` as subprocesses, then `broadsheet serve`
(granian, a task worker and the scheduler ticking every 2 s) on a free port, read over HTTP.
"""

from __future__ import annotations

import html
import re
import signal
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_cli import (
    BROADSHEET,
    STOP_SECONDS,
    _alive,
    _descendants,
    _env,
    _free_port,
    _kill_everything,
)

from .conftest import LoopbackServer

DEADLINE_SECONDS = 60  # for the stories to appear, and again for the second round
STORIES = {
    "tide-clock.html": "Harbor clock tower gets a new tide dial",
    "rope-works.html": "Rope works reopens as a covered market",
    "comet.html": "Observatory volunteers chart a new comet",
    "shanty.html": "Shanty choir records its first album in the net loft",
}


def _run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = _env(data_dir) | {"BROADSHEET_ALLOW_PRIVATE_NETWORKS": "1"}
    return subprocess.run(
        [BROADSHEET, *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def _wait_for(condition, what: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, f"serve exited with {process.returncode} while waiting for {what}"
        try:
            if condition():
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.5)
    pytest.fail(f"timed out after {DEADLINE_SECONDS}s waiting for {what}")


def _db(data_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(data_dir / "broadsheet.sqlite3", timeout=10)


def _rows(data_dir: Path, sql: str) -> list[tuple]:
    with _db(data_dir) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, LoopbackServer]]:
    data_dir = tmp_path / "data"
    with LoopbackServer() as feeds:
        init = _run(data_dir, "init")
        assert init.returncode == 0, init.stderr
        yield data_dir, feeds


def test_serve_fills_the_site_with_attributed_stories_and_no_duplicates(site) -> None:
    data_dir, feeds = site
    for args in (
        [feeds.url("/f/e2e/gazette.xml")],  # section "auto": filed by its categories (Business)
        [feeds.url("/f/e2e/courier.xml"), "--section", "Science"],
        [feeds.url("/f/e2e/loft.json"), "--name", "Net Loft"],  # auto: its tag says Music
    ):
        added = _run(data_dir, "sources", "add", *args)
        assert added.returncode == 0, added.stderr
        assert "Added source" in added.stdout

    port = _free_port()
    env = _env(data_dir) | {"BROADSHEET_ALLOW_PRIVATE_NETWORKS": "1", "BROADSHEET_SCHEDULER_INTERVAL": "2"}
    process = subprocess.Popen(
        [BROADSHEET, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    site_url = f"http://127.0.0.1:{port}"
    known: dict[int, str] = {}
    try:
        _wait_for(
            lambda: known.update(_descendants(process.pid)) or "scheduler" in " ".join(known.values()),
            "the scheduler process",
            process,
        )

        def home_lists_every_story() -> bool:
            page = html.unescape(_get(site_url + "/"))
            return all(headline in page for headline in STORIES.values())

        _wait_for(home_lists_every_story, "the stories on the home page", process)
        assert "Rope works reopens" in html.unescape(_get(site_url + "/business/"))
        assert "Observatory volunteers" in html.unescape(_get(site_url + "/science/"))
        assert "Shanty choir" in html.unescape(_get(site_url + "/music/"))

        articles = _rows(
            data_dir,
            "select a.slug, s.slug, a.canonical_url, a.source_name from newsroom_article a "
            "join newsroom_section s on s.id = a.section_id",
        )
        assert len(articles) == len(STORIES)  # the tide-clock story, carried twice, is stored once
        for slug, section, canonical, source_name in articles:
            page = _get(f"{site_url}/{section}/{slug}/")
            name = canonical.rsplit("/", 1)[1]
            assert canonical == feeds.url(f"/f/e2e/{name}")  # tracking parameters stripped
            assert re.search(rf'<link rel="canonical" href="{re.escape(canonical)}"', page), slug
            origin = re.search(r"Originally published by <a href=\"([^\"]+)\"[^>]*>([^<]+)</a>", page)
            assert origin, slug
            assert (origin.group(1), html.unescape(origin.group(2))) == (canonical, source_name)
            if name == "tide-clock.html":
                other = ({"Harbor Gazette", "Quayside Courier"} - {source_name}).pop()
                assert "Also carried by" in page and other in html.unescape(page)
            else:
                assert "Also carried by" not in page
        assert {a[3] for a in articles} == {"Harbor Gazette", "Quayside Courier", "Net Loft"}

        # A second round: every source due again; nothing new, nothing twice.
        fetched_before = dict(_rows(data_dir, "select id, last_fetch_at from ingest_source"))
        with _db(data_dir) as conn:
            conn.execute("update ingest_source set next_check_at = '2000-01-01 00:00:00'")

        def every_source_polled_again() -> bool:
            now = dict(_rows(data_dir, "select id, last_fetch_at from ingest_source"))
            return all(now[sid] != fetched_before[sid] for sid in fetched_before)

        _wait_for(every_source_polled_again, "a second poll of every source", process)
        assert len(_rows(data_dir, "select id from newsroom_article")) == len(STORIES)
        assert len(_rows(data_dir, "select id from ingest_entry")) == 5  # 2 + 2 + 1 feed entries
        assert _rows(data_dir, "select count(*) from ingest_syndication") == [(1,)]
        assert _rows(data_dir, "select count(*) from ingest_source where error_count > 0") == [(0,)]

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=STOP_SECONDS) == 0
        assert not [pid for pid in known if _alive(pid)]
    finally:
        if process.poll() is None or any(_alive(pid) for pid in known):
            _kill_everything(process, known)
