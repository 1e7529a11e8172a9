"""Building the Tantivy query (the matcher) for a parsed search: field boosts, prefixes, filters.

Each word is looked up in the shared fields (English stemmer) and, for every language with
documents in the index, in that language's field as that language's stemmer reduces it
(languages.py): "Häuser" also asks text_de for "haus". A word still has to match somewhere in
each document, so a German story matches a German inflection and an English one is found as
before; the extra fields cost one term lookup per word and language present.
"""

from __future__ import annotations

from collections.abc import Callable

import tantivy

from broadsheet.search import backend, languages
from broadsheet.search.parse import Clause, ParsedQuery

FIELD_BOOSTS = {"headline": 10.0, "dek": 4.0, "body": 1.0}
# Words found by completing a prefix count for less than the word as typed.
EXPANSION_WEIGHT = 0.5
# Terms a prefix expands to, per field, the most frequent first (like Lucene's max_expansions).
MAX_EXPANSIONS = 50


def text_query(view: backend.ReaderView, parsed: ParsedQuery) -> tantivy.Query | None:
    """Every required clause must match, no excluded one may; None when nothing is left after
    analysis (say, a query of emoji)."""
    stemmer = backend.stemming_analyzer()
    lowercaser = backend.lowercase_analyzer()
    others = {code: languages.analyzer(code) for code in view.languages}
    required = [
        q for c in parsed.required if (q := _clause(view, c, stemmer, lowercaser, others)) is not None
    ]
    if not required:
        return None
    excluded = [
        q for c in parsed.excluded if (q := _clause(view, c, stemmer, lowercaser, others)) is not None
    ]
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
    others: dict[str, tantivy.TextAnalyzer],
) -> tantivy.Query | None:
    tokens = [token for word in clause.words for token in stemmer.analyze(word)]
    if not tokens:
        return None
    schema = view.schema
    in_languages = _language_queries(schema, clause, others)
    if len(tokens) > 1:
        # A quoted phrase, or one word the tokenizer splits (foo_bar, U.S.) which is a phrase too.
        words: list[str | tuple[int, str]] = list(tokens)
        return _any_field(lambda name: tantivy.Query.phrase_query(schema, name, words), in_languages)
    (term,) = tokens
    if not clause.prefix:
        return _any_field(lambda name: tantivy.Query.term_query(schema, name, term), in_languages)
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
    # A prefix is not expanded in the language fields (their terms are stems, not words as
    # typed); the word as typed, stemmed, still finds its inflections there.
    subqueries.extend((tantivy.Occur.Should, q) for q in in_languages)
    return tantivy.Query.boolean_query(subqueries)


def _language_queries(
    schema: tantivy.Schema, clause: Clause, others: dict[str, tantivy.TextAnalyzer]
) -> list[tantivy.Query]:
    """The clause in each language field present, its words analysed by that language."""
    queries = []
    for code, analyzer in others.items():
        tokens = [token for word in clause.words for token in analyzer.analyze(word)]
        if not tokens:
            continue
        name = languages.field_name(code)
        if len(tokens) > 1:
            words: list[str | tuple[int, str]] = list(tokens)
            query = tantivy.Query.phrase_query(schema, name, words)
        else:
            query = tantivy.Query.term_query(schema, name, tokens[0])
        queries.append(tantivy.Query.boost_query(query, languages.LANGUAGE_BOOST))
    return queries


def _any_field(make: Callable[[str], tantivy.Query], extra: list[tantivy.Query]) -> tantivy.Query:
    """The query on each text field, boosted, and the `extra` ones (the language fields), any
    of which may match (their scores add up)."""
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Should, tantivy.Query.boost_query(make(name), boost))
            for name, boost in FIELD_BOOSTS.items()
        ]
        + [(tantivy.Occur.Should, query) for query in extra]
    )


def apply_filters(
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
