"""A node's search replica: its Tantivy index, kept in step with the change log in the database.

Every article change appends a row to `IndexChange` (the receiver does it, in the process that
committed the change). Each node that serves search keeps its own index under its data
directory and applies the log in id order: `catch_up()` reads the rows after the last id it
applied, re-reads those articles from the database, indexes or drops them in one commit, and
then records the new position in `replica.json` inside the index directory (written
atomically after the commit, so a crash at any point only means re-applying some rows, which
is harmless: applying a row means "make the index agree with the database").

Who applies: on every node, the follower (`broadsheet search follow`, a child of `broadsheet
serve`) polls the log; the `update_article` task does the same at once when a worker on the
node picks it up. Both go through `catch_up()`, and an applier lock (a file beside the index)
lets one of them at a time read the position, write the index and move the position on. The
Tantivy writer lock still keeps anything else (a reindex) off the index meanwhile.

Gaps. Ids are handed out when a row is inserted but a row becomes visible when its
transaction commits, so a row may appear after a higher id already has. The position only
moves past contiguous ids; rows beyond a gap are applied at once and remembered, and a gap
still open after GAP_WAIT_SECONDS is taken to be a rolled-back insert and skipped.

A new or wiped node, one whose position is gone from the log (offline longer than the log is
kept) or ahead of it (the database was replaced), rebuilds from the database and then follows
the log from the last id that existed when the rebuild started: every change up to that id
was committed before the rebuild began reading, because a change is logged after it commits.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.db.models import Max

from broadsheet.core import clock
from broadsheet.search import backend, index
from broadsheet.search.errors import SearchError, SearchUnavailable
from broadsheet.search.models import IndexChange

logger = logging.getLogger(__name__)

STATE_FILE = "replica.json"
# Log rows read (and applied in one commit) per round.
BATCH = 1000
# How long an id below visible ones may stay missing before it is taken as never coming.
GAP_WAIT_SECONDS = 10.0
# An idle follower still notes that it is in step this often (see needs_rebuild).
IDLE_STATE_WRITE_SECONDS = 60.0
POLL_SECONDS = 0.5
PRUNE_EVERY_SECONDS = 3600.0
# After a failed round (database down, index busy) the follower waits this long.
ERROR_PAUSE_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class ReplicaState:
    """Where a replica stands in the change log."""

    last_id: int  # every change with an id up to this one is in the index
    applied: tuple[int, ...] = ()  # ids above last_id already applied (behind a gap)
    gap_since: float | None = None  # when the missing id last_id + 1 was first noticed
    synced_at: float = 0.0  # wall-clock time of the last round that read the log
    schema: int = backend.SCHEMA_VERSION  # the index schema the replica was built with


def retention() -> dt.timedelta:
    return dt.timedelta(days=int(settings.BROADSHEET_SEARCH_LOG_DAYS))


def enabled() -> bool:
    """Does this node keep a replica? (Off on machines that only run task workers.)"""
    return bool(settings.BROADSHEET_SEARCH_REPLICA)


def state_path(path: Path) -> Path:
    return path / STATE_FILE


def lock_path(path: Path) -> Path:
    # Beside the index, not in it: a rebuild may delete and recreate the index directory.
    return path.with_name(f"{path.name}.lock")


def read_state(path: Path) -> ReplicaState | None:
    try:
        raw = json.loads(state_path(path).read_text())
        return ReplicaState(
            last_id=int(raw["last_id"]),
            applied=tuple(int(i) for i in raw.get("applied", ())),
            gap_since=None if raw.get("gap_since") is None else float(raw["gap_since"]),
            synced_at=float(raw.get("synced_at", 0.0)),
            # Written since version 2; a state without it is from a version-1 index.
            schema=int(raw.get("schema", 1)),
        )
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as exc:
        logger.warning("Search replica state at %s is unreadable (%s); rebuilding", path, exc)
        return None


def write_state(path: Path, state: ReplicaState) -> None:
    """Replace the state file atomically (write, rename). Not fsynced: after a power cut a
    torn file reads as "no state" and the replica rebuilds, which is slow but correct."""
    target = state_path(path)
    temporary = target.with_name(f".{STATE_FILE}.{os.getpid()}.tmp")
    payload = {
        "last_id": state.last_id,
        "applied": list(state.applied),
        "gap_since": state.gap_since,
        "synced_at": state.synced_at,
        "schema": state.schema,
    }
    with open(temporary, "w") as handle:
        json.dump(payload, handle)
    os.replace(temporary, target)


@contextmanager
def applier_lock(path: Path) -> Iterator[None]:
    """One applier per index directory at a time (the follower, a task, a reindex)."""
    lock = lock_path(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def record_change(article_id: int, action: str) -> IndexChange:
    """Append one change to the log (the receiver calls this after the article's commit)."""
    return IndexChange.objects.create(article_id=article_id, action=action[:20])


def latest_change_id() -> int:
    return int(IndexChange.objects.aggregate(newest=Max("id"))["newest"] or 0)


def advance(state: ReplicaState, seen: Iterable[int], now: float) -> ReplicaState:
    """The position after applying the rows `seen` (ids above state.last_id)."""
    applied = set(state.applied) | {i for i in seen if i > state.last_id}
    last_id, gap_since = state.last_id, state.gap_since
    while applied:
        if last_id + 1 in applied:
            applied.discard(last_id + 1)
            last_id += 1
            gap_since = None
            continue
        if gap_since is None:
            gap_since = now
        if now - gap_since < GAP_WAIT_SECONDS:
            break
        # Still missing after the wait: a rolled-back insert, never to appear. Skip it.
        logger.info("Search log: ids %d-%d never appeared; skipping them", last_id + 1, min(applied) - 1)
        last_id, gap_since = min(applied) - 1, None
    return ReplicaState(last_id, tuple(sorted(applied)), gap_since, now, state.schema)


def needs_rebuild(state: ReplicaState | None, path: Path, newest_id: int, now: float) -> str | None:
    """Why the replica must be rebuilt from the database, or None if following the log is enough."""
    if not backend.index_exists(path):
        return "no replica here yet"
    if state is None:
        return "no record of where this replica stands in the change log"
    if state.schema != backend.SCHEMA_VERSION:
        return f"built with search schema {state.schema}, this version's is {backend.SCHEMA_VERSION}"
    if state.last_id > newest_id:
        return f"the change log ends at {newest_id}, before this replica's {state.last_id} (new database?)"
    if now - state.synced_at > retention().total_seconds():
        return "offline for longer than the change log is kept"
    return None


def _rebuild_locked(path: Path, progress: Callable[[int], None] | None) -> tuple[int, ReplicaState]:
    start = latest_change_id()
    count = index.rebuild(progress=progress)
    state = ReplicaState(last_id=start, synced_at=time.time())
    write_state(path, state)
    return count, state


def rebuild_replica(progress: Callable[[int], None] | None = None) -> int:
    """Rebuild this node's index from the database and follow the log from where it stood."""
    path = backend.search_dir()
    with applier_lock(path):
        count, state = _rebuild_locked(path, progress)
    logger.info("Search replica rebuilt: %d articles, following the log after id %d", count, state.last_id)
    return count


def catch_up(also: Iterable[int] = (), *, now: Callable[[], float] = time.time) -> int:
    """Apply every logged change this replica has not applied yet (and re-check the articles
    `also`); returns how many log rows were applied. Rebuilds first when the replica is new,
    wiped, or too far behind. Raises IndexBusy if another writer holds the index."""
    path = backend.search_dir()
    extra = set(also)
    applied_total = 0
    with applier_lock(path):
        state = read_state(path)
        newest = latest_change_id()
        if state is None and newest == 0 and backend.index_exists(path) and backend.schema_matches(path):
            # An index from before the change log existed, kept by the task worker until now:
            # nothing has been logged since, so it is in step. Adopt it rather than rebuild.
            state = ReplicaState(last_id=0, synced_at=now())
            write_state(path, state)
        reason = needs_rebuild(state, path, newest, now())
        if reason is not None or state is None:
            logger.warning("Search replica at %s: %s; rebuilding from the database", path, reason)
            _, state = _rebuild_locked(path, None)
            extra = set()  # the rebuild read them
        while True:
            rows = list(
                IndexChange.objects.filter(id__gt=state.last_id)
                .order_by("id")
                .values_list("id", "article_id", "created_at")[:BATCH]
            )
            done = set(state.applied)
            fresh = [row for row in rows if row[0] not in done]
            wanted = {row[1] for row in fresh} | extra
            if wanted:
                index.index_articles(wanted)
                extra = set()
                _log_lag(fresh)
            moved = advance(state, [row[0] for row in rows], now())
            if _worth_writing(state, moved):
                write_state(path, moved)
                state = moved
            applied_total += len(fresh)
            # A full batch of new rows means more may wait; otherwise we are in step.
            if len(rows) < BATCH or not fresh:
                return applied_total


def _worth_writing(before: ReplicaState, after: ReplicaState) -> bool:
    unchanged = replace(after, synced_at=before.synced_at) == before
    return not unchanged or after.synced_at - before.synced_at >= IDLE_STATE_WRITE_SECONDS


def _log_lag(rows: Sequence[tuple[int, int, dt.datetime]]) -> None:
    if not rows:
        return
    oldest = min(row[2] for row in rows)
    lag = (clock.now() - oldest).total_seconds()
    logger.info(
        "Search replica applied %d changes (up to id %d, %.2f s after the oldest)",
        len(rows),
        rows[-1][0],
        lag,
    )


def prune_log(now: dt.datetime | None = None) -> int:
    """Delete log rows older than the retention period, always keeping the newest row (its id
    tells a replica whether the log was reset). Safe to run on several nodes at once."""
    cutoff = (now or clock.now()) - retention()
    newest = latest_change_id()
    deleted, _ = IndexChange.objects.filter(created_at__lt=cutoff, id__lt=newest).delete()
    if deleted:
        logger.info("Search log: pruned %d changes older than %s", deleted, cutoff.isoformat())
    return int(deleted)


def follow(
    should_stop: Callable[[], bool],
    *,
    poll: float = POLL_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Keep this node's replica in step with the log until `should_stop()` says so.

    Database outages and a busy index are logged and retried; nothing here ends the loop
    except the stop signal, because a follower that died would leave the node's search stale.
    """
    last_prune = 0.0
    while not should_stop():
        pause = poll
        try:
            close_old_connections()
            catch_up()
            if time.monotonic() - last_prune >= PRUNE_EVERY_SECONDS:
                prune_log()
                last_prune = time.monotonic()
        except SearchUnavailable as exc:
            logger.error("Search replica unreadable (%s); rebuilding it", exc)
            try:
                rebuild_replica()
            except (SearchError, DatabaseError) as again:
                logger.error("Search replica rebuild failed: %s", again)
                pause = ERROR_PAUSE_SECONDS
        except (SearchError, DatabaseError) as exc:
            logger.warning("Search replica could not catch up (%s); retrying", exc)
            close_old_connections()  # drops a connection the error left unusable
            pause = ERROR_PAUSE_SECONDS
        sleep(pause)
