"""What the per-language fields cost a search: the matcher plus Tantivy's top-100 with count,
the part of `query()` they change, with no language field asked (an English-only index, the
query as before) and with several present.

    DJANGO_SETTINGS_MODULE=broadsheet.settings.test .venv/bin/python bench/search_languages.py [copies]

The corpus is AG News' test split (7,600 stories, /tmp/shared/data/ag-news-test) repeated
`copies` times (default 4), a fifth of the documents tagged de/fr/es/ru (their text is English,
which only makes those fields bigger than real ones would be).
"""

from __future__ import annotations

import csv
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import django

django.setup()

import tantivy  # noqa: E402

from broadsheet.search import backend, languages, matcher  # noqa: E402
from broadsheet.search.parse import parse_query  # noqa: E402

CORPUS = Path("/tmp/shared/data/ag-news-test/test.csv")
TAGGED = ("de", "fr", "es", "ru")
QUERIES = (
    "oil", "oil prices", "microsoft", "iraq election", '"world cup"', "spacefl", "stocks -oil",
    "red sox", "palestinian", "google search engine", "nasa", "intel chips",
)  # fmt: skip
ROUNDS = 31


def build(path: Path, copies: int) -> tantivy.Index:
    rows = list(csv.reader(CORPUS.open(encoding="utf-8")))
    index = backend.open_or_create_index(path)
    writer = index.writer(heap_size=500_000_000, num_threads=2)
    n = 0
    for _ in range(copies):
        for _label, headline, body in rows:
            n += 1
            document = tantivy.Document(
                id=n, published_at=n, headline=headline, dek="", body=body, section="news"
            )
            if n % 5 == 0:
                languages.add_text(document, TAGGED[(n // 5) % len(TAGGED)], headline, body)
            writer.add_document(document)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


def once(view: backend.ReaderView) -> float:
    """The summed time of every query (ms)."""
    start = time.perf_counter()
    for q in QUERIES:
        built = matcher.text_query(view, parse_query(q))
        assert built is not None
        view.searcher.search(built.query, 100, count=True)
    return (time.perf_counter() - start) * 1000


def timed(views: list[backend.ReaderView]) -> list[float]:
    """Median per view over ROUNDS, the views taking turns (so noise hits them alike)."""
    samples: list[list[float]] = [[] for _ in views]
    for _ in range(ROUNDS):
        for view, times in zip(views, samples, strict=True):
            times.append(once(view))
    return [statistics.median(times) for times in samples]


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    with tempfile.TemporaryDirectory() as directory:
        index = build(Path(directory), copies)
        searcher = index.searcher()
        present = languages.present_languages(searcher)
        view = backend.ReaderView(searcher, index.schema, None, present)
        views = [replace(view, languages=()), view, replace(view, languages=tuple(languages.STEMMERS))]
        timed(views)  # warm
        english, tagged, every = timed(views)
    print(f"{searcher.num_docs} documents, {len(QUERIES)} queries, median of {ROUNDS} rounds")
    print(f"no language field (as before):      {english:7.1f} ms")
    print(f"{len(present)} languages present {present}: {tagged:7.1f} ms  x{tagged / english:.2f}")
    print(
        f"all {len(languages.STEMMERS)} language fields asked:      {every:7.1f} ms  x{every / english:.2f}"
    )


if __name__ == "__main__":
    main()
