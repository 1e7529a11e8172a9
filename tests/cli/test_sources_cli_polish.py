"""`broadsheet sources …` and `broadsheet ingest` as real subprocesses: exit statuses (2 for
bad arguments and bad input, 1 when the network says no), the messages, `ingest --source ID
--force`, `sources list` cutting at word boundaries, and log lines above the progress bar."""

from __future__ import annotations

import os
import pty
import re
import select
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_cli import BROADSHEET, _env, _free_port
from tests.cli.test_ingest_cli import one_line_error, run
from tests.ingest.conftest import FIXTURES, LoopbackServer, Route


@pytest.fixture(scope="module")
def feeds() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        yield server


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sources-cli") / "data"
    result = run(path, "init")
    assert result.returncode == 0, result.stderr
    return path


def added_id(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    found = re.search(r"Added source (\d+)", result.stdout)
    assert found, result.stdout
    return found.group(1)


def sql(data_dir: Path, statement: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(data_dir / "broadsheet.sqlite3") as conn:
        return conn.execute(statement, params).fetchall()


@pytest.mark.parametrize(
    "url",
    [
        "not-a-url",
        "http://exa mple.com/feed.xml",
        "https://example.com/a feed.xml",
        "ftp://example.com/f",
        "http://",
    ],
)
def test_invalid_urls_exit_2_saying_invalid_url(data_dir: Path, url: str) -> None:
    one_line_error(run(data_dir, "sources", "add", url), 2, "invalid URL")


def test_an_unknown_section_lists_the_valid_ones(data_dir: Path, feeds: LoopbackServer) -> None:
    result = run(data_dir, "sources", "add", feeds.url("/f/rss20.xml"), "--section", "Nope")
    one_line_error(result, 2, "no section named 'Nope'; the sections are: ")
    named = sql(data_dir, "select name from newsroom_section")
    assert named and all(name in result.stderr for (name,) in named)


def test_a_private_address_names_the_setting_that_allows_it(data_dir: Path, feeds: LoopbackServer) -> None:
    env = _env(data_dir)  # without BROADSHEET_ALLOW_PRIVATE_NETWORKS
    result = subprocess.run(
        [BROADSHEET, "sources", "add", feeds.url("/f/rss20.xml")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    one_line_error(result, 2, "BROADSHEET_ALLOW_PRIVATE_NETWORKS")


def test_what_the_network_refuses_exits_1(data_dir: Path, feeds: LoopbackServer) -> None:
    one_line_error(
        run(data_dir, "sources", "add", f"http://127.0.0.1:{_free_port()}/feed.xml"), 1, "cannot fetch"
    )
    one_line_error(
        run(data_dir, "sources", "add", feeds.url("/f/ferry.html")), 1, "no RSS, Atom or JSON feed"
    )
    feeds.routes["/walled.xml"] = Route(
        403, (FIXTURES / "antibot" / "cloudflare.html").read_bytes(), {"cf-mitigated": "challenge"}
    )
    one_line_error(
        run(data_dir, "sources", "add", feeds.url("/walled.xml")), 1, "blocked by an anti-bot wall"
    )
    assert not sql(data_dir, "select id from ingest_source where feed_url like '%walled%'")


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (["ingest", "--source", "9999"], "no source with id 9999"),
        (["ingest", "--source", "x"], "source id"),
        (["ingest", "--force"], "--force needs --source"),
    ],
)
def test_ingest_bad_arguments_exit_2(data_dir: Path, args: list[str], mentions: str) -> None:
    one_line_error(run(data_dir, *args), 2, mentions)


def test_ingest_force_polls_a_source_that_is_not_due(data_dir: Path, feeds: LoopbackServer) -> None:
    source_id = added_id(run(data_dir, "sources", "add", feeds.url("/f/e2e/gazette.xml"), "--name", "Forced"))
    sql(data_dir, "update ingest_source set next_check_at = '2999-01-01 00:00:00' where id = ?", source_id)
    waiting = run(data_dir, "ingest", "--source", source_id)
    assert waiting.returncode == 0, waiting.stderr
    assert f"Source {source_id} is not due yet; `--force` polls it now." in waiting.stdout
    assert sql(data_dir, "select count(*) from ingest_entry where source_id = ?", source_id) == [(0,)]
    forced = run(data_dir, "ingest", "--source", source_id, "--force")
    assert forced.returncode == 0, forced.stderr
    row = next(line for line in forced.stdout.splitlines() if line.startswith("Forced"))
    assert int(row.split()[1]) > 0 and row.split()[-1] == "ok"
    assert sql(data_dir, "select count(*) from ingest_entry where source_id = ?", source_id)[0][0] > 0


def test_sources_list_cuts_messages_at_a_word_boundary(data_dir: Path, feeds: LoopbackServer) -> None:
    source_id = added_id(run(data_dir, "sources", "add", feeds.url("/f/atom.xml"), "--name", "Wordy"))
    message = "FetchError: cannot fetch the publisher's feed because the connection was reset by its peer"
    sql(
        data_dir,
        "update ingest_source set last_status = 502, error_count = 2, last_error = ?, error_kind = 'network' "
        "where id = ?",
        message,
        source_id,
    )
    listed = run(data_dir, "sources", "list")
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if "Wordy" in line)
    shown = re.search(r"502 \((.*?) …\)", row)
    assert shown, row
    assert message.startswith(shown.group(1)) and message[len(shown.group(1))] == " "  # whole words


def test_sources_list_shows_a_blocked_source_as_blocked(data_dir: Path, feeds: LoopbackServer) -> None:
    feeds.routes["/later-walled.xml"] = feeds.file_route("rss20.xml")
    source_id = added_id(run(data_dir, "sources", "add", feeds.url("/later-walled.xml"), "--name", "Walled"))
    feeds.routes["/later-walled.xml"] = Route(
        503, (FIXTURES / "antibot" / "cloudflare.html").read_bytes(), {"Server": "cloudflare"}
    )
    assert run(data_dir, "ingest", "--source", source_id, "--force").returncode == 0
    row = next(line for line in run(data_dir, "sources", "list").stdout.splitlines() if "Walled" in line)
    assert "503 (blocked by an anti-bot wall)" in row


def test_log_lines_stay_above_the_progress_bar_on_a_terminal(data_dir: Path, feeds: LoopbackServer) -> None:
    """On a terminal (a pty), a warning logged while the bar is live is a whole line of its own."""
    feeds.routes["/broken.xml"] = Route(500, b"oops")
    source_id = added_id(run(data_dir, "sources", "add", feeds.url("/f/e2e/courier.xml"), "--name", "Tty"))
    feeds.routes["/f/e2e/courier.xml"] = Route(500, b"oops")
    primary, secondary = pty.openpty()
    env = _env(data_dir) | {"BROADSHEET_ALLOW_PRIVATE_NETWORKS": "1", "COLUMNS": "120", "TERM": "xterm"}
    process = subprocess.Popen(
        [BROADSHEET, "ingest", "--source", source_id, "--force"],
        env=env,
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
    )
    os.close(secondary)
    output = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([primary], [], [], 1)
        if ready:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    os.close(primary)
    assert process.wait(timeout=30) == 0, output
    text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", output).decode("utf-8", "replace").replace("\r", "\n")
    logged = [line for line in text.splitlines() if "WARNING" in line]
    assert logged, text
    # The whole log line, with nothing of the bar inside it.
    assert any(
        re.fullmatch(rf".*WARNING .*source {source_id} \(.*\) failed: HTTP 500\s*", line) for line in logged
    ), logged
    assert not any("polling" in line for line in logged), logged
