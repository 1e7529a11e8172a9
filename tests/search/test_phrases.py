"""Quoted phrases through word pairs (pairs.py): the same matches as positions, fewer lookups;
lone stopwords beside other words are not required."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
import tantivy

from broadsheet.search import backend, matcher, pairs, query
from broadsheet.search.index import rebuild
from broadsheet.search.parse import parse_query
from broadsheet.search.query import SearchResults

pytestmark = pytest.mark.django_db(transaction=True)


def ids(results: SearchResults) -> list[int]:
    return sorted(hit.article_id for hit in results.hits)


def test_pairs_are_adjacent_stemmed_words_with_stopwords_kept() -> None:
    assert pairs.text_pairs("The Old Customs Quarter.") == "the_old old_custom custom_quarter"
    assert pairs.text_pairs("U.S. ferries") == "u_s s_ferri"
    assert pairs.text_pairs("") == pairs.text_pairs("…") == ""


def test_pairs_of_text_beyond_ascii() -> None:
    assert pairs.text_pairs("Größere Häuser am Kai") == "größere_häuser häuser_am am_kai"


def test_no_pair_spans_a_word_too_long_to_index() -> None:
    # en_stem drops words over 40 bytes but keeps their place: "harbor <long> ferry" has no
    # phrase "harbor ferry", so it must have no pair for it either.
    long_word = "x" * 41
    assert pairs.text_pairs(f"harbor {long_word} ferry lines") == "ferri_line"
    # The same beyond ASCII, where a word of fewer than 41 characters may be over 40 bytes.
    assert pairs.text_pairs(f"Kai {'ä' * 21} Häuser am") == "häuser_am"


def test_two_words_apart_do_not_match_the_phrase_adjacent_do(make_article) -> None:
    adjacent = make_article(headline="Ferry strike ends", dek="", body="<p>Boats run again.</p>")
    make_article(
        headline="Strike talks", dek="", body="<p>The ferry owners and the strike committee met.</p>"
    )
    reversed_ = make_article(headline="Crews strike; ferry idle", dek="", body="<p>No boats.</p>")
    assert ids(query.query('"ferry strike"')) == [adjacent.pk]
    assert ids(query.query('"strike ferry"')) == [reversed_.pk]
    assert query.query("ferry strike").total == 3


def test_a_phrase_matches_its_inflections_as_positions_do(make_article) -> None:
    article = make_article(headline="Ferries striking again", dek="", body="<p>Nothing else.</p>")
    assert ids(query.query('"ferry strikes"')) == [article.pk]


def test_longer_phrase_needs_its_words_in_a_row_not_just_its_pairs(make_article) -> None:
    in_a_row = make_article(headline="Walk the Old Customs Quarter", dek="", body="<p>Maps.</p>")
    # Every pair of "the old customs quarter" occurs, but never all four words in a row.
    make_article(
        headline="Customs",
        dek="",
        body="<p>In the old days the Old Customs office stood by the Customs Quarter gate.</p>",
    )
    assert ids(query.query('"the Old Customs Quarter"')) == [in_a_row.pk]


def test_a_phrase_does_not_run_from_one_field_into_another(make_article) -> None:
    make_article(headline="Harbor", dek="Council meets", body="<p>Later.</p>")
    both = make_article(headline="Harbor council", dek="", body="<p>Later.</p>")
    assert ids(query.query('"harbor council"')) == [both.pk]


def test_a_phrase_of_one_repeated_word(make_article) -> None:
    repeated = make_article(headline="Very very very late ferry", dek="", body="<p>.</p>")
    make_article(headline="Very late, very very late", dek="", body="<p>.</p>")
    assert ids(query.query('"very very very"')) == [repeated.pk]


def test_phrase_words_are_highlighted(make_article) -> None:
    make_article(headline="Ferry strike ends", dek="", body="<p>The ferry strike is over.</p>")
    (hit,) = query.query('"ferry strike"').hits
    assert hit.headline_html == "<mark>Ferry</mark> <mark>strike</mark> ends"
    assert "<mark>ferry</mark> <mark>strike</mark>" in hit.snippet_html


def test_phrase_with_an_excluded_phrase(make_article) -> None:
    keep = make_article(headline="Ferry strike ends", dek="", body="<p>Boats run.</p>")
    make_article(headline="Ferry strike ends in harbor chaos", dek="", body="<p>Boats run.</p>")
    assert ids(query.query('"ferry strike" -"harbor chaos"')) == [keep.pk]


def test_a_word_the_tokenizer_splits_is_a_phrase(make_article) -> None:
    found = make_article(headline="Harbor_council votes", dek="", body="<p>.</p>")
    make_article(headline="Council of the harbor", dek="", body="<p>.</p>")
    assert ids(query.query("harbor_council")) == [found.pk]


@pytest.mark.parametrize(
    "text",
    [
        '"ferry strike',
        'ferry strike"',
        '""',
        '" "',
        '"the"',
        '"ferry"',
        '"' + "ferry strike " * 30 + '"',
        '"' + "ferry strike " * 100 + '"',
        '"the the" the',
    ],
)
def test_odd_phrases_never_fail(make_article, text: str) -> None:
    make_article(headline="Ferry strike ends", dek="", body="<p>Boats run.</p>")
    results = query.query(text)
    assert results.total >= len(results.hits) >= 0


def test_unbalanced_quote_reads_the_rest_as_words(make_article) -> None:
    both = make_article(headline="Strike over; ferry back", dek="", body="<p>.</p>")
    assert ids(query.query('"ferry strike')) == [both.pk]


def test_lone_stopwords_beside_other_words_are_not_required(make_article) -> None:
    # No "the" anywhere in it: still found by "the harbor council vote".
    found = make_article(headline="Harbor council vote", dek="", body="<p>Yes.</p>")
    assert ids(query.query("the harbor council vote")) == [found.pk]


def test_a_query_of_stopwords_alone_requires_them(make_article) -> None:
    hamlet = make_article(headline="To be or not to be", dek="", body="<p>.</p>")
    make_article(headline="To the harbor", dek="", body="<p>.</p>")
    assert ids(query.query("to be")) == [hamlet.pk]


def test_a_quoted_stopword_stays_in_its_phrase(make_article) -> None:
    tideflats = make_article(headline="Floods in the Tideflats", dek="", body="<p>.</p>")
    make_article(headline="Tideflats floods", dek="", body="<p>The water rose.</p>")
    assert ids(query.query('"the Tideflats"')) == [tideflats.pk]


def test_an_index_from_before_the_pairs_still_answers_phrases(make_article, monkeypatch, search_dir) -> None:
    adjacent = make_article(headline="Ferry strike ends", dek="", body="<p>.</p>")
    make_article(headline="Strike on the ferry", dek="", body="<p>.</p>")
    # The schema of SCHEMA_VERSION 2: no pair fields.
    monkeypatch.setattr(pairs, "add_fields", lambda builder: None)
    monkeypatch.setattr(pairs, "add_pairs", lambda document, *texts: None)
    backend.readers.forget(search_dir)
    shutil.rmtree(search_dir)
    rebuild()
    view = backend.readers.view(search_dir)
    assert view is not None and not view.pairs
    assert ids(query.query('"ferry strike"')) == [adjacent.pk]


def test_pairs_find_the_same_documents_as_positions(make_article, search_dir) -> None:
    bodies = [
        "<p>The Old Customs Quarter hosts the ferry strike talks.</p>",
        "<p>Talks on the ferry; the strike goes on in the old quarter.</p>",
        "<p>Old customs die hard in the Quarter. Ferry strikes loom.</p>",
        "<p>The state capital and the old customs quarter.</p>",
    ]
    for body in bodies:
        make_article(headline="Harbor news", dek="", body=body)
    view = backend.readers.view(search_dir)
    assert view is not None and view.pairs
    phrases = [
        '"the old customs quarter"',
        '"ferry strike"',
        '"old customs"',
        '"the state capital"',
        '"the quarter"',
    ]
    for text in phrases:
        by_pairs = matcher.text_query(view, parse_query(text))
        by_positions = matcher.text_query(_without_pairs(view), parse_query(text))
        assert by_pairs is not None and by_positions is not None
        assert _matches(view, by_pairs.query) == _matches(view, by_positions.query), text


def _without_pairs(view: backend.ReaderView) -> backend.ReaderView:
    return replace(view, pairs=False)


def _matches(view: backend.ReaderView, found: tantivy.Query) -> set[int]:
    hits = view.searcher.search(found, 100).hits
    return {
        int(pk or 0) for pk in view.searcher.fast_field_values("id", [address for _score, address in hits])
    }
