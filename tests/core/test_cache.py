"""The shared SQLite cache backend: Django's cache API, and coherence between processes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from broadsheet.core.cache import SQLiteCache


def _cache(path: Path, **options: int) -> SQLiteCache:
    return SQLiteCache(str(path), {"TIMEOUT": 300, "OPTIONS": options})


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "cache.sqlite3"


def test_set_get_delete(db: Path) -> None:
    cache = _cache(db)
    assert cache.get("a") is None
    assert cache.get("a", "fallback") == "fallback"
    cache.set("a", {"body": b"x" * 70_000, "n": 1})
    assert cache.get("a") == {"body": b"x" * 70_000, "n": 1}
    assert cache.has_key("a")
    assert cache.delete("a")
    assert not cache.delete("a")
    assert cache.get("a") is None


def test_get_many_set_many_delete_many(db: Path) -> None:
    cache = _cache(db)
    cache.set_many({"a": 1, "b": [2], "c": None})
    assert cache.get_many(["a", "b", "c", "missing"]) == {"a": 1, "b": [2], "c": None}
    cache.delete_many(["a", "b"])
    assert cache.get_many(["a", "b", "c"]) == {"c": None}
    cache.clear()
    assert cache.get_many(["c"]) == {}


def test_every_read_returns_a_fresh_object(db: Path) -> None:
    cache = _cache(db)
    cache.set("list", [1, 2])
    cache.get("list").append(3)
    assert cache.get("list") == [1, 2]


def test_a_write_in_one_process_is_seen_by_another(db: Path) -> None:
    # Two backend instances on one file stand for two processes, each with its local copies.
    first, second = _cache(db), _cache(db)
    first.set("page", "old")
    assert second.get("page") == "old"
    assert first.get("page") == "old"
    second.set("page", "new")
    assert first.get("page") == "new"
    second.delete("page")
    assert first.get("page") is None
    first.set("n", 1)
    assert second.get("n") == 1
    first.incr("n", 5)
    assert second.get("n") == 6


def test_add_takes_only_a_free_or_expired_slot(db: Path) -> None:
    cache = _cache(db)
    assert cache.add("lock", 1, timeout=60)
    assert not cache.add("lock", 2, timeout=60)
    assert cache.get("lock") == 1
    cache.set("gone", 1, timeout=0.05)
    time.sleep(0.1)
    assert cache.add("gone", 2, timeout=60)
    assert cache.get("gone") == 2


def test_expiry_touch_and_forever(db: Path) -> None:
    cache = _cache(db)
    cache.set("short", 1, timeout=0.05)
    cache.set("touched", 1, timeout=30)
    cache.set("forever", 1, timeout=None)
    cache.set("zero", 1, timeout=0)
    assert cache.get("zero") is None
    assert cache.touch("touched", timeout=0.05)
    time.sleep(0.1)
    assert cache.get("short") is None
    assert cache.get("touched") is None
    assert cache.get("forever") == 1
    assert not cache.touch("missing")


def test_incr_and_decr(db: Path) -> None:
    cache = _cache(db)
    cache.set("n", 1)
    assert cache.incr("n") == 2
    assert cache.decr("n", 2) == 0
    with pytest.raises(ValueError):
        cache.incr("missing")


def test_culls_past_max_entries(db: Path) -> None:
    cache = _cache(db, MAX_ENTRIES=50, CULL_FREQUENCY=2)
    for n in range(450):
        cache.set(f"k{n}", n)
    (count,) = cache._connection().execute("SELECT COUNT(*) FROM cache_entry").fetchone()
    assert count <= 250
    assert cache.get("k449") == 449


def test_local_copies_stay_within_budget(db: Path) -> None:
    cache = _cache(db, LOCAL_BYTES=100_000)
    for n in range(20):
        cache.set(f"k{n}", b"x" * 10_000)
        assert cache.get(f"k{n}") == b"x" * 10_000
    assert cache.local.used <= 100_000
    # Too big for the local budget: still served, from SQLite.
    cache.set("big", b"y" * 50_000)
    assert cache.get("big") == b"y" * 50_000
    assert "big" not in {k.rsplit(":", 1)[-1] for k in cache.local.items}
