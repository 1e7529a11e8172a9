"""A cache shared by every process of one machine: one SQLite file in WAL mode, an LRU in front.

Why not Django's FileBasedCache, the previous default: every `get` opens a file, reads it whole
and zlib-decompresses it, and `get_many` does that once per key. A page-cache hit asks for
three keys, so a cached page cost three opens and a 60 KB inflate; profiled under wrk, that
was half of a hit's CPU. Here:

- Entries live in one SQLite table (WAL: readers never block the one writer and never block
  each other). Values are pickled without compression: pages arrive already gzipped.
- Each write gives its entry a new random `stamp`. A process keeps the pickled bytes of the
  entries it read recently in a small LRU keyed by (key, stamp). A read fetches only the
  small `stamp, expires` columns of the wanted rows (one query for all keys, no overflow
  pages touched); the value bytes are read from SQLite only when the stamp is new to this
  process. A write anywhere changes the stamp, so no process can serve a stale value, and
  nothing has to be told to invalidate anything.
- Every read unpickles a fresh object, as Django's own backends do, so callers may mutate
  what they get.
- Between writes, not even the stamps are read. SQLite's `PRAGMA data_version` (a counter in
  shared memory) changes for a connection whenever any *other* connection, in any process,
  commits. One extra read-only connection per process asks for it before every read; while
  it is unchanged, nothing anywhere has been written since our local copies were last checked,
  so a copy checked since then (and not past its expiry) is served as it is. Profiled under
  wrk, the stamp query was a third of a page-cache hit.

Options (CACHES["default"]["OPTIONS"]): MAX_ENTRIES (20000; past it the soonest-expiring
CULL_FREQUENCY-th is dropped), CULL_FREQUENCY (3), LOCAL_BYTES (the LRU's budget per
process, 16 MB).
"""

from __future__ import annotations

import math
import os
import pickle
import random
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

# A Python float stored as REAL; SQLite keeps infinities exactly.
NEVER = math.inf
DEFAULT_LOCAL_BYTES = 16 * 1024 * 1024
# Entries larger than this share of the LRU budget are never kept locally.
LOCAL_MAX_SHARE = 8
BUSY_TIMEOUT_MS = 10_000
# Writes between checks of the entry count (the check is a COUNT over the key index).
CULL_CHECK_EVERY = 200
# SQLite's default limit on host parameters is 32766 since 3.32; stay far below it.
MAX_PARAMS = 500

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS cache_entry ("
    " key TEXT PRIMARY KEY, stamp INTEGER NOT NULL, expires REAL NOT NULL, value BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS cache_entry_expires ON cache_entry (expires)",
)


def _new_stamp() -> int:
    return random.getrandbits(62)


class _LocalCopies:
    """The pickled bytes of recently read entries in this process, bounded by total size.

    Each copy remembers its stamp, its expiry, and the generation (see SQLiteCache._generation)
    in which it was last known to match the database.
    """

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.items: OrderedDict[str, list[Any]] = OrderedDict()  # key -> [stamp, data, expires, generation]
        self.lock = threading.Lock()

    def current(self, key: str, generation: int, now: float) -> bytes | None:
        """The copy of `key` if it was checked in this generation and has not expired."""
        with self.lock:
            found = self.items.get(key)
            if found is None or found[3] != generation or found[2] <= now:
                return None
            self.items.move_to_end(key)
            return found[1]  # type: ignore[no-any-return]

    def confirm(self, key: str, stamp: int, expires: float, generation: int) -> bytes | None:
        """The copy of `key` if its stamp is `stamp` (then it is current as of `generation`)."""
        with self.lock:
            found = self.items.get(key)
            if found is None or found[0] != stamp:
                return None
            found[2], found[3] = expires, generation
            self.items.move_to_end(key)
            return found[1]  # type: ignore[no-any-return]

    def put(self, key: str, stamp: int, data: bytes, expires: float, generation: int) -> None:
        if len(data) * LOCAL_MAX_SHARE > self.budget:
            return
        with self.lock:
            old = self.items.pop(key, None)
            if old is not None:
                self.used -= len(old[1])
            self.items[key] = [stamp, data, expires, generation]
            self.used += len(data)
            while self.used > self.budget and self.items:
                _, dropped = self.items.popitem(last=False)
                self.used -= len(dropped[1])

    def discard(self, keys: Iterable[str]) -> None:
        with self.lock:
            for key in keys:
                old = self.items.pop(key, None)
                if old is not None:
                    self.used -= len(old[1])

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.used = 0


