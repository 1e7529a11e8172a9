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


def test_reads_between_writes_do_not_query_the_table(db: Path) -> None:
    cache = _cache(db)
    cache.set_many({"page": b"<html>", "gen": "g1"})
    assert cache.get_many(["page", "gen"]) == {"page": b"<html>", "gen": "g1"}
    statements: list[str] = []
    cache._connection().set_trace_callback(statements.append)
    for _ in range(10):
        assert cache.get_many(["page", "gen"]) == {"page": b"<html>", "gen": "g1"}
    assert not [s for s in statements if "cache_entry" in s]
    # A miss still asks the table (absence is not remembered).
    assert cache.get("nothing") is None
    assert [s for s in statements if "cache_entry" in s]


def test_a_write_from_another_thread_or_process_is_seen_at_once(db: Path) -> None:
    import threading

    first, second = _cache(db), _cache(db)
    first.set("page", "v0")
    assert first.get("page") == second.get("page") == "v0"
    writer = threading.Thread(target=first.set, args=("page", "v1"))  # another connection
    writer.start()
    writer.join()
    assert first.get("page") == "v1" and second.get("page") == "v1"
    second.touch("page", timeout=1)
    second.delete("page")
    assert first.get("page") is None


def test_interleaved_writers_and_readers_always_see_the_last_write(db: Path) -> None:
    import random

    caches = [_cache(db) for _ in range(3)]
    rng = random.Random(7)
    last: dict[str, int] = {}
    for step in range(400):
        key = f"k{rng.randrange(4)}"
        if rng.random() < 0.3:
            rng.choice(caches).set(key, step)
            last[key] = step
        else:
            assert rng.choice(caches).get(key) == last.get(key), (step, key)


def test_a_local_copy_is_not_served_past_its_expiry(db: Path) -> None:
    cache = _cache(db)
    cache.set("brief", "x", timeout=1)
    assert cache.get("brief") == "x"
    time.sleep(1.1)
    assert cache.get("brief") is None
