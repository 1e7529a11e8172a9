"""In-process measurements for bench/run.py, run in a subprocess against one data directory.

    .venv/bin/python bench/probe.py urls            # the pages to measure, as JSON
    .venv/bin/python bench/probe.py queries URL...  # SQL queries per page (page cache off)
    .venv/bin/python bench/probe.py search [N]      # p50/p95/p99 of search.query over N queries
    .venv/bin/python bench/probe.py page URL        # the rendered page body, to stdout (identity)

The environment (settings module, BROADSHEET_DATA_DIR, ...) is the caller's.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The test client's host; the real servers get ALLOWED_HOSTS from the caller.
os.environ["ALLOWED_HOSTS"] = os.environ.get("ALLOWED_HOSTS", "127.0.0.1") + ",testserver"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from broadsheet.demo import words  # noqa: E402
from broadsheet.newsroom.models import Article, Section, Tag  # noqa: E402
from broadsheet.search.query import query  # noqa: E402

SEARCH_SEED = 6


def urls() -> dict[str, str]:
    """One URL per page kind: the newest article, the biggest section, a well-used tag, three searches."""
    article = Article.objects.published().latest_first().select_related("section").first()
    assert article is not None, "empty corpus"
    section = Section.objects.get(slug="politics")
    tag = (
        Tag.objects.annotate(n=Count("articles")).order_by("-n").first() or Tag.objects.order_by("pk").first()
    )
    assert tag is not None
    rare = words.RARE_WORDS[0]
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "section": section.get_absolute_url(),
        "section_deep": f"{section.get_absolute_url()}?page=50",
        "tag": f"/tag/{tag.slug}/",
        "search": "/search/?q=china",
        "search_rare": f"/search/?q={rare}",
        "search_phrase": "/search/?q=%22port+alder%22",
        "feed": "/feed/",
        "sitemap": "/sitemap.xml",
    }


def queries(paths: list[str]) -> dict[str, int]:
    settings.BROADSHEET_PAGE_CACHE = False
    client = Client()
    counts = {}
    for path in paths:
        client.get(path)  # fills the widget caches, as a running site has them
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[path] = len(captured.captured_queries)
    return counts


def _mixed_queries(n: int) -> list[str]:
    """Common words, rare words, two-word phrases, prefixes and misses, seeded."""
    rng = random.Random(SEARCH_SEED)
    common = ["china", "council", "harbor", "budget", "music", "film", "election", "school", "ferry"]
    subjects = [s for pair in words.SECTION_WORDS.values() for s in pair[0]]
    topics = [t for pair in words.SECTION_WORDS.values() for t in pair[1]]
    made = []
    for k in range(n):
        kind = k % 6
        if kind == 0:
            made.append(rng.choice(common))
        elif kind == 1:
            made.append(rng.choice(words.RARE_WORDS))
        elif kind == 2:
            made.append(f'"{rng.choice(words.PLACES)}"')
        elif kind == 3:
            made.append(f"{rng.choice(subjects)} {rng.choice(topics)}")
        elif kind == 4:
            made.append(rng.choice(topics)[:4])
        else:
            made.append(f"{rng.choice(common)} xylophonic")
    return made


def search(n: int) -> dict[str, float]:
    """Wall-clock percentiles (what a reader waits) and this thread's CPU-time percentiles
    (what the query costs, much less disturbed by other work on a shared machine)."""
    texts = _mixed_queries(n)
    for text in texts[:20]:
        query(text)  # open the index, warm the caches
    times, cpu = [], []
    for text in texts:
        started, started_cpu = time.perf_counter(), time.thread_time()
        query(text)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        times.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(times, n=100)
    cpu_cuts = statistics.quantiles(cpu, n=100)
    return {
        "n": n,
        "p50": cuts[49],
        "p95": cuts[94],
        "p99": cuts[98],
        "mean": statistics.fmean(times),
        "cpu_p50": cpu_cuts[49],
        "cpu_p95": cpu_cuts[94],
        "cpu_p99": cpu_cuts[98],
    }


def page(path: str) -> bytes:
    settings.BROADSHEET_PAGE_CACHE = False
    response = Client().get(path)
    assert response.status_code == 200
    return bytes(response.content)


def main(argv: list[str]) -> None:
    command, args = argv[0], argv[1:]
    if command == "urls":
        print(json.dumps(urls()))
    elif command == "queries":
        print(json.dumps(queries(args)))
    elif command == "search":
        print(json.dumps(search(int(args[0]) if args else 1000)))
    elif command == "page":
        sys.stdout.buffer.write(page(args[0]))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