class SQLiteCache(BaseCache):
    """Django cache backend; LOCATION is the SQLite file (its folder is created if missing)."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self.path = Path(location)
        options = params.get("OPTIONS", {})
        self.local = _LocalCopies(int(options.get("LOCAL_BYTES", DEFAULT_LOCAL_BYTES)))
        self._threads = threading.local()
        self._pid = os.getpid()
        self._writes = 0
        self._schema_ready = False
        self._schema_lock = threading.Lock()
        # The change detector: one connection that only ever asks PRAGMA data_version.
        self._version_lock = threading.Lock()
        self._version_conn: sqlite3.Connection | None = None
        self._version_seen: int | None = None
        self._generation_count = 0

    # Connections: one per thread, never inherited across fork.

    def _connection(self) -> sqlite3.Connection:
        if os.getpid() != self._pid:
            # A forked child must not share its parent's SQLite handles or local copies.
            self._pid = os.getpid()
            self._threads = threading.local()
            self.local.clear()
            self._version_conn = None
            self._version_seen = None
        conn: sqlite3.Connection | None = getattr(self._threads, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=True
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self._ensure_schema(conn)
            self._threads.conn = conn
        return conn

    def _ensure_schema(self, conn: sqlite3.Connection) -> None:
        with self._schema_lock:
            if self._schema_ready:
                return
            for statement in SCHEMA:
                conn.execute(statement)
            self._schema_ready = True

    def close(self, **kwargs: Any) -> None:
        # Django calls this at the end of every request: the connection stays open for reuse.
        return None

    # Helpers

    def _expiry(self, timeout: float | None | object) -> float:
        seconds = self.get_backend_timeout(timeout)  # type: ignore[arg-type]  # DEFAULT_TIMEOUT sentinel
        return NEVER if seconds is None else float(seconds)

    @staticmethod
    def _dumps(value: Any) -> bytes:
        return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)

    def _generation(self) -> int:
        """A number that changes whenever any connection but the detector's has committed
        since the last call: copies checked in the current generation are still current."""
        self._connection()  # resets per-process state after a fork
        with self._version_lock:
            if self._version_conn is None:
                self._version_conn = sqlite3.connect(
                    self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
                )
            (value,) = self._version_conn.execute("PRAGMA data_version").fetchone()
            if value != self._version_seen:
                self._version_seen = value
                self._generation_count += 1
            return self._generation_count

    def change_token(self) -> int:
        """A number that stays the same for as long as nothing has been written to this cache
        by any process. What a caller derived from values it read after taking a token is as
        current as they are while the token is unchanged (the WSGI fast path keeps decoded
        pages that way, edge/fastpath.py). Take the token *before* reading."""
        return self._generation()

    def _fetch(self, keys: list[str]) -> dict[str, bytes]:
        """Pickled values of the live entries among `keys` (full keys), from the LRU or SQLite."""
        # Taken before reading: a commit after this point starts a new generation, so nothing
        # read below can be trusted for longer than it is true.
        generation = self._generation()
        now = time.time()
        found: dict[str, bytes] = {}
        unchecked: list[str] = []
        for key in keys:
            data = self.local.current(key, generation, now)
            if data is None:
                unchecked.append(key)
            else:
                found[key] = data
        if not unchecked:
            return found
        conn = self._connection()
        for start in range(0, len(unchecked), MAX_PARAMS):
            chunk = unchecked[start : start + MAX_PARAMS]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                f"SELECT key, stamp, expires FROM cache_entry WHERE key IN ({marks}) AND expires > ?",
                (*chunk, now),
            ).fetchall()
            missing: dict[str, int] = {}
            for key, stamp, expires in rows:
                data = self.local.confirm(key, stamp, expires, generation)
                if data is None:
                    missing[key] = stamp
                else:
                    found[key] = data
            if missing:
                marks = ",".join("?" * len(missing))
                for key, stamp, expires, data in conn.execute(
                    f"SELECT key, stamp, expires, value FROM cache_entry WHERE key IN ({marks})",
                    tuple(missing),
                ):
                    # Rewritten between our two reads: the newer value is as good as the older.
                    found[key] = data
                    self.local.put(key, stamp, data, expires, generation)
        return found

    def _write(self, items: dict[str, Any], timeout: float | None | object) -> None:
        expires = self._expiry(timeout)
        rows = []
        for key, value in items.items():
            rows.append((key, _new_stamp(), expires, self._dumps(value)))
        conn = self._connection()
        conn.executemany(
            "INSERT INTO cache_entry (key, stamp, expires, value) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET stamp=excluded.stamp, expires=excluded.expires, "
            "value=excluded.value",
            rows,
        )
        self.local.discard(items)
        self._after_write(conn, len(rows))

    def _after_write(self, conn: sqlite3.Connection, count: int) -> None:
        self._writes += count
        if self._writes < CULL_CHECK_EVERY:
            return
        self._writes = 0
        conn.execute("DELETE FROM cache_entry WHERE expires <= ?", (time.time(),))
        (entries,) = conn.execute("SELECT COUNT(*) FROM cache_entry").fetchone()
        if entries > self._max_entries:
            drop = entries // self._cull_frequency if self._cull_frequency else entries
            conn.execute(
                "DELETE FROM cache_entry WHERE key IN (SELECT key FROM cache_entry ORDER BY expires LIMIT ?)",
                (max(drop, entries - self._max_entries),),
            )

    # Django's cache API

    def validate_key(self, key: str) -> None:
        # Any string is a valid SQLite TEXT key; the base class only warns about memcached's
        # limits, character by character, which was a tenth of a page-cache hit.
        return None

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        full = self.make_and_validate_key(key, version=version)
        data = self._fetch([full]).get(full)
        return default if data is None else pickle.loads(data)

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        wanted = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not wanted:
            return {}
        found = self._fetch(list(wanted))
        return {wanted[full]: pickle.loads(data) for full, data in found.items()}

    def set(
        self,
        key: str,
        value: Any,
        timeout: float | None | object = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        self._write({self.make_and_validate_key(key, version=version): value}, timeout)

    def set_many(
        self,
        data: dict[str, Any],
        timeout: float | None | object = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> list[str]:
        items = {self.make_and_validate_key(key, version=version): value for key, value in data.items()}
        if items:
            self._write(items, timeout)
        return []

    def add(
        self,
        key: str,
        value: Any,
        timeout: float | None | object = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        full = self.make_and_validate_key(key, version=version)
        conn = self._connection()
        # Takes the slot only when it is free or its entry has expired: one atomic statement.
        cursor = conn.execute(
            "INSERT INTO cache_entry (key, stamp, expires, value) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET stamp=excluded.stamp, expires=excluded.expires, "
            "value=excluded.value WHERE cache_entry.expires <= ?",
            (full, _new_stamp(), self._expiry(timeout), self._dumps(value), time.time()),
        )
        added = cursor.rowcount > 0
        if added:
            self.local.discard([full])
            self._after_write(conn, 1)
        return added

    def touch(
        self, key: str, timeout: float | None | object = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        full = self.make_and_validate_key(key, version=version)
        cursor = self._connection().execute(
            "UPDATE cache_entry SET expires = ? WHERE key = ? AND expires > ?",
            (self._expiry(timeout), full, time.time()),
        )
        return cursor.rowcount > 0

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> Any:
        full = self.make_and_validate_key(key, version=version)
        conn = self._connection()
        # BEGIN IMMEDIATE takes the write lock first, so two processes cannot both read n.
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute(
                "SELECT value FROM cache_entry WHERE key = ? AND expires > ?", (full, time.time())
            ).fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(row[0]) + delta
            conn.execute(
                "UPDATE cache_entry SET value = ?, stamp = ? WHERE key = ?",
                (self._dumps(value), _new_stamp(), full),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self.local.discard([full])
        return value

    def has_key(self, key: str, version: int | None = None) -> bool:
        full = self.make_and_validate_key(key, version=version)
        row = (
            self._connection()
            .execute("SELECT 1 FROM cache_entry WHERE key = ? AND expires > ?", (full, time.time()))
            .fetchone()
        )
        return row is not None

    def delete(self, key: str, version: int | None = None) -> bool:
        full = self.make_and_validate_key(key, version=version)
        cursor = self._connection().execute("DELETE FROM cache_entry WHERE key = ?", (full,))
        self.local.discard([full])
        return cursor.rowcount > 0

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        fulls = [self.make_and_validate_key(key, version=version) for key in keys]
        self._connection().executemany("DELETE FROM cache_entry WHERE key = ?", [(k,) for k in fulls])
        self.local.discard(fulls)

    def clear(self) -> None:
        self._connection().execute("DELETE FROM cache_entry")
        self.local.clear()
