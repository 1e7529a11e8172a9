"""The excerpt-body data migration (newsroom 0019) at a million articles, timed.

    nice -n 10 .venv/bin/python bench/excerpt_migration.py --db sqlite [--rows N]
    nice -n 10 .venv/bin/python bench/excerpt_migration.py --db pg     # database bs_excerpt_bench

Builds a scratch database (under BENCH_DATA_ROOT, /var/tmp/broadsheet-bench/excerpt-<db>) with
`broadsheet init`, rolls newsroom back to 0018 and fills N articles in one INSERT ... SELECT
(every column from the model: the fill follows the schema; every second article aggregated,
its ~1.3 kB body ending in the "Read the full story at …" paragraph old ingest wrote; the
text-search indexes, which the body is not in, built after the fill). Then it times `migrate
newsroom 0019` (half the rows change), checks no aggregated body keeps the marker, and times it
once more with nothing left to change (the scan alone).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import time
from pathlib import Path

DATA_ROOT = Path(os.environ.get("BENCH_DATA_ROOT", "/var/tmp/broadsheet-bench"))
PG_DB = os.environ.get("BENCH_PG_DB", "bs_excerpt_bench")
PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
BEFORE, AFTER = "0019_drop_article_fingerprint", "0020_excerpt_bodies_without_read_more"
SUMMARY = (
    "<p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. " * 16 + "</p>"
)
CALL = '<p><strong><a href="https://wire.example/s/1">Read the full story at Wire 1</a></strong></p>'


def configure(db: str) -> Path:
    directory = DATA_ROOT / f"excerpt-{db}"
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="broadsheet.settings.prod",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
        ALLOWED_HOSTS="127.0.0.1",
        BROADSHEET_DATA_DIR=str(directory),
        BROADSHEET_ADMIN_PASSWORD="bench-only-admin-password-4821",
        LOG_LEVEL="WARNING",
    )
    if db == "pg":
        pg = ["-h", PG_HOST, "-U", "postgres"]
        subprocess.run(["dropdb", *pg, "--if-exists", PG_DB], check=True)
        subprocess.run(["createdb", *pg, PG_DB], check=True)
        os.environ["DATABASE_URL"] = f"postgres://postgres@{PG_HOST}:5432/{PG_DB}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'broadsheet.sqlite3'}"
    import django

    django.setup()
    return directory


def timed(label: str, *args: str) -> float:
    from django.core.management import call_command

    start = time.perf_counter()
    call_command(*args, verbosity=0)
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.1f} s", flush=True)
    return seconds


def fill(db: str, rows: int) -> None:
    """N articles from the model's own column list, one statement."""
    from django.db import connection, models

    from broadsheet.newsroom import textsearch
    from broadsheet.newsroom.models import Article, Section

    pg = db == "pg"
    section = Section.objects.order_by("pk").values_list("pk", flat=True)[0]
    if pg:
        series = f"generate_series(1, {rows}) AS c(x)"
        when = "(TIMESTAMPTZ '2026-12-01 00:00:00+00' - make_interval(secs => x * 30))"
        true, false = "TRUE", "FALSE"
    else:
        series = f"(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {rows}) SELECT x FROM c)"
        when = "strftime('%Y-%m-%d %H:%M:%S', '2026-12-01 00:00:00', (-(x * 30)) || ' seconds')"
        true, false = "1", "0"
    aggregated = "x % 2 = 0"
    special = {
        "id": "x",
        "headline": "'Report ' || x",
        "slug": "'report-' || x",
        "body": f"(CASE WHEN {aggregated} THEN '{SUMMARY}{CALL}' ELSE '{SUMMARY}' END)",
        "status": "'published'",
        "section_id": str(section),
        "language": "'en'",
        "source_name": f"(CASE WHEN {aggregated} THEN 'Wire 1' ELSE '' END)",
        "canonical_url": f"(CASE WHEN {aggregated} THEN 'https://wire.example/s/' || x ELSE NULL END)",
    }
    columns: dict[str, str] = {}
    for field in Article._meta.concrete_fields:
        if field.column in special:
            columns[field.column] = special[field.column]
        elif isinstance(field, models.DateTimeField):
            columns[field.column] = when
        elif field.null:
            columns[field.column] = "NULL"
        elif isinstance(field, models.BooleanField):
            columns[field.column] = true if field.default is True else false
        elif isinstance(field, models.JSONField):
            columns[field.column] = "'[]'" if field.default is list else "'{}'"
        elif isinstance(field, models.IntegerField | models.FloatField):
            columns[field.column] = str(field.default if isinstance(field.default, int | float) else 0)
        else:
            columns[field.column] = "''"
    names = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cur:
        drop = (
            [textsearch.pg_drop_index_sql(c) for c in textsearch.COLUMNS]
            if pg
            else textsearch.sqlite_drop_sql()
        )
        for sql in drop:
            cur.execute(sql)
        start = time.perf_counter()
        cur.execute(
            f"INSERT INTO newsroom_article ({names}) SELECT {', '.join(columns.values())} FROM {series}"
        )
        print(f"fill: {rows} articles, {time.perf_counter() - start:.1f} s", flush=True)
        if pg:
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('newsroom_article', 'id'), (SELECT MAX(id) FROM newsroom_article))"
            )
        create = (
            [textsearch.pg_create_index_sql(c, concurrently=False) for c in textsearch.COLUMNS]
            if pg
            else [*textsearch.sqlite_create_sql(), textsearch.sqlite_rebuild_sql()]
        )
        for sql in create:
            cur.execute(sql)
        cur.execute("VACUUM ANALYZE" if pg else "ANALYZE")
    print(f"fill with indexes: {time.perf_counter() - start:.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "pg"], default="sqlite")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    configure(args.db)
    from django.db import connection

    timed("init", "init")
    timed(f"migrate newsroom {BEFORE}", "migrate", "newsroom", BEFORE)
    fill(args.db, args.rows)
    timed(f"migrate newsroom {AFTER} (every aggregated row)", "migrate", "newsroom", AFTER)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*) FROM newsroom_article WHERE body LIKE '%Read the full story at%' "
            "AND canonical_url IS NOT NULL"
        )
        left = cur.fetchone()[0]
    print(f"bodies still holding the marker: {left}", flush=True)
    timed(f"migrate newsroom {BEFORE} (reverse: nothing)", "migrate", "newsroom", BEFORE)
    timed(f"migrate newsroom {AFTER} again (nothing left: the scan)", "migrate", "newsroom", AFTER)


if __name__ == "__main__":
    main()
