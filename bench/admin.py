"""The newsroom admin at 1,000,000 articles: list, search, filters, edit page and dashboard, timed.

    nice -n 19 .venv/bin/python bench/admin.py --db sqlite [--rows N] [--runs 5] [--rebuild] [--results]
    nice -n 19 .venv/bin/python bench/admin.py --db pg ...      # database bs_admin_1m on 127.0.0.1

Builds once (reused after; --rebuild starts again) a Broadsheet data directory under
/var/tmp/broadsheet-bench/admin-1m-<db> with `broadsheet init` (every migration, the real
schema), then fills sections, authors, tags and N articles with bulk SQL (INSERT ... SELECT over
generate_series or a recursive CTE, bench/admin_fill.py; the ORM row by row would take hours). The text-search
indexes of migration 0009 are dropped before the fill and built again after it, as a restore
would. Then, with the production settings and the Django test client logged in as a superuser,
each page gets one warm-up and --runs timed requests: median wall ms, median CPU ms of this
process (not the database server's), the query count, SQL ms, and every COUNT query, flagged
"FULL" when it counts the article table with neither WHERE nor LIMIT. --results appends the
table to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
DATA_ROOT = Path(os.environ.get("BENCH_DATA_ROOT", "/var/tmp/broadsheet-bench"))
PG_DB = os.environ.get("BENCH_PG_DB", "bs_admin_1m")
PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")


def data_dir(db: str) -> Path:
    return DATA_ROOT / f"admin-1m-{db}"


def configure(db: str) -> None:
    directory = data_dir(db)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="broadsheet.settings.prod",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        BROADSHEET_SSL_REDIRECT="off",
        BROADSHEET_HSTS_SECONDS="0",
        BROADSHEET_DATA_DIR=str(directory),
        BROADSHEET_ADMIN_PASSWORD="bench-only-admin-password-4821",
        LOG_LEVEL="WARNING",
    )
    if db == "pg":
        os.environ["DATABASE_URL"] = f"postgres://postgres@{PG_HOST}:5432/{PG_DB}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'broadsheet.sqlite3'}"
    import django

    django.setup()


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


# ---------------------------------------------------------------------------------------------
# Building


def build(db: str, rows: int, rebuild: bool) -> dict:
    directory = data_dir(db)
    marker = directory / "built.json"
    if marker.exists() and not rebuild:
        built = json.loads(marker.read_text())
        if built["rows"] == rows:
            return built
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    if db == "pg":
        pg = ["-h", PG_HOST, "-U", "postgres"]
        subprocess.run(["dropdb", *pg, "--if-exists", PG_DB], check=True)
        subprocess.run(["createdb", *pg, PG_DB], check=True)
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("init", verbosity=0)
    init_s = round(time.perf_counter() - start, 1)
    log(f"broadsheet init: {init_s} s")
    from admin_fill import fill  # bench/admin_fill.py, beside this file

    steps = fill(db, rows)
    built = {
        "rows": rows,
        "init_s": init_s,
        "fill": steps,
        "at": f"{dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%MZ}",
    }
    marker.write_text(json.dumps(built))
    return built


def fill_dashboard_tables(db: str, rows: int) -> None:
    """A cached build from before the dashboard gets its sources, fetch logs and views."""
    from admin_fill import fill_dashboard

    steps = fill_dashboard(db, rows)
    if steps:
        log(f"dashboard tables: {sum(steps.values()):.1f} s")


def catch_up() -> None:
    """A cached database built by older code gets the migrations added since (new indexes)."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    # Static files added since the build (the admin's new scripts and styles) need manifest entries.
    call_command("collectstatic", interactive=False, verbosity=0)
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        start = time.perf_counter()
        call_command("migrate", verbosity=0)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        log(f"applied {', '.join(m.name for m, _ in plan)} and analysed: {time.perf_counter() - start:.1f} s")


# ---------------------------------------------------------------------------------------------
# Measuring

UNCACHED = "bench-uncached"  # a query string the dashboard ignores; measure() empties the cache for it
COUNT = re.compile(r"\bCOUNT\(", re.IGNORECASE)


def count_kind(sql: str) -> str | None:
    """'FULL' for a COUNT over the article table with neither WHERE nor LIMIT."""
    if not COUNT.search(sql) or '"newsroom_article"' not in sql:
        return None
    if re.search(r"\bLIMIT\b", sql, re.IGNORECASE):
        return "capped"
    if not re.search(r"\bWHERE\b", sql, re.IGNORECASE):
        return "FULL"
    return "filtered"


