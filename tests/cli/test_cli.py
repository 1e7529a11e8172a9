"""The `broadsheet` command run as a real subprocess against a temporary SQLite data directory."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

BROADSHEET = str(Path(sys.executable).with_name("broadsheet"))
STARTUP_SECONDS = 40
STOP_SECONDS = 30


def _env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # The test process's settings and databases must not leak into the command under test.
    for name in (
        "DJANGO_SETTINGS_MODULE",
        "DATABASE_URL",
        "REDIS_URL",
        "PORT",
        "BROADSHEET_ADMIN_USER",
        "BROADSHEET_ADMIN_PASSWORD",
    ):
        env.pop(name, None)
    env["BROADSHEET_DATA_DIR"] = str(data_dir)
    return env


def run(data_dir: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BROADSHEET, *args], env=_env(data_dir), capture_output=True, text=True, timeout=timeout, check=False
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _descendants(pid: int) -> dict[int, str]:
    result, queue = {}, [pid]
    while queue:
        for child in _children(queue.pop()):
            try:
                result[child] = (
                    (Path("/proc") / str(child) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                )
            except OSError:
                continue
            queue.append(child)
    return result


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _kill_everything(process: subprocess.Popen[bytes], known: dict[int, str]) -> None:
    """Last-resort cleanup for a failed test: the supervisor's group, then every child's group."""
    for pid in [process.pid, *known]:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            continue
    process.wait(timeout=STOP_SECONDS)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, subprocess.CompletedProcess[str]]]:
    data_dir = tmp_path_factory.mktemp("site") / "data"
    first = run(data_dir, "init")
    yield data_dir, first


def test_help_lists_commands(tmp_path: Path) -> None:
    result = run(tmp_path, "--help")
    assert result.returncode == 0
    for command in ("init", "serve", "worker", "search", "demo", "manage"):
        assert command in result.stdout


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (["frobnicate"], "invalid choice"),
        ([], "required"),
        (["demo", "--articles", "-5"], "--articles"),
        (["demo", "--articles", "lots"], "--articles"),
        (["serve", "--workers", "0"], "--workers"),
        (["serve", "--port", "70000"], "--port"),
        (["serve", "--client-timeout", "61"], "--client-timeout"),
        (["search"], "required"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(tmp_path: Path, args: list[str], mentions: str) -> None:
    result = run(tmp_path, *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("broadsheet: error: ") and mentions in lines[0]
    assert not (tmp_path / "broadsheet.sqlite3").exists()


def _roles(conn: sqlite3.Connection) -> dict[str, set[tuple[str, str]]]:
    """Each group's permissions, as (app label, codename)."""
    rows = conn.execute(
        "select g.name, ct.app_label, p.codename from auth_group g"
        " left join auth_group_permissions gp on gp.group_id = g.id"
        " left join auth_permission p on p.id = gp.permission_id"
        " left join django_content_type ct on ct.id = p.content_type_id"
    ).fetchall()
    found: dict[str, set[tuple[str, str]]] = {}
    for group, app_label, codename in rows:
        found.setdefault(group, set()).add((app_label, codename))
    return found


def test_init_twice_is_idempotent_and_shows_password_once(site) -> None:
    data_dir, first = site
    assert first.returncode == 0, first.stderr
    assert "with password " in first.stdout
    password = first.stdout.split("with password ", 1)[1].split()[0]
    db = data_dir / "broadsheet.sqlite3"
    with sqlite3.connect(db) as conn:
        hash_before = conn.execute("select password from auth_user where username='admin'").fetchone()[0]
        roles_before = _roles(conn)
    assert set(roles_before) == {"Contributor", "Author", "Editor", "Operator"}
    assert ("newsroom", "publish_own_article") in roles_before["Author"]
    assert (data_dir / "static" / "staticfiles.json").exists()

    second = run(data_dir, "init")
    assert second.returncode == 0, second.stderr
    assert password not in second.stdout
    assert "already exists (password unchanged)" in second.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from newsroom_section").fetchone()[0] == 10
        assert conn.execute("select count(*) from newsroom_page").fetchone()[0] == 6
        assert conn.execute("select count(*) from auth_user").fetchone()[0] == 1
        assert conn.execute("select password from auth_user").fetchone()[0] == hash_before
        assert _roles(conn) == roles_before
        assert (
            conn.execute("select site_name from newsroom_sitesettings").fetchone()[0]
            == "The Broadsheet Daily"
        )


