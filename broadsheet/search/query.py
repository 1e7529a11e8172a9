"""Searching the index: `query()` is the one search entry point for the site and the API.

The query is built by `matcher.py`; its hits, each checked against the database so a page
shows only articles public now, by `hits.py`. Discovery's more-like-this is `similar.py`.

Ranking: BM25 summed over headline (x10), dek (x4) and body (x1); all words must match (a
quoted phrase must match as a phrase). Recency is blended in by re-ranking the best
`RERANK_WINDOW` BM25 hits by score x a decay on age. Re-ranking the top of the list, rather
than boosting inside the query, keeps Tantivy's top-k pruning and costs one fast-field lookup
per candidate; an in-query date-range boost measured 10-60 ms at 300k documents against
0.2-9 ms without it. Pages past the window follow plain BM25 order, so the pages still
partition the results: the window covers whole pages exactly.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import tantivy

from broadsheet.core import clock
from broadsheet.search import backend
from broadsheet.search.errors import SearchUnavailable
from broadsheet.search.hits import Hit, build_hits
from broadsheet.search.matcher import apply_filters, text_query
from broadsheet.search.parse import normalise_query, parse_query

# The best this many hits (by BM25) are re-ranked with recency.
RERANK_WINDOW = 100
# Recency weight = FLOOR + (1 - FLOOR) x 0.5 ^ (age / HALF_LIFE): a story loses a quarter of
# its weight in its first month and never drops below half of it.
RECENCY_FLOOR = 0.5
RECENCY_HALF_LIFE_DAYS = 30.0
MAX_PER_PAGE = 50
# Deep pages cost more (top-k grows with the offset) and nobody reads them.
MAX_PAGE = 100
# Section filters longer than any slug are not looked up.
MAX_SECTION_CHARS = 100
PAGE_LINKS_AROUND = 2


@dataclass(frozen=True, slots=True)
class SearchResults:
    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit] = field(default_factory=list)
    has_next: bool = False
    section: str | None = None

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def next_page(self) -> int:
        return self.page + 1

    @property
    def previous_page(self) -> int:
        return self.page - 1

    @property
    def num_pages(self) -> int:
        return min(math.ceil(self.total / self.per_page), MAX_PAGE)

    @property
    def page_numbers(self) -> list[int]:
        """The page links to show: a few either side of this one."""
        first = max(1, self.page - PAGE_LINKS_AROUND)
        last = min(self.num_pages, self.page + PAGE_LINKS_AROUND)
        return list(range(first, last + 1))


def query(q: str, *, section: str | None = None, page: int = 1, per_page: int = 10) -> SearchResults:
    """Search public articles for `q` (any string at all), optionally in one section.

    Returns an empty page for an empty query, a page past the end or a missing index; raises
    `SearchUnavailable` only when the index exists but cannot be read.
    """
    text = normalise_query(q)
    section = (section or "").strip()[:MAX_SECTION_CHARS] or None
    page = max(page, 1)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    empty = SearchResults(query=text, total=0, page=page, per_page=per_page, section=section)
    parsed = parse_query(text)
    if parsed.is_empty or page > MAX_PAGE:
        return empty
    view = backend.readers.view(backend.search_dir())
    if view is None:
        return empty
    now = clock.now()
    try:
        matcher = text_query(view, parsed)
        if matcher is None:
            return empty
        filtered = apply_filters(view, matcher.query, section, int(now.timestamp()))
        ranked, total = _rank(view.searcher, filtered, page, per_page, now)
        hits = build_hits(view, matcher.highlight, ranked, now)
    except (ValueError, RuntimeError) as exc:
        # The index was opened but does not behave like ours (another version's schema, or
        # damaged segments): a clear error, not a traceback.
        raise SearchUnavailable(f"Search failed on the index: {exc}") from exc
    except BaseException as exc:
        if not backend.is_panic(exc):
            raise
        raise SearchUnavailable(f"Tantivy panicked on the search: {exc}") from exc
    offset = (page - 1) * per_page
    return SearchResults(
        query=text,
        total=total,
        page=page,
        per_page=per_page,
        hits=hits,
        has_next=offset + per_page < total and page < MAX_PAGE,
        section=section,
    )


# -- ranking --------------------------------------------------------------------------------


def recency_weight(age: dt.timedelta) -> float:
    days = max(age.total_seconds(), 0.0) / 86400
    return RECENCY_FLOOR + (1 - RECENCY_FLOOR) * 0.5 ** (days / RECENCY_HALF_LIFE_DAYS)


def _rank(
    searcher: tantivy.Searcher, matcher: tantivy.Query, page: int, per_page: int, now: dt.datetime
) -> tuple[list[tuple[float, tantivy.DocAddress]], int]:
    """The page's (score, address) pairs, best first, and the total number of matches."""
    window = per_page * math.ceil(RERANK_WINDOW / per_page)
    offset = (page - 1) * per_page
    if offset >= window:
        result = searcher.search(matcher, per_page, count=True, offset=offset)
        return [(float(score), address) for score, address in result.hits], _count(result)
    result = searcher.search(matcher, window, count=True)
    hits = result.hits
    addresses = [address for _score, address in hits]
    timestamps = searcher.fast_field_values("published_at", addresses) if addresses else []
    now_ts = now.timestamp()
    blended = [
        (float(score) * recency_weight(dt.timedelta(seconds=now_ts - float(ts or 0))), address)
        for (score, address), ts in zip(hits, timestamps, strict=True)
    ]
    # sorted() is stable: equal blended scores keep Tantivy's order.
    blended = sorted(blended, key=lambda pair: pair[0], reverse=True)
    return blended[offset : offset + per_page], _count(result)


def _count(result: tantivy.SearchResult) -> int:
    return int(getattr(result, "count", 0) or 0)
