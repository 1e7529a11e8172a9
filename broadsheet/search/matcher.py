"""Building the Tantivy query (the matcher) for a parsed search: field boosts, prefixes, filters.

Each word is looked up in the shared fields (English stemmer) and, for every language with
documents in the index, in that language's field as that language's stemmer reduces it
(languages.py): "Häuser" also asks text_de for "haus". A word still has to match somewhere in
each document, so a German story matches a German inflection and an English one is found as
before; the extra fields cost one term lookup per word and language present.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import tantivy

from broadsheet.search import backend, languages, pairs
from broadsheet.search.parse import Clause, ParsedQuery

FIELD_BOOSTS = {"headline": 10.0, "dek": 4.0, "body": 1.0}
# Words found by completing a prefix count for less than the word as typed.
EXPANSION_WEIGHT = 0.5
# Terms a prefix expands to, per field, the most frequent first (like Lucene's max_expansions).
MAX_EXPANSIONS = 50
# English words in nearly every story. Beside other words they are not required (nor
# scored): requiring "the" of "the city council budget" excludes next to nothing, yet makes
# Tantivy check and score "the" in every candidate (the slowest unquoted queries at 1M).
# A query of these words alone ("to be", "as it is") keeps them all; inside
# quotes, they are part of the phrase.
STOPWORDS = frozenset(
    "a an and are as at be but by for from had has have he her his i in into is it its of on or "  # noqa: SIM905
    "our she so than that the their them they this to was we were which who will with you".split()
)


@dataclass(frozen=True, slots=True)
class Matcher:
    """The query that finds and ranks, and the one whose words the snippets highlight: the same
    query, except that a phrase is found through its word pairs (pairs.py), which name no word
    of the headline or body, and highlighted through its words."""

    query: tantivy.Query
    highlight: tantivy.Query


def text_query(view: backend.ReaderView, parsed: ParsedQuery) -> Matcher | None:
    """Every required clause must match, no excluded one may; None when nothing is left after
    analysis (say, a query of emoji)."""
    stemmer = backend.stemming_analyzer()
    lowercaser = backend.lowercase_analyzer()
    others = {code: languages.analyzer(code) for code in view.languages}
    required = [
        m
        for c in _without_stopwords(parsed.required)
        if (m := _clause(view, c, stemmer, lowercaser, others)) is not None
    ]
    if not required:
        return None
    excluded = [
        m for c in parsed.excluded if (m := _clause(view, c, stemmer, lowercaser, others)) is not None
    ]
    if len(required) == 1 and not excluded:
        # The clause alone scores the same as a boolean around it, with one layer less for
        # Tantivy to drive per matching document (5-30% of a one-word search's Tantivy time
        # at 250k-1M documents).
        return required[0]

    def combined(part: Callable[[Matcher], tantivy.Query]) -> tantivy.Query:
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, part(m)) for m in required]
            + [(tantivy.Occur.MustNot, part(m)) for m in excluded]
        )

    found = combined(lambda m: m.query)
    if all(m.highlight is m.query for m in required):
        return Matcher(found, found)
    return Matcher(found, combined(lambda m: m.highlight))


def _without_stopwords(clauses: tuple[Clause, ...]) -> tuple[Clause, ...]:
    """The clauses that are not a lone stopword (see STOPWORDS), or all of them if that is
    all there is. A word being completed (a prefix) is kept: "the" may become "theatre"."""
    kept = tuple(c for c in clauses if c.is_phrase or c.prefix or c.words[0].lower() not in STOPWORDS)
    return kept or clauses


def _clause(
    view: backend.ReaderView,
    clause: Clause,
    stemmer: tantivy.TextAnalyzer,
    lowercaser: tantivy.TextAnalyzer,
    others: dict[str, tantivy.TextAnalyzer],
) -> Matcher | None:
    tokens = [token for word in clause.words for token in stemmer.analyze(word)]
    if not tokens:
        return None
    schema = view.schema
    in_languages = _language_queries(schema, clause, others)
    if len(tokens) > 1:
        # A quoted phrase, or one word the tokenizer splits (foo_bar, U.S.) which is a phrase too.
        words: list[str | tuple[int, str]] = list(tokens)
        positional = _any_field(lambda name: tantivy.Query.phrase_query(schema, name, words), in_languages)
        if not view.pairs:
            return Matcher(positional, positional)
        return Matcher(_phrase_by_pairs(schema, tokens, in_languages), positional)
    (term,) = tokens
    if not clause.prefix:
        found = _any_field(lambda name: tantivy.Query.term_query(schema, name, term), in_languages)
        return Matcher(found, found)
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
    expanded = tantivy.Query.boolean_query(subqueries)
    return Matcher(expanded, expanded)


def _phrase_by_pairs(
    schema: tantivy.Schema, tokens: list[str], in_languages: list[tantivy.Query]
) -> tantivy.Query:
    """A phrase in a field: the field has each pair of adjacent words of it (pairs.py). Two
    words are one pair, which is the phrase exactly; longer phrases also need the words in
    order at their positions, checked only on the documents that have every pair."""
    wanted = list(dict.fromkeys(pairs.pairs(tokens)))
    words: list[str | tuple[int, str]] = list(tokens)

    def in_field(name: str) -> tantivy.Query:
        pair_field = pairs.FIELDS[name]
        found = [tantivy.Query.term_query(schema, pair_field, p) for p in wanted]
        if len(tokens) == 2:
            return found[0]
        # The pairs score the match; the positions only filter.
        in_order = tantivy.Query.const_score_query(tantivy.Query.phrase_query(schema, name, words), 0.0)
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in [*found, in_order]])

    return _any_field(in_field, in_languages)


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
