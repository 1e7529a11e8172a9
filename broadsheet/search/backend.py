"""The Tantivy index on disk: its schema, reader handles that follow commits, and the writer lock.

Readers: opening an index maps its segment files and warms their caches, so handles are kept
per directory and reused by every request in the process; before each search a `stat` of
meta.json (replaced atomically on every commit) tells whether to `reload()`. Writers: Tantivy
allows one per directory across all processes (a lock file); `acquire_writer` waits for it
with a short backoff for a bounded time, then raises `IndexBusy`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import tantivy
from django.conf import settings

from broadsheet.search import languages, pairs
from broadsheet.search.errors import IndexBusy, SearchUnavailable

logger = logging.getLogger(__name__)

# The tokenizer Tantivy registers as "en_stem", rebuilt here to analyse query words the same
# way: split on non-alphanumerics, drop tokens over 40 bytes, lowercase, English stemmer.
TOKENIZER = "en_stem"
MAX_TOKEN_BYTES = languages.MAX_TOKEN_BYTES
# Bumped on every change to build_schema(). A replica records the version it was built with
# (replica.json) and one built with another is rebuilt from the database (replica.py).
# 2: the per-language fields (languages.py). 3: the word-pair fields (pairs.py).
SCHEMA_VERSION = 3

# How long a writer waits for another process's writer (the worker, a reindex) to finish.
WRITER_WAIT_SECONDS = 30.0
WRITER_BACKOFF_START = 0.05
WRITER_BACKOFF_MAX = 1.0
# Heap for one task's handful of documents; Tantivy needs at least a few MB per thread.
INCREMENTAL_HEAP_BYTES = 50_000_000

# Tantivy's message when another IndexWriter holds the directory's lock file.
_LOCK_BUSY = "LockBusy"


def search_dir() -> Path:
    return Path(settings.BROADSHEET_SEARCH_DIR)


def build_schema() -> tantivy.Schema:
    """The document: only headline and body are stored (snippets need them); the rest is indexed.
    Headline, dek and body are also in their language's field when it has a stemmer (languages.py),
    and as word pairs (pairs.py)."""
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    # Seconds since the epoch; a fast field so the "due by now" filter and recency are cheap.
    builder.add_integer_field("published_at", fast=True)
    builder.add_text_field("headline", stored=True, tokenizer_name=TOKENIZER)
    builder.add_text_field("dek", tokenizer_name=TOKENIZER)
    builder.add_text_field("body", stored=True, tokenizer_name=TOKENIZER)
    builder.add_text_field("section", tokenizer_name="raw")
    languages.add_fields(builder)
    pairs.add_fields(builder)
    return builder.build()


def stemming_analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_TOKEN_BYTES))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def lowercase_analyzer() -> tantivy.TextAnalyzer:
    """Words as typed, lowercased but not stemmed: what a prefix is matched against."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_TOKEN_BYTES))
        .filter(tantivy.Filter.lowercase())
        .build()
    )


def is_panic(exc: BaseException) -> bool:
    """Is `exc` a Rust panic inside Tantivy? pyo3 raises those as `pyo3_runtime.PanicException`,
    which derives from BaseException (so `except Exception` lets it through and it ends the
    worker thread) and cannot be imported by name."""
    return type(exc).__name__ == "PanicException" and type(exc).__module__ == "pyo3_runtime"


def index_exists(path: Path) -> bool:
    return (path / "meta.json").is_file()


def open_index(path: Path) -> tantivy.Index:
    """Open an existing index; anything unreadable becomes `SearchUnavailable`."""
    try:
        index = tantivy.Index.open(str(path))
    except (ValueError, OSError) as exc:
        raise SearchUnavailable(f"The search index at {path} cannot be opened: {exc}") from exc
    _register(index)
    return index


def open_or_create_index(path: Path) -> tantivy.Index:
    """The index at `path`, created empty if there is none yet (the first write creates it)."""
    path.mkdir(parents=True, exist_ok=True)
    try:
        index = tantivy.Index(build_schema(), path=str(path), reuse=True)
    except (ValueError, OSError) as exc:
        # Also an index built with an older schema ("the schema does not match").
        raise SearchUnavailable(
            f"The search index at {path} cannot be opened ({exc}); run `broadsheet search reindex`."
        ) from exc
    _register(index)
    return index


def _register(index: tantivy.Index) -> None:
    languages.register(index)
    pairs.register(index)


def schema_matches(path: Path) -> bool:
    """Was the index at `path` built with this version's schema? (False for one from an older
    version, which only a rebuild brings up to date.)"""
    try:
        open_or_create_index(path)
    except SearchUnavailable:
        return False
    return True


