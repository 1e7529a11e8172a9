"""Searching the index: `query()` is the one public entry point for the site, the API and discovery.

Ranking: BM25 summed over headline (x10), dek (x4) and body (x1); all words must match (a
quoted phrase must match as a phrase). Recency is blended in by re-ranking the best
`RERANK_WINDOW` BM25 hits by score x a decay on age. Re-ranking the top of the list, rather
than boosting inside the query, keeps Tantivy's top-k pruning and costs one fast-field lookup
per candidate; an in-query date-range boost measured 10-60 ms at 300k documents against
0.2-9 ms without it. Pages past the window follow plain BM25 order, so the pages still
partition the results: the window covers whole pages exactly.

Every hit is checked against the database (one query for the page), so the page only ever
shows articles that are public now, with their current URL and section.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import tantivy
from django.db import DatabaseError

from broadsheet.core import clock
from broadsheet.core.sanitize import excerpt
from broadsheet.newsroom.models import Article
from broadsheet.search import backend, replica
from broadsheet.search.errors import SearchError, SearchUnavailable
from broadsheet.search.parse import Clause, ParsedQuery, normalise_query, parse_query

logger = logging.getLogger(__name__)

FIELD_BOOSTS = {"headline": 10.0, "dek": 4.0, "body": 1.0}
# Words found by completing a prefix count for less than the word as typed.
EXPANSION_WEIGHT = 0.5
# Terms a prefix expands to, per field, the most frequent first (like Lucene's max_expansions).
MAX_EXPANSIONS = 50
# The best this many hits (by BM25) are re-ranked with recency.
RERANK_WINDOW = 100
# Recency weight = FLOOR + (1 - FLOOR) x 0.5 ^ (age / HALF_LIFE): a story loses a quarter of
# its weight in its first month and never drops below half of it.
RECENCY_FLOOR = 0.5
RECENCY_HALF_LIFE_DAYS = 30.0
MAX_PER_PAGE = 50
# Deep pages cost more (top-k grows with the offset) and nobody reads them.
MAX_PAGE = 100
HEADLINE_SNIPPET_CHARS = 400  # longer than any headline: always the whole headline
BODY_SNIPPET_CHARS = 200
# Section filters longer than any slug are not looked up.
MAX_SECTION_CHARS = 100
PAGE_LINKS_AROUND = 2
# What a hit shows of its article, what its URL is made of, and what says it is public.
HIT_COLUMNS = ("headline", "slug", "dek", "status", "published_at", "section__name", "section__slug")


@dataclass(frozen=True, slots=True)
class Hit:
    article_id: int
    headline_html: str  # escaped, with <mark> around matched words
    snippet_html: str  # escaped, with <mark> around matched words
    url: str
    section_name: str
    section_slug: str
    published_at: dt.datetime
    score: float


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
        matcher = _text_query(view, parsed)
        if matcher is None:
            return empty
        filtered = _filtered(view, matcher, section, int(now.timestamp()))
        ranked, total = _rank(view.searcher, filtered, page, per_page, now)
        hits = _hits(view, matcher, ranked, now)
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


# -- building the Tantivy query ------------------------------------------------------------


def _text_query(view: backend.ReaderView, parsed: ParsedQuery) -> tantivy.Query | None:
    """Every required clause must match, no excluded one may; None when nothing is left after
    analysis (say, a query of emoji)."""
    stemmer = backend.stemming_analyzer()
    lowercaser = backend.lowercase_analyzer()
    required = [q for c in parsed.required if (q := _clause(view, c, stemmer, lowercaser)) is not None]
    if not required:
        return None
    excluded = [q for c in parsed.excluded if (q := _clause(view, c, stemmer, lowercaser)) is not None]
    if len(required) == 1 and not excluded:
        # The clause alone scores the same as a boolean around it, with one layer less for
        # Tantivy to drive per matching document (5-30% of a one-word search's Tantivy time
        # at 250k-1M documents).
        return required[0]
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, q) for q in required] + [(tantivy.Occur.MustNot, q) for q in excluded]
    )


def _clause(
    view: backend.ReaderView,
    clause: Clause,
    stemmer: tantivy.TextAnalyzer,
    lowercaser: tantivy.TextAnalyzer,
) -> tantivy.Query | None:
    tokens = [token for word in clause.words for token in stemmer.analyze(word)]
    if not tokens:
        return None
    schema = view.schema
    if len(tokens) > 1:
        # A quoted phrase, or one word the tokenizer splits (foo_bar, U.S.) which is a phrase too.
        words: list[str | tuple[int, str]] = list(tokens)
        return _any_field(lambda name: tantivy.Query.phrase_query(schema, name, words))
    (term,) = tokens
    if not clause.prefix:
        return _any_field(lambda name: tantivy.Query.term_query(schema, name, term))
    typed = lowercaser.analyze(clause.words[0])
    prefix = typed[0] if len(typed) == 1 else term
    subqueries: list[tuple[tantivy.Occur, tantivy.Query]] = []
    for name, boost in FIELD_BOOSTS.items():
        subqueries.append(
            (
                tantivy.Occur.Should,
                tantivy.Query.boost_query(tantivy.Query.term_query(schema, name, term), boost),
            )
        )
        for expansion, _count in view.searcher.terms_with_prefix(name, prefix, limit=MAX_EXPANSIONS):
            if expansion != term:
                weighted = tantivy.Query.boost_query(
                    tantivy.Query.term_query(schema, name, expansion), boost * EXPANSION_WEIGHT
                )
                subqueries.append((tantivy.Occur.Should, weighted))
    return tantivy.Query.boolean_query(subqueries)


def _any_field(make: Callable[[str], tantivy.Query]) -> tantivy.Query:
    """The query on each text field, boosted, any of which may match (their scores add up)."""
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Should, tantivy.Query.boost_query(make(name), boost))
            for name, boost in FIELD_BOOSTS.items()
        ]
    )


def _filtered(
    view: backend.ReaderView, matcher: tantivy.Query, section: str | None, now_ts: int
) -> tantivy.Query:
    clauses: list[tuple[tantivy.Occur, tantivy.Query]] = [(tantivy.Occur.Must, matcher)]
    if section:
        in_section = tantivy.Query.term_query(view.schema, "section", section)
        clauses.append((tantivy.Occur.Must, tantivy.Query.const_score_query(in_section, 0.0)))
    newest = view.newest_published_at
    if newest is not None and newest > now_ts:
        # Some documents are scheduled: keep only those due by now. Excluding the (few) future
        # ones measured cheaper than requiring "published_at <= now" of every match.
        future = tantivy.Query.range_query(
            view.schema, "published_at", tantivy.FieldType.Integer, lower_bound=now_ts, include_lower=False
        )
        clauses.append((tantivy.Occur.MustNot, future))
    if len(clauses) == 1:
        return matcher
    return tantivy.Query.boolean_query(clauses)


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


# -- hits and snippets ----------------------------------------------------------------------


def _hits(
    view: backend.ReaderView,
    matcher: tantivy.Query,
    ranked: Sequence[tuple[float, tantivy.DocAddress]],
    now: dt.datetime,
) -> list[Hit]:
    if not ranked:
        return []
    searcher = view.searcher
    # Ids from the fast field, so only the hits still public cost a stored-document read.
    ids = [int(pk or 0) for pk in searcher.fast_field_values("id", [address for _score, address in ranked])]
    public = _public_articles(ids, now)
    if not public:
        return []
    headlines = tantivy.SnippetGenerator.create(searcher, matcher, view.schema, "headline")
    headlines.set_max_num_chars(HEADLINE_SNIPPET_CHARS)
    bodies = tantivy.SnippetGenerator.create(searcher, matcher, view.schema, "body")
    bodies.set_max_num_chars(BODY_SNIPPET_CHARS)
    hits = []
    for (score, address), article_id in zip(ranked, ids, strict=True):
        article = public.get(article_id)
        if article is None or article.published_at is None:
            continue  # not public now (see _public_articles)
        doc = searcher.doc(address)
        hits.append(
            Hit(
                article_id=article_id,
                headline_html=_headline_html(headlines.snippet_from_doc(doc), doc, article),
                snippet_html=_body_html(bodies.snippet_from_doc(doc), doc, article),
                url=article.get_absolute_url(),
                section_name=article.section.name,
                section_slug=article.section.slug,
                published_at=article.published_at,
                score=score,
            )
        )
    return hits


def _public_articles(ids: Sequence[int], now: dt.datetime) -> dict[int, Article]:
    """The hits that are public now, by id, reading only the columns a hit shows (no body, no
    author). A hit withdrawn, back in draft, rescheduled or deleted since it was indexed (its
    task has not run yet) is left out.

    The rows are fetched by primary key alone and "public" is checked here, not in SQL: given
    `status = ... AND published_at <= ...` beside the ids, SQLite without fresh statistics
    plans a range scan of article_pub_idx (every published row: 155 ms at 1M) instead of ten
    primary-key lookups.
    """
    articles = Article.objects.filter(pk__in=ids).select_related("section").only(*HIT_COLUMNS).order_by()
    return {article.pk: article for article in articles if is_public(article, now)}


def is_public(article: Article, now: dt.datetime) -> bool:
    """`Article.objects.published()` for one article in hand (tests keep the two in step)."""
    return (
        article.status == Article.Status.PUBLISHED
        and article.published_at is not None
        and article.published_at <= now
    )


def _headline_html(snippet: tantivy.Snippet, doc: tantivy.Document, article: Article) -> str:
    stored = doc.get_first("headline")
    if stored != article.headline or not snippet.highlighted():
        # No match in the headline, or the index has not caught up with an edit yet.
        return html.escape(article.headline)
    return highlight(snippet.fragment(), snippet.highlighted())


def _body_html(snippet: tantivy.Snippet, doc: tantivy.Document, article: Article) -> str:
    body = str(doc.get_first("body") or "")
    if not snippet.highlighted():
        return html.escape(excerpt(article.dek or body, BODY_SNIPPET_CHARS))
    fragment = snippet.fragment()
    span = snippet.fragment_range()
    marked = highlight(fragment, snippet.highlighted())
    before = "… " if span.start > 0 else ""
    after = " …" if span.end < len(body.encode()) else ""
    return f"{before}{marked}{after}"


def highlight(fragment: str, ranges: Sequence[tantivy.Range]) -> str:
    """`fragment` escaped, with <mark> around each range. Tantivy's ranges are UTF-8 byte
    offsets into the fragment, so slicing happens on the bytes."""
    raw = fragment.encode()
    parts: list[str] = []
    position = 0
    for span in sorted(ranges, key=lambda r: r.start):
        start, end = max(span.start, position), min(span.end, len(raw))
        if start >= end:
            continue
        parts.append(html.escape(raw[position:start].decode(errors="replace")))
        parts.append(f"<mark>{html.escape(raw[start:end].decode(errors='replace'))}</mark>")
        position = end
    parts.append(html.escape(raw[position:].decode(errors="replace")))
    return "".join(parts)


# -- more like this (discovery's related stories) -------------------------------------------

# The article's most telling terms that make up the more-like-this query.
SIMILAR_QUERY_TERMS = 40
SIMILAR_MIN_WORD_CHARS = 3
SIMILAR_STOP_WORDS = (
    "the", "and", "for", "that", "with", "was", "were", "are", "but", "not", "his", "her", "they",
    "this", "from", "have", "has", "had", "who", "said", "will", "would", "its", "their", "than",
)  # fmt: skip


def similar(article_id: int, limit: int = 20) -> list[tuple[int, float]]:
    """Ids and scores of the indexed articles whose text is nearest to `article_id`'s (Tantivy's
    more-like-this over its headline and body), best first, never the article itself, only
    documents due by now. Empty when there is no index or the article is not in it; raises
    `SearchUnavailable` when the index cannot be read (or Tantivy panics on it). The caller
    checks the ids against the database, as `query()` does."""
    view = backend.readers.view(backend.search_dir())
    if view is None:
        return []
    searcher = view.searcher
    try:
        own = tantivy.Query.term_query(view.schema, "id", article_id)
        found = searcher.search(own, 1).hits
        if not found:
            return []
        like = more_like_this(found[0][1], searcher.num_docs)
        others = tantivy.Query.boolean_query([(tantivy.Occur.Must, like), (tantivy.Occur.MustNot, own)])
        matcher = _filtered(view, others, None, int(clock.now().timestamp()))
        hits = searcher.search(matcher, max(limit, 1)).hits
        ids = searcher.fast_field_values("id", [address for _score, address in hits]) if hits else []
    except (ValueError, RuntimeError) as exc:
        raise SearchUnavailable(f"Search failed on the index: {exc}") from exc
    except BaseException as exc:
        if not backend.is_panic(exc):
            raise
        raise SearchUnavailable(
            f"Tantivy panicked on more-like-this for article {article_id}: {exc}"
        ) from exc
    return [(int(pk or 0), float(score)) for (score, _address), pk in zip(hits, ids, strict=True)]


def more_like_this(address: tantivy.DocAddress, num_docs: int) -> tantivy.Query:
    """The more-like-this query for the document at `address`, for a searcher holding
    `num_docs` live documents.

    Tantivy weighs each term by an idf of (live documents, documents holding the term), and
    asserts the first is not smaller. But a term's document count also counts deleted
    documents until a merge drops them, and every re-index deletes a copy (an update, or a
    change-log row applied twice): after a big feed a word in nearly every story is counted in
    more documents than are live, and the assertion panics ("50162 >= 50187"). Capping the
    document frequency at the live count skips exactly those terms, which appear in (about)
    every document and so say nothing about similarity anyway.
    """
    return tantivy.Query.more_like_this_query(
        address,
        min_doc_frequency=2,
        max_doc_frequency=max(num_docs, 1),
        min_term_frequency=1,
        max_query_terms=SIMILAR_QUERY_TERMS,
        min_word_length=SIMILAR_MIN_WORD_CHARS,
        stop_words=list(SIMILAR_STOP_WORDS),
    )


def bring_up_to_date() -> bool:
    """Apply the change log to this node's replica now, for a caller about to read what was
    just published (discovery, before its related lists). False when the node keeps no
    replica or it could not catch up (logged; the follower keeps trying)."""
    if not replica.enabled():
        return False
    try:
        replica.catch_up()
    except (SearchError, DatabaseError) as exc:
        logger.warning("Search replica not brought up to date: %s", exc)
        return False
    return True
