"""Deep list pages and the sidebar's counted lists, in-process (issue #15, third round).

    nice -n 10 .venv/bin/python bench/deep_pages.py DATA_DIR [--requests 200] [--rounds 3]

Renders, through django.test.Client with broadsheet.settings.prod (bench/run.py's env) and
the page cache off, the biggest section's first page, its old `?page=50` URL and page 50
reached by the cursor links (`?before=…`, when this code has them), one client, requests
alternating; prints wall p50/p99 and CPU p50 per URL. Then times the sidebar's Categories
and Archives lists computed afresh (what the refresh task does), and Popular for scale.

Run it on a copy of a bench corpus (`broadsheet init` first if the branch adds migrations).
To measure another checkout with the same venv: `PYTHONPATH=/path/to/checkout`.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any


def setup(data_dir: Path) -> None:
    # As bench/run.py's env_for(), without importing it (it starts servers at import-free cost).
    os.environ.update(
        DJANGO_SETTINGS_MODULE="broadsheet.settings.prod",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        BROADSHEET_SSL_REDIRECT="off",
        BROADSHEET_HSTS_SECONDS="0",
        BROADSHEET_DATA_DIR=str(data_dir),
        BROADSHEET_PAGE_CACHE="off",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def deep_cursor_url(client: Any, path: str, page: int) -> str | None:
    """Page `page` as a reader reaches it: the "Older stories" link of page `page - 1` (its
    old URL), or None where the pager links by number."""
    response = client.get(f"{path}?page={page - 1}", HTTP_HOST="127.0.0.1")
    found = re.search(r'rel="next" href="([^"]+)"', response.content.decode())
    url = html.unescape(found.group(1)) if found else None
    return url if url and "before=" in url else None


def time_pages(urls: dict[str, str], requests: int, rounds: int) -> dict[str, dict[str, float]]:
    from django.test import Client

    client = Client()
    for url in urls.values():  # warm: sidebar lists, memoised chrome, SQLite's page cache
        for _ in range(3):
            assert client.get(url, HTTP_HOST="127.0.0.1").status_code == 200, url
    wall: dict[str, list[float]] = {name: [] for name in urls}
    cpu: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(rounds):
        for _ in range(requests // rounds):
            for name, url in urls.items():
                w, c = time.perf_counter(), time.process_time()
                response = client.get(url, HTTP_HOST="127.0.0.1")
                cpu[name].append((time.process_time() - c) * 1000)
                wall[name].append((time.perf_counter() - w) * 1000)
                assert response.status_code == 200, url
    return {
        name: {
            "p50": percentile(wall[name], 0.5),
            "p99": percentile(wall[name], 0.99),
            "cpu_p50": percentile(cpu[name], 0.5),
            "cpu_p99": percentile(cpu[name], 0.99),
        }
        for name in urls
    }


def time_sql(section: Any, pages: list[int], repeat: int = 20) -> None:
    """Database time alone (no ORM compiling, no rendering) of a deep page read by OFFSET
    (full rows, as before) and by cursor (the page, and where the newer page starts), median
    of `repeat`; the index-only OFFSET that answers an old ?page=N link is listed too."""
    from django.db import connection

    from broadsheet.newsroom.models import Article

    spent: list[float] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append((time.perf_counter() - started) * 1000)

    def median_sql(work: Any) -> float:
        runs = []
        for _ in range(repeat):
            spent.clear()
            with connection.execute_wrapper(timed):
                work()
            runs.append(sum(spent))
        return statistics.median(runs)

    queryset = Article.objects.public_listing(section=section)
    for page in pages:
        print(f"SQL page {page:4}: {_deep_page_sql(queryset, page, median_sql)}", flush=True)


def _deep_page_sql(queryset: Any, page: int, median_sql: Any) -> str:
    try:
        from broadsheet.site.pagination import PER_PAGE, QuerySetListing, position_of
    except ImportError:  # a checkout without cursors: only the OFFSET figure
        PER_PAGE, QuerySetListing = 20, None
    offset = (page - 1) * PER_PAGE
    full = median_sql(lambda: list(queryset[offset : offset + PER_PAGE + 1]))
    line = f"OFFSET {offset:6}, full rows {full:6.2f} ms"
    if QuerySetListing is not None:
        listing = QuerySetListing(queryset)
        start = listing.position_at(offset - 1)
        assert start is not None
        first = position_of(listing.older(start, 1)[0])
        by_cursor = median_sql(
            lambda: (listing.older(start, PER_PAGE + 1), listing.newer(first, PER_PAGE + 1))
        )
        index_only = median_sql(lambda: listing.position_at(offset - 1))
        line += f"; by cursor {by_cursor:5.2f} ms; index-only OFFSET {index_only:5.2f} ms"
    return line


def time_lists(repeat: int) -> dict[str, float]:
    from broadsheet.readership import popular
    from broadsheet.site import widgets

    found: dict[str, float] = {}
    for name, compute in (
        ("categories", widgets.compute_categories),
        ("archives", widgets.compute_archives),
        ("popular", popular.compute_popular),
    ):
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            compute()
            runs.append((time.perf_counter() - started) * 1000)
        found[name] = statistics.median(runs)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--page", type=int, default=50)
    parser.add_argument("--list-repeat", type=int, default=3)
    parser.add_argument("--skip-lists", action="store_true")
    args = parser.parse_args()
    setup(args.data_dir)

    from django.db.models import Count
    from django.test import Client

    from broadsheet.newsroom.models import Article, Section

    biggest = (
        Article.objects.published()
        .order_by()
        .values("section_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert biggest is not None, "an empty corpus"
    section = Section.objects.get(pk=biggest["section_id"])
    path = f"/{section.slug}/"
    urls = {"section p1": path, f"section ?page={args.page}": f"{path}?page={args.page}"}
    cursor = deep_cursor_url(Client(), path, args.page)
    if cursor:
        urls[f"section p{args.page} by cursor"] = cursor
    print(f"{Article.objects.count():,} articles; section {section.slug!r} has {biggest['n']:,}", flush=True)
    for name, figures in time_pages(urls, args.requests, args.rounds).items():
        print(
            f"{name:32} wall p50 {figures['p50']:6.1f} ms  p99 {figures['p99']:6.1f} ms"
            f"  cpu p50 {figures['cpu_p50']:6.1f} ms  p99 {figures['cpu_p99']:6.1f} ms",
            flush=True,
        )
    time_sql(section, [2, args.page, 500])
    if not args.skip_lists:
        for name, ms in time_lists(args.list_repeat).items():
            print(
                f"sidebar list {name:12} computed in {ms:9.1f} ms (median of {args.list_repeat})", flush=True
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
