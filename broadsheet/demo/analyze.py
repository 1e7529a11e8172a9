"""Refresh the query planner's statistics after a bulk load (`init`, `demo --articles`)."""

from __future__ import annotations

import time


def analyze() -> float:
    """ANALYZE the database; returns the seconds it took. Without fresh statistics SQLite turned
    search's ten primary-key lookups into a scan of a million rows (bench/RESULTS.md)."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
    return time.perf_counter() - started
