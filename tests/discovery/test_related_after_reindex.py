"""Issue 16.9: more-like-this after re-indexing. Every re-index of an article (an update, or a
change-log row applied twice) leaves a deleted copy in the index until a merge drops it; a word
in every story then counts more documents than are live, and Tantivy's more-like-this panicked
(`50162 >= 501xx`, a BaseException that ended the task's worker thread)."""

from __future__ import annotations

import logging

import pytest
import tantivy

from broadsheet.discovery import related
from broadsheet.discovery.models import RelatedArticle
from broadsheet.search import backend, index, similar
from broadsheet.search.errors import SearchUnavailable

pytestmark = pytest.mark.django_db

TOPICS = ("ferry timetable", "lighthouse repairs", "fish market prices", "council budget vote")


@pytest.fixture
def reindexed(make_article) -> list[int]:
    """Twelve stories sharing the word "harbour", indexed in several commits as the follower
    and the index task do, then half of them re-indexed: six deleted copies beside the live ones."""
    ids = [
        make_article(
            headline=f"Harbour {TOPICS[n % 4]} update {n}",
            body=f"<p>The harbour {TOPICS[n % 4]} story, part {n}. Harbour officials spoke.</p>",
        ).pk
        for n in range(12)
    ]
    for start in range(0, 12, 4):  # one commit (one segment) per batch
        index.index_articles(ids[start : start + 4])
    # Half of them again (a segment with no live document left would be dropped at once).
    index.index_articles([pk for n, pk in enumerate(ids) if n % 4 < 2])
    return ids


def test_related_lists_are_computed_on_an_index_with_deleted_copies(reindexed) -> None:
    searcher = backend.readers.view(backend.search_dir()).searcher
    # The state that made Tantivy panic: a word counted in more documents than are live.
    assert searcher.doc_freq("body", "harbour") > searcher.num_docs == 12
    for article_id in reindexed:
        assert related.compute(article_id) > 0
    first = reindexed[0]
    entries = RelatedArticle.objects.filter(article_id=first).order_by("rank")
    # Same topic first: the shared, uninformative word no longer decides anything.
    assert entries.first().related_id in reindexed[4::4]


def test_a_tantivy_panic_is_an_unavailable_index_not_a_dead_worker(reindexed, monkeypatch, caplog) -> None:
    """Should Tantivy panic anyway, the related list is left as it was and the task goes on."""

    def unbounded(address: tantivy.DocAddress, num_docs: int) -> tantivy.Query:
        # The query as it was built before the fix, which panics on this index.
        return tantivy.Query.more_like_this_query(
            address,
            min_doc_frequency=2,
            max_doc_frequency=None,
            min_term_frequency=1,
            max_query_terms=similar.SIMILAR_QUERY_TERMS,
            min_word_length=similar.SIMILAR_MIN_WORD_CHARS,
            stop_words=list(similar.SIMILAR_STOP_WORDS),
        )

    monkeypatch.setattr(similar, "more_like_this", unbounded)
    with pytest.raises(SearchUnavailable, match="panicked") as raised:
        similar.similar(reindexed[0])
    assert backend.is_panic(raised.value.__cause__)
    with caplog.at_level(logging.WARNING, logger="broadsheet.discovery.related"):
        assert related.compute(reindexed[0]) == 0
    assert "panicked" in caplog.text
