"""`broadsheet sources …` and `broadsheet ingest` as real subprocesses against a temporary data
directory (after `broadsheet init`) and a loopback feed server."""

from __future__ import annotations

import re
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_cli import BROADSHEET, _env
from tests.ingest.conftest import FIXTURES, LoopbackServer


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = _env(data_dir) | {"BROADSHEET_ALLOW_PRIVATE_NETWORKS": "1"}
    return subprocess.run(
        [BROADSHEET, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def one_line_error(result: subprocess.CompletedProcess[str], code: int, mentions: str) -> None:
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("broadsheet: error: ") and mentions in lines[0], lines[0]


@pytest.fixture(scope="module")
def feeds() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        yield server


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ingest-cli") / "data"
    result = run(path, "init")
    assert result.returncode == 0, result.stderr
    return path


def test_add_list_check_ingest_export_remove(data_dir: Path, feeds: LoopbackServer) -> None:
    added = run(data_dir, "sources", "add", feeds.url("/f/e2e/gazette.xml"))
    assert added.returncode == 0, added.stderr
    assert re.search(
        r"Added source \d+: Harbor Gazette <.*gazette.xml> \(section auto, excerpt\)", added.stdout
    )
    courier = run(
        data_dir,
        "sources",
        "add",
        feeds.url("/f/e2e/courier.xml"),
        "--section",
        "Science",
        "--mode",
        "full",
        "--name",
        "The Courier",
    )
    assert courier.returncode == 0, courier.stderr
    courier_id = re.search(r"Added source (\d+)", courier.stdout).group(1)  # type: ignore[union-attr]

    listed = run(data_dir, "sources", "list")
    assert listed.returncode == 0, listed.stderr
    header, *rows = listed.stdout.strip().splitlines()
    assert header.split() == [
        "id",
        "name",
        "section",
        "mode",
        "enabled",
        "next",
        "check",
        "last",
        "status",
        "errors",
    ]
    assert any("Harbor Gazette" in r and " auto " in r and "excerpt" in r and " yes " in r for r in rows)
    assert any("The Courier" in r and "Science" in r and "full" in r for r in rows)

    checked = run(data_dir, "sources", "check", courier_id)
    assert checked.returncode == 0, checked.stderr
    assert "import" in checked.stdout and "Observatory volunteers chart a new comet" in checked.stdout
    with sqlite3.connect(data_dir / "broadsheet.sqlite3") as conn:
        assert conn.execute("select count(*) from newsroom_article").fetchone() == (
            0,
        )  # check stores nothing

    ingested = run(data_dir, "ingest")
    assert ingested.returncode == 0, ingested.stderr
    lines = ingested.stdout.splitlines()
    assert any(line.startswith("[1/2] ") for line in lines) and any(
        line.startswith("[2/2] ") for line in lines
    )
    summary = {line.split()[0]: line.split() for line in lines if line.startswith(("Harbor", "The"))}
    # The tide-clock story is in both feeds: whichever source ran second counts it as a duplicate.
    new = int(summary["Harbor"][2]) + int(summary["The"][2])
    duplicates = int(summary["Harbor"][4]) + int(summary["The"][4])
    assert (new, duplicates) == (3, 1)
    assert "ok" in summary["Harbor"] and "ok" in summary["The"]
    again = run(data_dir, "ingest")
    assert again.returncode == 0 and "No source is due." in again.stdout

    exported = run(data_dir, "sources", "export-opml")
    assert exported.returncode == 0 and exported.stdout.startswith("<?xml")
    assert feeds.url("/f/e2e/gazette.xml") in exported.stdout and 'text="The Courier"' in exported.stdout

    removed = run(data_dir, "sources", "remove", courier_id)
    assert removed.returncode == 0 and f"Removed source {courier_id}" in removed.stdout
    assert "The Courier" not in run(data_dir, "sources", "list").stdout
    with sqlite3.connect(data_dir / "broadsheet.sqlite3") as conn:
        assert conn.execute("select count(*) from newsroom_article").fetchone() == (3,)  # stories stay


def test_add_discovers_the_feed_from_a_page_and_imports_opml(data_dir: Path, feeds: LoopbackServer) -> None:
    feeds.routes["/feeds/rss20.xml"] = feeds.file_route("rss20.xml")
    found = run(data_dir, "sources", "add", feeds.url("/f/with-feed-link.html"), "--name", "Found")
    assert found.returncode == 0, found.stderr
    assert feeds.url("/feeds/rss20.xml") in found.stdout

    imported = run(data_dir, "sources", "import-opml", str(FIXTURES / "sources.opml"))
    assert imported.returncode == 0, imported.stderr
    assert "Added 2 sources" in imported.stdout
    assert "Added 0 sources" in run(data_dir, "sources", "import-opml", str(FIXTURES / "sources.opml")).stdout


@pytest.mark.parametrize(
    ("args", "code", "mentions"),
    [
        (["sources"], 2, "required"),
        (["sources", "frob"], 2, "invalid choice"),
        (["sources", "remove", "x"], 2, "source id"),
        (["sources", "check", "0"], 2, "source id"),
        (["sources", "add"], 2, "url"),
        (["sources", "add", "http://127.0.0.1:9/f", "--mode", "stolen"], 2, "--mode"),
        (["sources", "remove", "9999"], 2, "no source with id 9999"),
        (["sources", "check", "9999"], 2, "no source with id 9999"),
        (["sources", "import-opml", "/nonexistent.opml"], 2, "cannot read OPML"),
        (["ingest", "--now"], 2, "unrecognized arguments"),
    ],
)
def test_bad_arguments_and_unknown_ids_give_one_line(
    data_dir: Path, args: list[str], code: int, mentions: str
) -> None:
    one_line_error(run(data_dir, *args), code, mentions)


def test_add_errors_give_one_line(data_dir: Path, feeds: LoopbackServer) -> None:
    one_line_error(
        run(data_dir, "sources", "add", feeds.url("/f/e2e/loft.json"), "--section", "Nope"), 2, "no section"
    )
    one_line_error(
        run(data_dir, "sources", "add", feeds.url("/f/ferry.html")), 1, "no RSS, Atom or JSON feed"
    )
    one_line_error(run(data_dir, "sources", "add", feeds.url("/missing.xml")), 1, "HTTP 404")