def test_admin_user_and_password_from_environment(tmp_path: Path) -> None:
    env = _env(tmp_path) | {"BROADSHEET_ADMIN_USER": "chief", "BROADSHEET_ADMIN_PASSWORD": "s3cret-given"}
    result = subprocess.run(
        [BROADSHEET, "init"], env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "created 'chief'" in result.stdout and "s3cret-given" not in result.stdout
    with sqlite3.connect(tmp_path / "broadsheet.sqlite3") as conn:
        assert conn.execute("select username, is_superuser from auth_user").fetchall() == [("chief", 1)]


def test_demo_corpus_then_if_empty_and_manage(site) -> None:
    data_dir, _ = site
    generated = run(data_dir, "demo", "--articles", "40", "--seed", "2")
    assert generated.returncode == 0, generated.stderr
    assert "Created 40 articles" in generated.stdout and "articles/minute" in generated.stdout
    skipped = run(data_dir, "demo", "--if-empty")
    assert skipped.returncode == 0 and "nothing loaded" in skipped.stdout
    with sqlite3.connect(data_dir / "broadsheet.sqlite3") as conn:
        assert conn.execute("select count(*) from newsroom_article").fetchone()[0] == 40
    check = run(data_dir, "manage", "check")
    assert check.returncode == 0, check.stderr


def test_command_before_init_fails_cleanly(tmp_path: Path) -> None:
    result = run(tmp_path, "demo", "--if-empty")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("broadsheet: error: ")
    assert "Traceback" not in result.stderr


def _get(url: str) -> int:
    request = urllib.request.Request(url, headers={"Host": "127.0.0.1"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_serve_answers_http_refuses_busy_port_and_stops_cleanly(site) -> None:
    data_dir, _ = site
    (data_dir / "media" / "probe.txt").write_text("media is served")
    port = _free_port()
    process = subprocess.Popen(
        [BROADSHEET, "serve", "--port", str(port), "--workers", "1"],
        env=_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    known: dict[int, str] = {}
    try:
        status = None
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            known.update(_descendants(process.pid))
            try:
                status = _get(f"http://127.0.0.1:{port}/robots.txt")
                break
            except OSError:
                time.sleep(0.3)
        assert status == 200, f"no answer; exit code {process.poll()}"
        assert _get(f"http://127.0.0.1:{port}/admin/login/") in {200, 302}
        assert _get(f"http://127.0.0.1:{port}/media/probe.txt") == 200
        known.update(_descendants(process.pid))
        workers = [pid for pid, cmd in known.items() if "db_worker" in cmd]
        servers = [pid for pid, cmd in known.items() if "granian" in cmd]
        assert len(workers) == 1 and servers

        busy = run(data_dir, "serve", "--port", str(port), "--no-worker")
        assert busy.returncode == 1
        assert busy.stderr.strip().splitlines() == [busy.stderr.strip()]
        assert "cannot listen" in busy.stderr

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=STOP_SECONDS) == 0
        output = process.stdout.read().decode() if process.stdout else ""
        assert f"Serving http://127.0.0.1:{port}/ (1 web workers, 1 task worker)" in output
        assert not [pid for pid in known if _alive(pid)]
    finally:
        if process.poll() is None or any(_alive(pid) for pid in known):
            _kill_everything(process, known)


def test_worker_runs_n_processes_and_forwards_signals(site) -> None:
    data_dir, _ = site
    process = subprocess.Popen(
        [BROADSHEET, "worker", "--count", "2"],
        env=_env(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    known: dict[int, str] = {}
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and len(known) < 2 and process.poll() is None:
            known.update({p: c for p, c in _descendants(process.pid).items() if "db_worker" in c})
            time.sleep(0.2)
        assert len(known) == 2
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=STOP_SECONDS) == 0
        assert not [pid for pid in known if _alive(pid)]
    finally:
        if process.poll() is None or any(_alive(pid) for pid in known):
            _kill_everything(process, known)
