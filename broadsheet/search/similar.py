"""More like this: the indexed articles nearest an article's text, for discovery's related stories."""

from __future__ import annotations

import logging

import tantivy
from django.db import DatabaseError

from broadsheet.core import clock
from broadsheet.search import backend, replica
from broadsheet.search.errors import SearchError, SearchUnavailable
from broadsheet.search.matcher import apply_filters

logger = logging.getLogger(__name__)

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
        matcher = apply_filters(view, others, None, int(clock.now().timestamp()))
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
