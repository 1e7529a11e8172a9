"""`search.query` over bench/probe.py's 1,000 mixed queries, overall and by kind of query.

    BROADSHEET_DATA_DIR=<copy> DJANGO_SETTINGS_MODULE=broadsheet.settings.prod ... \\
        nice -n 10 .venv/bin/python bench/search_mix.py [N] [ROUNDS] [--tantivy]

The same query mix as bench/run.py's "Search alone" figure (probe.py's `_mixed_queries`, same
seed), run ROUNDS times after a warm-up; percentiles of wall time and of this thread's CPU time
per query, in ms, over all rounds. The environment (settings, data directory, DATABASE_URL) is
the caller's, as for probe.py; `search.query` only reads. With --tantivy, only the index's
part is timed: the query built and run for the first page (top 100 and the count), no hits.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import probe

from broadsheet.core import clock
from broadsheet.search import backend, matcher
from broadsheet.search.parse import parse_query
from broadsheet.search.query import RERANK_WINDOW, query

# probe._mixed_queries makes query k of kind k % 6, in this order.
KINDS = ("common word", "rare word", "quoted place", "two-word subject topic", "prefix", "word + miss")


def _cuts(values: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(values, n=100)
    return {"p50": round(cuts[49], 2), "p95": round(cuts[94], 2), "p99": round(cuts[98], 2)}


def tantivy_only(text: str) -> None:
    """What search.query asks of Tantivy for the first page, and nothing else."""
    view = backend.readers.view(backend.search_dir())
    assert view is not None, "no search index"
    built = matcher.text_query(view, parse_query(text))
    if built is None:
        return
    # Old code (text_query returning the query itself) and new (a Matcher) alike.
    found = getattr(built, "query", built)
    filtered = matcher.apply_filters(view, found, None, int(clock.now().timestamp()))
    view.searcher.search(filtered, RERANK_WINDOW, count=True)


def run(n: int, rounds: int, only_tantivy: bool = False) -> dict[str, object]:
    texts = probe._mixed_queries(n)
    measured = tantivy_only if only_tantivy else query
    for text in texts[:20]:
        measured(text)  # open the index, warm the caches
    wall: list[float] = []
    cpu: list[float] = []
    by_kind: dict[str, list[float]] = {kind: [] for kind in KINDS}
    slowest: dict[str, float] = {}
    for _round in range(rounds):
        for k, text in enumerate(texts):
            started, started_cpu = time.perf_counter(), time.thread_time()
            measured(text)
            spent_cpu = (time.thread_time() - started_cpu) * 1000
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append(spent_cpu)
            by_kind[KINDS[k % len(KINDS)]].append(spent_cpu)
            slowest[text] = max(slowest.get(text, 0.0), spent_cpu)
    worst = sorted(slowest.items(), key=lambda pair: pair[1], reverse=True)[:10]
    return {
        "n": n,
        "rounds": rounds,
        "measured": "tantivy" if only_tantivy else "search.query",
        "wall": _cuts(wall),
        "cpu": _cuts(cpu),
        "cpu_by_kind": {kind: _cuts(values) for kind, values in by_kind.items()},
        "slowest_cpu": [f"{text} {ms:.1f}" for text, ms in worst],
    }


if __name__ == "__main__":
    flags = {arg for arg in sys.argv[1:] if arg.startswith("--")}
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    n, rounds = int(args[0]) if args else 1000, int(args[1]) if len(args) > 1 else 1
    print(json.dumps(run(n, rounds, "--tantivy" in flags), indent=1))
