"""`broadsheet init --demo` (what `make run` runs): every new password in one box, at the end, once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from django.contrib.auth.hashers import PBKDF2PasswordHasher

from broadsheet.demo.accounts import DEMO_ACCOUNTS
from tests.cli.test_cli import run


def _box(stdout: str) -> dict[str, tuple[str, str]]:
    """The framed block's rows (user -> role, password); it must close the output."""
    lines = stdout.rstrip().splitlines()
    assert lines[-1].startswith("+-") and lines[-1].endswith("-+"), stdout
    top = len(lines) - 1 - lines[::-1][1:].index(lines[-1]) - 1
    rows = {}
    for line in lines[top + 1 : -1]:
        cells = line.strip("| ").split()
        if len(cells) == 3 and cells[0] != "user":
            rows[cells[0]] = (cells[1], cells[2])
    return rows


def test_init_demo_shows_every_password_once_in_one_box(tmp_path: Path) -> None:
    first = run(tmp_path, "init", "--demo", timeout=400)
    assert first.returncode == 0, first.stderr
    rows = _box(first.stdout)
    assert set(rows) == {"admin", *(name for name, _ in DEMO_ACCOUNTS)}
    assert rows["admin"][0] == "Administrator"
    assert all(rows[name][0] == role for name, role in DEMO_ACCOUNTS)
    assert first.stdout.count(rows["admin"][1]) == 1  # not also on the "Admin account" line

    with sqlite3.connect(tmp_path / "broadsheet.sqlite3") as conn:
        hashes = dict(conn.execute("select username, password from auth_user").fetchall())
    # The command ran with the site's hasher (the tests' settings use a faster one).
    for name, (_, password) in rows.items():
        assert PBKDF2PasswordHasher().verify(password, hashes[name]), name
    # Stored nowhere in plain text: not in the database, the settings or any other file.
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.suffix not in {".jpg", ".webp", ".avif", ".png"}:
            data = path.read_bytes()
            assert not any(password.encode() in data for _, password in rows.values()), path

    second = run(tmp_path, "init", "--demo", timeout=400)
    assert second.returncode == 0, second.stderr
    assert "+-" not in second.stdout and "already created" in second.stdout
    assert not any(password in second.stdout for _, password in rows.values())
