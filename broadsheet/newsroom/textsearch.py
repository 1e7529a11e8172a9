"""Substring search over headline, standfirst and slug that uses an index at a million articles.

The admin searches with `icontains`, a substring match no B-tree can serve: at 1M articles a
rare word scans the table (2-4 s). Each database gets a trigram index that answers exactly
that question, created by migration 0009 and used as follows:

- PostgreSQL: pg_trgm GIN indexes on `UPPER(col::text)`, the expression Django compiles
  `icontains` to (`UPPER("headline"::text) LIKE UPPER('%term%')`), so the admin's own
  search uses them unchanged (checked with EXPLAIN in tests/newsroom/test_admin_scale.py).
- SQLite: an external-content FTS5 table with the trigram tokenizer (SQLite 3.34+), kept
  in step by triggers; `search()` turns each term of 3+ characters into a phrase MATCH, which
  is a case-insensitive substring match like `icontains`. Shorter terms, or a database
  without the table, fall back to `icontains`.

The Tantivy index (broadsheet.search) is not used: it holds only public and scheduled
articles, so an editor would never find a draft, and newsroom sits below search in the layers.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.text import smart_split, unescape_string_literal

logger = logging.getLogger(__name__)

COLUMNS = ("headline", "dek", "slug")
TABLE = "newsroom_article"
FTS_TABLE = "newsroom_article_search"
# FTS5's trigram tokenizer cannot match fewer than three characters.
MIN_TRIGRAM_TERM = 3
# Past this many FTS matches, walk the date index instead of sorting the matches (_fts_condition).
MANY_MATCHES = 2_000


def pg_index_name(column: str) -> str:
    return f"article_{column}_trgm"


def pg_create_index_sql(column: str, *, concurrently: bool = True) -> str:
    how = "CONCURRENTLY " if concurrently else ""
    return (
        f"CREATE INDEX {how}IF NOT EXISTS {pg_index_name(column)} ON {TABLE} "
        f"USING gin (UPPER({column}::text) gin_trgm_ops)"
    )


def pg_drop_index_sql(column: str) -> str:
    return f"DROP INDEX IF EXISTS {pg_index_name(column)}"


def sqlite_create_sql() -> list[str]:
    """The FTS5 table over the article's columns and the triggers that keep it current."""
    cols = ", ".join(COLUMNS)
    new = ", ".join(f"new.{c}" for c in COLUMNS)
    old = ", ".join(f"old.{c}" for c in COLUMNS)
    delete = f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    insert = f"INSERT INTO {FTS_TABLE} (rowid, {cols}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
        f"{cols}, content='{TABLE}', content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON {TABLE} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON {TABLE} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF {cols} ON {TABLE} "
        f"BEGIN {delete} {insert} END",
    ]


def sqlite_rebuild_sql() -> str:
    return f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')"


def repair_sqlite_index(using: str = "default", **kwargs: object) -> bool:
    """After `migrate`: put back the FTS5 triggers if a later migration dropped them.

    SQLite cannot alter a column in place, so Django rebuilds the article table for such a
    migration (new table, copy, drop, rename), and dropping the old table drops its triggers:
    search would then quietly stop seeing new and edited articles. Connected to post_migrate;
    True when it had to repair.
    """
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        wanted = {FTS_TABLE, *(f"{FTS_TABLE}_{suffix}" for suffix in ("ai", "ad", "au"))}
        marks = ", ".join(["%s"] * len(wanted))
        cursor.execute(f"SELECT name FROM sqlite_master WHERE name IN ({marks})", sorted(wanted))
        found = {name for (name,) in cursor.fetchall()}
        if FTS_TABLE not in found or wanted <= found:
            return False  # not installed (before its migration), or whole
        for sql in sqlite_create_sql():
            cursor.execute(sql)
        cursor.execute(sqlite_rebuild_sql())
    return True


def sqlite_drop_sql() -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}" for suffix in ("ai", "ad", "au")),
        f"DROP TABLE IF EXISTS {FTS_TABLE}",
    ]


def terms(search_term: str) -> list[str]:
    """The words of a search as Django's admin splits them (quoted phrases kept whole)."""
    out = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit:
            out.append(bit)
    return out


def _fts_available() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE])
        return cursor.fetchone() is not None


def _icontains(term: str, columns: Sequence[str]) -> Q:
    q = Q()
    for column in columns:
        q |= Q(**{f"{column}__icontains": term})
    return q


def search(queryset: QuerySet, search_term: str) -> QuerySet:
    """Articles whose headline, standfirst or slug contains every term (case-insensitive)."""
    words = terms(search_term)
    if not words:
        return queryset
    use_fts = connection.vendor == "sqlite" and any(len(w) >= MIN_TRIGRAM_TERM for w in words)
    if use_fts and not _fts_available():  # one cheap sqlite_master lookup
        logger.warning("%s is missing: article search scans the table", FTS_TABLE)
        use_fts = False
    phrases = []
    for word in words:
        if use_fts and len(word) >= MIN_TRIGRAM_TERM:
            phrases.append('"' + word.replace('"', '""') + '"')
        else:
            queryset = queryset.filter(_icontains(word, COLUMNS))
    if phrases:
        queryset = queryset.filter(_fts_condition(" AND ".join(phrases)))
    return queryset


def _fts_condition(match: str) -> RawSQL:
    """`id IN (FTS matches)`, shaped for how many there are.

    Few matches: SQLite looks them up by rowid and sorts them (3 ms for one in a million).
    Many: sorting 150,000 matches by date takes 0.6 s, so the id gets a unary `+`, which stops
    SQLite driving the query from the list; it then walks the published_at index newest first
    and keeps the first 50 rows in the list (70 ms). One bounded FTS query tells which.
    """
    subquery = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({subquery} LIMIT {MANY_MATCHES})", [match])
        many = cursor.fetchone()[0] >= MANY_MATCHES
    column = f'{"+" if many else ""}"{TABLE}"."id"'
    return RawSQL(f"{column} IN ({subquery})", [match], output_field=BooleanField())
