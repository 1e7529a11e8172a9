"""Reading what a reader typed into the search box: words, "quoted phrases", prefixes, exclusions.

The user's text never reaches Tantivy's query parser: any string at all (unbalanced quotes,
`body:x`, `(`, NUL bytes, 2,000 characters of emoji) becomes a small list of clauses built
from `\\w+` words, so a query can only ever be empty, never invalid. Pure: no index, no DB.

    election results     both words (AND)             "harbor ferry"   the phrase
    elect*  / last word  also words starting with it  -tolls, NOT tolls  must not contain
    AND, OR, NEAR        ignored (AND is the default; OR and NEAR are not offered)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Only this much of the query is read; a query is a few words, and this bounds the work.
MAX_QUERY_CHARS = 500
# At most this many words and phrases make it into the query.
MAX_CLAUSES = 32
# A trailing word shorter than this is searched as typed, not as a prefix ("to" would
# otherwise pull in every word starting with "to").
MIN_IMPLICIT_PREFIX_CHARS = 3
MIN_EXPLICIT_PREFIX_CHARS = 2

_TOKEN_RE = re.compile(r'(?P<neg>-?)(?:"(?P<phrase>[^"]*)"|(?P<word>\w+)(?P<star>\*?))')
_WORD_RE = re.compile(r"\w+")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_IGNORED_OPERATORS = frozenset({"AND", "OR", "NEAR"})
_NOT = "NOT"


@dataclass(frozen=True, slots=True)
class Clause:
    """One word or phrase of the query, as typed (analysis happens against the index)."""

    words: tuple[str, ...]
    prefix: bool = False
    exclude: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    clauses: tuple[Clause, ...]

    @property
    def required(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.exclude)

    @property
    def excluded(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.exclude)

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to look for (exclusions alone match nothing)."""
        return not self.required


def normalise_query(text: str) -> str:
    """The query as it is read and shown back: control characters removed, length capped."""
    return " ".join(_CONTROL_RE.sub(" ", text[:MAX_QUERY_CHARS]).split())


def parse_query(text: str) -> ParsedQuery:
    """Split `text` into clauses; never raises, whatever the input."""
    clauses: list[Clause] = []
    negate_next = False
    for match in _TOKEN_RE.finditer(normalise_query(text)):
        if len(clauses) >= MAX_CLAUSES:
            break
        exclude = bool(match["neg"]) or negate_next
        negate_next = False
        if match["phrase"] is not None:
            words = tuple(_WORD_RE.findall(match["phrase"]))
            if words:
                clauses.append(Clause(words, exclude=exclude))
            continue
        word = match["word"]
        if word in _IGNORED_OPERATORS:
            continue
        if word == _NOT:
            negate_next = True
            continue
        starred = bool(match["star"]) and len(word) >= MIN_EXPLICIT_PREFIX_CHARS
        clauses.append(Clause((word,), prefix=starred, exclude=exclude))
    return ParsedQuery(tuple(_expand_last_word(clauses)))


def _expand_last_word(clauses: list[Clause]) -> list[Clause]:
    """The last word is usually still being typed: search it as a prefix too."""
    if not clauses:
        return clauses
    last = clauses[-1]
    if last.is_phrase or last.exclude or last.prefix or len(last.words[0]) < MIN_IMPLICIT_PREFIX_CHARS:
        return clauses
    return [*clauses[:-1], Clause(last.words, prefix=True)]
