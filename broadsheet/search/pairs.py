"""Word pairs: each two adjacent words of the headline, dek and body, indexed as one term.

A quoted phrase is searched through these instead of through positions. Tantivy answers a
phrase by intersecting its words' postings and reading the positions of every document that
has them all; for words in a large share of the archive ("the Old Customs Quarter": words in
~41% of a million stories) that was 117 ms. The pair "old_custom" is one posting list of only
the documents where the two words are adjacent, so a two-word phrase costs what one word costs,
and exactly the same documents match: a pair exists only where the phrase query would find
the words side by side. A longer phrase needs all its pairs (few candidates) and then still
the positional check, now run only on those candidates (matcher.py).

Pairs are made from the words exactly as the shared fields index them (en_stem: split,
lowercase, English stemmer), stopwords included, so "the Tideflats" is the pair "the_tideflat".
A word en_stem drops for being over 40 bytes leaves a gap, as it does in the positions, so no
pair spans it. `_` joins the two words: the tokenizer splits on it, so no word contains one.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

import tantivy

# The text field -> its pair field.
FIELDS = {"headline": "headline_pairs", "dek": "dek_pairs", "body": "body_pairs"}
TOKENIZER = "word_pairs"
SEPARATOR = "_"
# Same as backend.MAX_TOKEN_BYTES (not imported: backend imports this module).
MAX_TOKEN_BYTES = 40


def add_fields(builder: tantivy.SchemaBuilder) -> None:
    # Frequencies for BM25, no positions: a pair is never part of a phrase itself.
    for name in FIELDS.values():
        builder.add_text_field(name, tokenizer_name=TOKENIZER, index_option="freq")


def register(index: tantivy.Index) -> None:
    """The pair fields hold pairs joined by spaces: split on whitespace, nothing else."""
    index.register_tokenizer(TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())


def in_schema(schema: tantivy.Schema) -> bool:
    """Does an index with `schema` have the pair fields? (One built before them has not.)"""
    try:
        tantivy.Query.term_query(schema, FIELDS["body"], pair("a", "b"))
    except ValueError:
        return False
    return True


class _Analyzers(threading.local):
    """Built once per thread (a Tantivy analyzer is not for sharing between threads)."""

    def __init__(self) -> None:
        self.splitter = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).build()
        # en_stem without its long-word filter, so its output lines up with the splitter's.
        self.stemmer = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stemmer("english"))
            .build()
        )


_analyzers = _Analyzers()
# In ASCII text the tokenizer's words are runs of [A-Za-z0-9], one byte per character.
_LONG_ASCII_WORD = re.compile(rf"[A-Za-z0-9]{{{MAX_TOKEN_BYTES + 1},}}")


def pair(first: str, second: str) -> str:
    return f"{first}{SEPARATOR}{second}"


def pairs(words: Sequence[str]) -> list[str]:
    """The pairs of a run of analysed words with no gap in it."""
    return list(map(SEPARATOR.join, zip(words, words[1:], strict=False)))


def text_pairs(text: str) -> str:
    """The pair field's value for `text`: its pairs, space-separated."""
    if not text:
        return ""
    if text.isascii() and not _LONG_ASCII_WORD.search(text):
        # No word over the limit (the usual case): one analysis, the pairs joined in C.
        return " ".join(pairs(_analyzers.stemmer.analyze(text)))
    raw, stems = _analyzers.splitter.analyze(text), _analyzers.stemmer.analyze(text)
    if len(raw) != len(stems):  # cannot happen (neither filter drops a word): never miss a match
        return " ".join(pairs(stems))
    made: list[str] = []
    previous: str | None = None
    for word, stem in zip(raw, stems, strict=True):
        if len(word.encode()) > MAX_TOKEN_BYTES:
            previous = None  # en_stem drops the word; positions keep its place
            continue
        if previous is not None:
            made.append(pair(previous, stem))
        previous = stem
    return " ".join(made)


def add_pairs(document: tantivy.Document, headline: str, dek: str, body: str) -> None:
    for text, name in zip((headline, dek, body), FIELDS.values(), strict=True):
        value = text_pairs(text)
        if value:
            document.add_text(name, value)