def pages(rows: int) -> dict[str, str]:
    from django.db.models import Max

    from broadsheet.newsroom.models import Author, Section

    base = "/admin/newsroom/article/"
    section = Section.objects.get(slug="desk-3").pk
    author = Author.objects.get(slug="author-7").pk
    newest = Section.objects.aggregate(m=Max("articles__published_at"))["m"]
    edit = rows // 2
    return {
        "list": base,
        "list page 20": base + "?p=20",
        "search common word (harbour)": base + "?q=harbour",
        "search rare (report 777777)": base + "?q=report+777777",
        "search no match (zzqx)": base + "?q=zzqx",
        "filter section": base + f"?section__id__exact={section}",
        "filter status draft": base + "?status__exact=draft",
        "filter state scheduled": base + "?state=scheduled",
        "filter state published": base + "?state=published",
        "filter author": base + f"?author__id__exact={author}",
        "filter published 7 days": base + f"?published_to={newest:%Y-%m-%d}&published_from="
        f"{newest - dt.timedelta(days=7):%Y-%m-%d}",
        "filter published one day, 2 years back": base
        + f"?published_from={newest - dt.timedelta(days=730):%Y-%m-%d}"
        f"&published_to={newest - dt.timedelta(days=730):%Y-%m-%d}",
        "search + filter (harbour, draft)": base + "?q=harbour&status__exact=draft",
        "edit page": base + f"{edit}/change/",
        "author autocomplete": "/admin/autocomplete/?app_label=newsroom&model_name=article&field_name=author&term=Auth",
        # The admin's home (#12): every panel, the charts from the cache (they keep 5 minutes)...
        "dashboard": "/admin/",
        # ...and with the cache emptied before each request: the three month-long GROUP BYs.
        "dashboard, charts uncached": "/admin/?" + UNCACHED,
    }


def measure(rows: int, runs: int) -> dict[str, dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    client = Client()
    user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    client.force_login(user)
    out: dict[str, dict] = {}
    from django.core.cache import cache

    def before(url: str) -> None:
        if url.endswith(UNCACHED):
            cache.clear()

    for name, url in pages(rows).items():
        before(url)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        walls, cpus = [], []
        for _ in range(runs):
            before(url)
            wall, cpu = time.perf_counter(), time.process_time()
            client.get(url)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        before(url)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        counts = [(count_kind(q["sql"]), float(q["time"]) * 1000) for q in ctx.captured_queries]
        counts = [(kind, ms) for kind, ms in counts if kind]
        out[name] = {
            "url": url,
            "median_ms": round(statistics.median(walls), 1),
            "max_ms": round(max(walls), 1),
            "cpu_ms": round(statistics.median(cpus), 1),
            "queries": len(ctx.captured_queries),
            "sql_ms": round(sum(float(q["time"]) for q in ctx.captured_queries) * 1000, 1),
            "counts": [f"{kind} {ms:.0f} ms" for kind, ms in counts],
            "full_count": sum(1 for kind, _ in counts if kind == "FULL"),
        }
        o = out[name]
        log(
            f"{name:42} {o['median_ms']:8.1f} ms  cpu {o['cpu_ms']:7.1f}  q={o['queries']:2}  "
            f"sql {o['sql_ms']:7.1f} ms  counts {o['counts']}"
        )
    return out


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, load average {load}"


def versions(db: str) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT version()" if db == "pg" else "SELECT 'SQLite ' || sqlite_version()")
        return str(cur.fetchone()[0]).split(" on ")[0]


def table(db: str, rows: int, runs: int, built: dict, results: dict[str, dict]) -> str:
    lines = [
        f"### {'PostgreSQL' if db == 'pg' else 'SQLite'}, {rows:,} articles — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"`nice -n 19 .venv/bin/python bench/admin.py --db {db} --runs {runs} --results`; {versions(db)}; "
        f"{machine()}. Build (cached under {data_dir(db)}): `broadsheet init` {built['init_s']} s, fill "
        + ", ".join(f"{k} {v} s" for k, v in built["fill"].items())
        + ".",
        "",
        "| page | median ms | max ms | CPU ms | queries | SQL ms | COUNT queries |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, o in results.items():
        lines.append(
            f"| {name} | {o['median_ms']} | {o['max_ms']} | {o['cpu_ms']} | {o['queries']} | {o['sql_ms']} | "
            f"{', '.join(o['counts']) or '—'} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "pg"), required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--results", action="store_true", help="append the table to bench/RESULTS.md")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    configure(args.db)
    built = build(args.db, args.rows, args.rebuild)
    catch_up()
    fill_dashboard_tables(args.db, args.rows)
    if args.build_only:
        return
    results = measure(args.rows, args.runs)
    text = table(args.db, args.rows, args.runs, built, results)
    print(text)
    (data_dir(args.db) / "results.json").write_text(json.dumps(results, indent=1))
    if args.results:
        with RESULTS.open("a") as f:
            if "## Newsroom admin at 1M" not in RESULTS.read_text():
                f.write("\n## Newsroom admin at 1M\n")
            f.write("\n" + text)
    if any(o["full_count"] for o in results.values()):
        sys.exit("a page counted the whole article table")


if __name__ == "__main__":
    main()
