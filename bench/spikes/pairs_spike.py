"""Word-pair spike (#15): what each way of answering the probe's query mix costs in Tantivy.

    DJANGO_SETTINGS_MODULE=broadsheet.settings.test nice -n 10 \\
        .venv/bin/python bench/spikes/pairs_spike.py N [INDEX_DIR]

Builds (once) an index of N synthetic articles from the demo corpus's composer, no database,
with this branch's schema (word pairs included), then times bench/probe.py's 1,000 mixed
queries (same seed) on that one index, the ways taking turns:

    positions, stopwords required    as main before #15's third round
    positions      phrases through positions (what an index without pairs does)
    pairs          phrases through pairs; 3+ words also checked by positions (the product)
    pairs only     phrases through pairs alone (not exact for 3+ words: pairs may be apart)

all but the first with lone stopwords not required (matcher.STOPWORDS); each with the count of matches (what search.query asks) and without it (top 100 only).
CPU ms per query (thread time), p50/p95/p99, and the mean for the quoted phrases.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import django  # noqa: E402

django.setup()

import tantivy  # noqa: E402

from broadsheet.demo import corpus  # noqa: E402
from broadsheet.newsroom.models import Article, Section  # noqa: E402
from broadsheet.search import backend, index, matcher, pairs  # noqa: E402
from broadsheet.search.parse import parse_query  # noqa: E402

ROUNDS = 3
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def build(path: Path, n: int) -> None:
    if backend.index_exists(path):
        return
    rng = random.Random(1)
    composer = corpus._Composer(rng)
    slugs = list(corpus._plan(n, rng))
    tantivy_index = backend.open_or_create_index(path)
    writer = backend.acquire_writer(tantivy_index, heap_size=index.REBUILD_HEAP_BYTES, num_threads=2)
    started = time.perf_counter()
    for pk, slug in enumerate(slugs, start=1):
        headline, dek, body = composer.article(slug or "uncategorized")
        article = Article(
            pk=pk,
            headline=headline,
            dek=dek,
            body=body,
            language="en",
            published_at=NOW - dt.timedelta(seconds=rng.randint(3600, 5 * 365 * 86400)),
            section=Section(slug=slug or "uncategorized"),
        )
        writer.add_document(index.build_document(article))
        if pk % 50_000 == 0:
            print(f"  {pk:,} in {time.perf_counter() - started:.0f}s", file=sys.stderr, flush=True)
    writer.commit()
    writer.wait_merging_threads()
    print(f"built {n:,} in {time.perf_counter() - started:.0f}s", file=sys.stderr)


def _pairs_only(
    schema: tantivy.Schema, tokens: list[str], in_languages: list[tantivy.Query]
) -> tantivy.Query:
    wanted = list(dict.fromkeys(pairs.pairs(tokens)))

    def in_field(name: str) -> tantivy.Query:
        found = [tantivy.Query.term_query(schema, pairs.FIELDS[name], p) for p in wanted]
        if len(found) == 1:
            return found[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in found])

    return matcher._any_field(in_field, in_languages)


def timed(view: backend.ReaderView, texts: list[str], count: bool) -> list[float]:
    spent = []
    for text in texts:
        started = time.thread_time()
        built = matcher.text_query(view, parse_query(text))
        if built is not None:
            view.searcher.search(built.query, 100, count=count)
        spent.append((time.thread_time() - started) * 1000)
    return spent


def main(n: int, path: Path) -> None:
    build(path, n)
    import probe  # the mix (imported late: it needs the settings above)

    texts = probe._mixed_queries(1000)
    backend.readers.forget(path)
    view = backend.readers.view(path)
    assert view is not None and view.pairs
    exact_pairs = matcher._phrase_by_pairs
    stopwords = matcher.STOPWORDS
    ways: dict[str, tuple[backend.ReaderView, Callable[..., tantivy.Query], frozenset[str]]] = {
        "positions, stopwords required": (replace(view, pairs=False), exact_pairs, frozenset()),
        "positions": (replace(view, pairs=False), exact_pairs, stopwords),
        "pairs": (view, exact_pairs, stopwords),
        "pairs only": (view, _pairs_only, stopwords),
    }
    samples: dict[str, list[float]] = {}
    for _round in range(ROUNDS):
        for name, (way_view, phrase, dropped) in ways.items():
            matcher._phrase_by_pairs = phrase  # type: ignore[assignment]
            matcher.STOPWORDS = dropped
            for count in (True, False):
                key = f"{name}, {'count' if count else 'no count'}"
                samples.setdefault(key, []).extend(timed(way_view, texts, count))
    matcher._phrase_by_pairs = exact_pairs  # type: ignore[assignment]
    matcher.STOPWORDS = stopwords
    quoted = [k for k, t in enumerate(texts) if t.startswith('"')]
    report = {}
    for key, values in samples.items():
        cuts = statistics.quantiles(values, n=100)
        phrase_ms = [values[r * len(texts) + k] for r in range(ROUNDS) for k in quoted]
        per_text: dict[str, list[float]] = {}
        for position, ms in enumerate(values):
            per_text.setdefault(texts[position % len(texts)], []).append(ms)
        slowest = sorted(per_text.items(), key=lambda item: statistics.median(item[1]), reverse=True)
        report[key] = {
            "p50": round(cuts[49], 2),
            "p95": round(cuts[94], 2),
            "p99": round(cuts[98], 2),
            "quoted mean": round(statistics.fmean(phrase_ms), 2),
            "slowest (median)": [f"{text} {statistics.median(ms):.2f}" for text, ms in slowest[:12]],
        }
    print(json.dumps({"documents": n, "rounds": ROUNDS, "cpu_ms": report}, indent=1))


if __name__ == "__main__":
    size = int(sys.argv[1])
    main(size, Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"/var/tmp/pairs-spike-{size}"))