def acquire_writer(
    index: tantivy.Index,
    heap_size: int = INCREMENTAL_HEAP_BYTES,
    num_threads: int = 1,
    *,
    wait: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> tantivy.IndexWriter:
    """A writer on `index`, waiting up to `wait` seconds (default WRITER_WAIT_SECONDS) while
    another writer holds the lock."""
    if wait is None:
        wait = WRITER_WAIT_SECONDS
    deadline = time.monotonic() + wait
    delay = WRITER_BACKOFF_START
    while True:
        try:
            return index.writer(heap_size=heap_size, num_threads=num_threads)
        except ValueError as exc:
            if _LOCK_BUSY not in str(exc):
                raise SearchUnavailable(f"Cannot open a search index writer: {exc}") from exc
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise IndexBusy(
                    f"The search index is locked by another writer (waited {wait:g} s); retry later."
                ) from exc
            logger.debug("Search index writer lock busy; retrying in %.2f s", delay)
            sleep(min(delay, remaining))
            delay = min(delay * 2, WRITER_BACKOFF_MAX)


@dataclass(frozen=True, slots=True)
class ReaderView:
    """What one search needs: a searcher fixed at one commit, and that index's schema."""

    searcher: tantivy.Searcher
    schema: tantivy.Schema
    # Newest published_at in this view. While it is not in the future no document is
    # scheduled, and a query can skip the "due by now" filter (which costs a column scan).
    newest_published_at: int | None
    # The languages (languages.STEMMERS codes) with documents in this view: the only language
    # fields a query needs to ask.
    languages: tuple[str, ...] = ()
    # Whether this index has the word-pair fields (pairs.py); one built before them answers
    # phrases through positions until it is rebuilt.
    pairs: bool = False


@dataclass
class _Handle:
    index: tantivy.Index
    directory: tuple[int, int]  # (device, inode) of the index directory: a rebuild may replace it
    meta: tuple[int, int, int]  # (inode, mtime, size) of meta.json when last (re)loaded
    newest: int | None  # see ReaderView.newest_published_at
    languages: tuple[str, ...] = ()  # see ReaderView.languages
    pairs: bool = False  # see ReaderView.pairs


class ReaderRegistry:
    """Open index handles by directory, reused across requests and reloaded after commits.

    One instance lives for the whole process (see `readers`): it is the only state this app
    keeps between requests, because re-opening the index per request would throw away its
    warmed caches and cost far more than the search itself.
    """

    def __init__(self) -> None:
        self._handles: dict[Path, _Handle] = {}
        self._lock = threading.Lock()

    def view(self, path: Path) -> ReaderView | None:
        """The index at `path` as of its latest commit, or None if there is no index yet.
        Raises `SearchUnavailable` if the index cannot be read."""
        try:
            directory_stat = os.stat(path)
            meta_stat = os.stat(path / "meta.json")
        except FileNotFoundError:
            return None
        directory = (directory_stat.st_dev, directory_stat.st_ino)
        meta = (meta_stat.st_ino, meta_stat.st_mtime_ns, meta_stat.st_size)
        with self._lock:
            handle = self._handles.get(path)
            try:
                if handle is None or handle.directory != directory:
                    index = open_index(path)
                    # We reload ourselves when meta.json changes (below), at once rather than
                    # after the file watcher's delay, so no watcher thread is needed.
                    index.config_reader(reload_policy="Manual")
                    handle = _Handle(index, directory, (-1, -1, -1), None)
                    self._handles[path] = handle
                if handle.meta != meta:
                    handle.index.reload()
                    searcher = handle.index.searcher()
                    handle.newest = _newest_published_at(searcher)
                    handle.languages = languages.present_languages(searcher)
                    handle.pairs = pairs.in_schema(handle.index.schema)
                    handle.meta = meta
                return ReaderView(
                    handle.index.searcher(),
                    handle.index.schema,
                    handle.newest,
                    handle.languages,
                    handle.pairs,
                )
            except (ValueError, OSError, RuntimeError) as exc:
                self._handles.pop(path, None)
                raise SearchUnavailable(f"The search index at {path} cannot be read: {exc}") from exc

    def forget(self, path: Path) -> None:
        with self._lock:
            self._handles.pop(path, None)


def _newest_published_at(searcher: tantivy.Searcher) -> int | None:
    hits = searcher.search(tantivy.Query.all_query(), 1, count=False, order_by_field="published_at").hits
    return int(hits[0][0]) if hits else None


# The process-wide reader registry (see ReaderRegistry for why it exists). It holds no handle
# until the first search, so importing this module opens nothing.
readers = ReaderRegistry()
