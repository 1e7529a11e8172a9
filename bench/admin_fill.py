"""bench/admin.py's fill: sections, authors, tags and N articles in one INSERT ... SELECT each.

Rows come from generate_series (PostgreSQL) or a recursive CTE (SQLite) into the schema that
`broadsheet init` migrated; the ORM row by row would take hours at a million articles.
"""

from __future__ import annotations

import datetime as dt
import time

N_SECTIONS, N_AUTHORS, N_TAGS = 20, 200, 500
BASE_TIME = "2026-12-01 00:00:00"  # published_at of article 1; article x is x*300 s older
WORDS = [
    *("council", "harbour", "budget", "school", "transit", "court", "election", "storm", "museum"),
    *("stadium", "bridge", "housing", "market", "hospital", "festival", "library", "airport"),
    *("river", "police", "park", "tax", "water", "union", "mayor", "senate", "theatre", "factory"),
    *("vaccine", "ferry", "border", "climate", "farm"),
]
BODY = (
    "<p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. " * 8 + "</p>"
) * 2


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


def fill(db: str, rows: int) -> dict[str, float]:
    from django.db import connection

    from broadsheet.newsroom import textsearch

    pg = db == "pg"
    steps: dict[str, float] = {}
    cur = connection.cursor()
    if not pg:
        cur.execute("PRAGMA synchronous=OFF")
        cur.execute("PRAGMA cache_size=-400000")

    def run(label: str, sql: str) -> None:
        start = time.perf_counter()
        cur.execute(sql)
        steps[label] = round(time.perf_counter() - start, 1)
        log(f"  {label}: {steps[label]} s")

    def series(n: int) -> str:
        if pg:
            return f"generate_series(1, {n}) AS c(x)"
        return f"(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n}) SELECT x FROM c) AS c"

    words = "', '".join(WORDS)
    if pg:

        def word(expr: str) -> str:
            return f"(ARRAY['{words}'])[1 + ({expr}) % {len(WORDS)}]"

        def ts(secs: str) -> str:
            return f"(TIMESTAMPTZ '{BASE_TIME}+00' - make_interval(secs => {secs}))"

        fal = "FALSE"
    else:

        def word(expr: str) -> str:
            return f"(json_array('{words}') ->> (({expr}) % {len(WORDS)}))"

        def ts(secs: str) -> str:
            return f"strftime('%Y-%m-%d %H:%M:%S', '{BASE_TIME}', (-({secs})) || ' seconds')"

        fal = "0"

    # Without the text-search indexes during the fill; built once after it (as a restore would).
    if pg:
        for column in textsearch.COLUMNS:
            cur.execute(textsearch.pg_drop_index_sql(column))
    else:
        for sql in textsearch.sqlite_drop_sql():
            cur.execute(sql)

    cur.execute("SELECT COALESCE(MAX(id), 0) FROM newsroom_section")
    s0 = cur.fetchone()[0]
    run(
        "sections",
        f'INSERT INTO newsroom_section (id, name, slug, description, "order", in_menu) '
        f"SELECT {s0} + x, 'Desk ' || x, 'desk-' || x, '', 100 + x, {fal} FROM {series(N_SECTIONS)}",
    )
    run(
        "authors",
        "INSERT INTO newsroom_author (id, name, slug, bio, photo) "
        f"SELECT x, 'Author ' || x, 'author-' || x, '', '' FROM {series(N_AUTHORS)}",
    )
    run(
        "tags",
        f"INSERT INTO newsroom_tag (id, name, slug) SELECT x, 'tag ' || x, 'tag-' || x FROM {series(N_TAGS)}",
    )
    status = "(CASE WHEN x % 50 = 0 THEN 'withdrawn' WHEN x % 50 < 5 THEN 'draft' ELSE 'published' END)"
    # Articles 1..100 are scheduled: published_at in the future (relative to BASE_TIME and now).
    published_at = f"(CASE WHEN x <= 100 THEN {ts('(x - 101) * 600 - 86400 * 400')} ELSE {ts('x * 300')} END)"
    headline = f"{word('x')} || ' ' || {word('x / 7')} || ' ' || {word('x / 53')} || ' report ' || x"
    if pg:
        headline = f"initcap({headline})"
    cols = {
        "id": "x",
        "headline": headline,
        "slug": "'story-' || x",
        "dek": f"'What the ' || {word('x / 3')} || ' decision means for the ' || {word('x / 11')} || ' (' || x || ').'",
        "body": f"'{BODY}' || x",
        "byline": "''",
        "status": status,
        "published_at": published_at,
        "created_at": ts("x * 300"),
        "updated_at": ts("x * 300"),
        "language": "'en'",
        "lead_image": "''",
        "lead_image_url": "''",
        "lead_image_alt": "''",
        "lead_image_caption": "''",
        "lead_image_credit": "''",
        "source_name": "(CASE WHEN x % 2 = 0 THEN 'Wire ' || (x % 97) ELSE '' END)",
        "source_home_url": "(CASE WHEN x % 2 = 0 THEN 'https://wire' || (x % 97) || '.example' ELSE '' END)",
        "canonical_url": "(CASE WHEN x % 2 = 0 THEN 'https://wire.example/s/' || x ELSE NULL END)",
        "author_id": f"1 + x % {N_AUTHORS}",
        "section_id": f"{s0} + 1 + x % {N_SECTIONS}",
        "is_sticky": fal,
    }
    names = ", ".join(f'"{c}"' for c in cols)
    run(
        "articles",
        f"INSERT INTO newsroom_article ({names}) SELECT {', '.join(cols.values())} FROM {series(rows)}",
    )
    run(
        "article_tags",
        "INSERT INTO newsroom_article_tags (article_id, tag_id) "
        f"SELECT x, 1 + x % {N_TAGS} FROM {series(rows)} UNION ALL "
        f"SELECT x, 1 + (x / 3 + 7) % {N_TAGS} FROM {series(rows)} WHERE (x / 3 + 7) % {N_TAGS} <> x % {N_TAGS}",
    )
    if pg:
        for table in (
            "newsroom_section",
            "newsroom_author",
            "newsroom_tag",
            "newsroom_article",
            "newsroom_article_tags",
        ):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
        for column in textsearch.COLUMNS:
            run(f"trigram_index_{column}", textsearch.pg_create_index_sql(column, concurrently=False))
        run("vacuum_analyze", "VACUUM ANALYZE")
    else:
        for sql in textsearch.sqlite_create_sql():
            cur.execute(sql)
        run("fts5_rebuild", textsearch.sqlite_rebuild_sql())
        run("analyze", "ANALYZE")
    return steps


