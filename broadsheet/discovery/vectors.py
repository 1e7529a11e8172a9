"""Term vectors for clustering: stemmed, stop-word-free term weights and cosine similarity.

An article's vector weights headline words over standfirst words over the opening of the
body (where a report states its event), with sublinear term frequency, cut to its heaviest
terms and scaled to unit length. Inverse document frequencies are not stored: they are taken
from the stories in the clustering window when two vectors are compared (see `idf`), so a
word every story of the moment uses ("council", "police") counts for little.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

import tantivy

Vector = dict[str, float]

HEADLINE_WEIGHT = 3.0
DEK_WEIGHT = 2.0
BODY_WEIGHT = 1.0
# Only the opening of the body: later paragraphs drift into background and quotes.
BODY_WORDS = 250
ARTICLE_TERMS = 60
CENTROID_TERMS = 120
MIN_TERM_CHARS = 3
# Words every news report uses whatever the event.
NEWS_STOP_WORDS = frozenset(
    {
        "said", "says", "told", "according", "year", "years", "week", "weeks", "day", "days",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "today", "yesterday", "tomorrow", "new", "just", "like", "including", "people",
        "time", "percent", "report", "reported", "reports", "news", "statement", "spokesperson",
        "spokesman", "spokeswoman", "official", "officials", "million", "morning", "evening",
        "night", "week's", "make", "made", "going", "want", "wanted",
    }
)  # fmt: skip


@functools.cache
def stop_words() -> frozenset[str]:
    """English and newsroom stop words. Imported on first use: scikit-learn takes seconds to
    import, and every `broadsheet` command loads this module through the app registry."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS | NEWS_STOP_WORDS)


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _stemmer() -> tantivy.TextAnalyzer:
    # The search index's English stemmer, so "votes", "voted" and "voting" are one term here too.
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw()).filter(tantivy.Filter.stemmer("english")).build()
    )


def terms(text: str, analyzer: tantivy.TextAnalyzer | None = None) -> list[str]:
    """Stemmed terms of `text`, lowercased, without stop words, digits or very short words."""
    analyzer = analyzer or _stemmer()
    found = []
    for match in _WORD.finditer(text.lower()):
        word = match.group().replace("’", "'").removesuffix("'s")
        if len(word) < MIN_TERM_CHARS or word in stop_words():
            continue
        stemmed = analyzer.analyze(word)
        if stemmed:
            found.append(stemmed[0])
    return found


def article_vector(headline: str, dek: str, body_text: str, limit: int = ARTICLE_TERMS) -> Vector:
    """The unit term vector of one article (plain text in, no HTML)."""
    analyzer = _stemmer()
    counts: dict[str, float] = {}
    body = " ".join(body_text.split()[:BODY_WORDS])
    for text, weight in ((headline, HEADLINE_WEIGHT), (dek, DEK_WEIGHT), (body, BODY_WEIGHT)):
        for term in terms(text, analyzer):
            counts[term] = counts.get(term, 0.0) + weight
    weighted = {term: 1.0 + math.log(count) for term, count in counts.items()}
    return normalise(top_terms(weighted, limit))


def top_terms(vector: Mapping[str, float], limit: int) -> Vector:
    """The `limit` heaviest terms (ties broken by the term, so the result is reproducible)."""
    ranked = sorted(vector.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return dict(ranked)


def normalise(vector: Mapping[str, float]) -> Vector:
    length = math.sqrt(sum(w * w for w in vector.values()))
    if length == 0:
        return {}
    return {term: w / length for term, w in vector.items()}


def add(total: Mapping[str, float], vector: Mapping[str, float], limit: int = CENTROID_TERMS) -> Vector:
    """`total + vector`, cut to the `limit` heaviest terms: a story's centroid after a new member."""
    summed = dict(total)
    for term, weight in vector.items():
        summed[term] = summed.get(term, 0.0) + weight
    return top_terms(summed, limit)


def idf(documents: Iterable[Mapping[str, float]]) -> tuple[Counter[str], int]:
    """Document frequencies over `documents` and their number: the window's vocabulary."""
    frequencies: Counter[str] = Counter()
    count = 0
    for document in documents:
        frequencies.update(document.keys())
        count += 1
    return frequencies, count


def idf_weights(frequencies: Mapping[str, int], documents: int) -> dict[str, float]:
    """Each term's smoothed IDF weight, computed once for a batch of comparisons."""
    return {term: math.log((documents + 1) / (count + 1)) + 1.0 for term, count in frequencies.items()}


def similarities(vector: Mapping[str, float], others: list[Mapping[str, float]]) -> list[float]:
    """Cosine similarity of `vector` to each of `others`, IDF taken over all of them: one pass
    over each vector's terms with the weights computed once, so a window of stories costs
    about one multiplication per centroid term."""
    frequencies, documents = idf([vector, *others])
    weights = idf_weights(frequencies, documents)
    query = {term: w * weights[term] for term, w in vector.items()}
    norm_query = math.sqrt(sum(w * w for w in query.values()))
    if norm_query == 0:
        return [0.0] * len(others)
    scores = []
    for other in others:
        dot = 0.0
        norm = 0.0
        for term, w in other.items():
            weighted = w * weights[term]
            norm += weighted * weighted
            if term in query:
                dot += query[term] * weighted
        scores.append(dot / (norm_query * math.sqrt(norm)) if dot else 0.0)
    return scores