# The dashboard's own tables (#12): a month of feed polls and two months of daily views, dated
# back from the day of the fill (the charts show the last 30 local days), and 100 sources of
# which 10 are failing.
N_SOURCES, FAILING_SOURCES = 100, 10
POLLS_PER_SOURCE_PER_DAY = 24
VIEW_DAYS, ARTICLES_READ_PER_DAY = 60, 3000


def fill_dashboard(db: str, rows: int) -> dict[str, float]:
    """Sources, fetch logs and daily views, unless they are there already (a cached build)."""
    from django.db import connection

    pg = db == "pg"
    steps: dict[str, float] = {}
    cur = connection.cursor()
    cur.execute("SELECT COUNT(*) FROM (SELECT 1 FROM ingest_fetchlog LIMIT 1) AS f")
    if cur.fetchone()[0]:
        return steps

    def run(label: str, sql: str) -> None:
        start = time.perf_counter()
        cur.execute(sql)
        steps[label] = round(time.perf_counter() - start, 1)
        log(f"  {label}: {steps[label]} s")

    def series(n: int) -> str:
        if pg:
            return f"generate_series(1, {n}) AS c(x)"
        return f"(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n}) SELECT x FROM c) AS c"

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    today = dt.date.today()
    if pg:

        def ago(secs: str) -> str:
            return f"(TIMESTAMPTZ '{now:%Y-%m-%d %H:%M:%S}+00' - make_interval(secs => {secs}))"

        def days_ago(days: str) -> str:
            return f"(DATE '{today}' - ({days}))"

        true, false = "TRUE", "FALSE"
    else:

        def ago(secs: str) -> str:
            return f"strftime('%Y-%m-%d %H:%M:%S', '{now:%Y-%m-%d %H:%M:%S}', (-({secs})) || ' seconds')"

        def days_ago(days: str) -> str:
            return f"date('{today}', (-({days})) || ' days')"

        true, false = "1", "0"

    failing = f"x <= {FAILING_SOURCES}"
    run(
        "sources",
        "INSERT INTO ingest_source (id, feed_url, name, home_url, mode, publish_directly, include_keywords, "
        "exclude_keywords, extraction_rules, enabled, next_check_at, check_interval, etag, last_modified, "
        "claim_token, last_fetch_at, last_status, error_count, first_failure_at, last_error, disabled_reason, "
        "feed_problem, created_at) "
        f"SELECT x, 'https://wire' || x || '.example/feed', 'Wire ' || x, 'https://wire' || x || '.example/', "
        f"'excerpt', {true}, '', '', '{{}}', {true}, {ago('-3600')}, 3600, '', '', '', {ago('600')}, "
        f"(CASE WHEN {failing} THEN 503 ELSE 200 END), (CASE WHEN {failing} THEN x ELSE 0 END), "
        f"(CASE WHEN {failing} THEN {ago('x * 3600')} ELSE NULL END), "
        f"(CASE WHEN {failing} THEN 'HTTPStatusError: HTTP 503' ELSE '' END), '', '', {ago('86400 * 400')} "
        f"FROM {series(N_SOURCES)}",
    )
    polls = N_SOURCES * POLLS_PER_SOURCE_PER_DAY * 30
    every = 86400 // (N_SOURCES * POLLS_PER_SOURCE_PER_DAY)  # seconds between two polls, any source
    run(
        "fetch_logs",
        "INSERT INTO ingest_fetchlog (source_id, started_at, finished_at, status, ok, new, updated, "
        "duplicates, skipped, errors, message) "
        f"SELECT 1 + x % {N_SOURCES}, {ago(f'x * {every}')}, {ago(f'x * {every} - 2')}, "
        f"(CASE WHEN x % {N_SOURCES} < {FAILING_SOURCES} THEN 503 ELSE 200 END), "
        f"(CASE WHEN x % {N_SOURCES} < {FAILING_SOURCES} THEN {false} ELSE {true} END), "
        f"(CASE WHEN x % {N_SOURCES} < {FAILING_SOURCES} THEN 0 ELSE x % 4 END), 0, "
        f"(CASE WHEN x % {N_SOURCES} < {FAILING_SOURCES} THEN 0 ELSE x % 7 END), 0, "
        f"(CASE WHEN x % {N_SOURCES} < {FAILING_SOURCES} THEN 1 ELSE 0 END), '' FROM {series(polls)}",
    )
    # ARTICLES_READ_PER_DAY distinct articles a day (331 is prime to the table size).
    run(
        "article_views",
        "INSERT INTO readership_articleviews (article_id, day, views) "
        f"SELECT 1 + ((x % {ARTICLES_READ_PER_DAY}) * 331) % {rows}, {days_ago(f'x / {ARTICLES_READ_PER_DAY}')}, "
        f"1 + (x * 7) % 500 FROM {series(VIEW_DAYS * ARTICLES_READ_PER_DAY - 1)}",
    )
    if pg:
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('ingest_source', 'id'), (SELECT MAX(id) FROM ingest_source))"
        )
        run("analyze_dashboard", "ANALYZE ingest_source, ingest_fetchlog, readership_articleviews")
    else:
        run("analyze_dashboard", "ANALYZE")
    return steps
