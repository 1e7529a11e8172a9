"""Per-language text: an article's words stemmed the way its own language inflects them.

The headline, dek and body fields are analysed with the English stemmer for every article (the
snippets and ranking are built on them). An article in a language Tantivy has a stemmer for
also has its headline, dek and body in that language's field (`text_de`, `text_fr`, ...),
analysed with that stemmer, so "Häuser" finds "Hauses" in a German story. A query asks those
fields only for the languages that have documents in the index (see `present_languages`), so an
English-only site pays nothing. Languages without a stemmer (Urdu, Chinese, Japanese ...) keep
just the shared fields, where their words are found as written.
"""

from __future__ import annotations

import tantivy

# ISO 639-1 code -> the name of Tantivy's Snowball stemmer (every one tantivy-py offers but
# English, which the shared fields use).
STEMMERS = {
    "ar": "arabic",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "it": "italian",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
}
# Codes the detector or a page may give for a language that has one of the stemmers above.
ALIASES = {"nb": "no", "nn": "no"}
# Weight of a match in a language field: the body's, since the field holds mostly body text.
LANGUAGE_BOOST = 1.0
# Same as backend.MAX_TOKEN_BYTES (not imported: backend imports this module).
MAX_TOKEN_BYTES = 40


def field_name(code: str) -> str:
    return f"text_{code}"


def tokenizer_name(code: str) -> str:
    return f"stem_{code}"


def stemmed_code(language: str) -> str | None:
    """The STEMMERS key for an article's language code, or None when it has no stemmer here
    (English included: the shared fields stem it already)."""
    code = (language or "").strip().lower().replace("_", "-").split("-", 1)[0]
    code = ALIASES.get(code, code)
    return code if code in STEMMERS else None


def analyzer(code: str) -> tantivy.TextAnalyzer:
    """Split, drop over-long tokens, lowercase, stem: en_stem's chain with this language's stemmer."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_TOKEN_BYTES))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer(STEMMERS[code]))
        .build()
    )


def add_fields(builder: tantivy.SchemaBuilder) -> None:
    for code in STEMMERS:
        builder.add_text_field(field_name(code), tokenizer_name=tokenizer_name(code))


def register(index: tantivy.Index) -> None:
    """Tantivy keeps custom tokenizers per Index object, not on disk: every opened index needs
    them before a writer can analyse a document."""
    for code in STEMMERS:
        index.register_tokenizer(tokenizer_name(code), analyzer(code))


def add_text(document: tantivy.Document, language: str, *texts: str) -> None:
    """Put `texts` in the field of `language`, if it has one (as separate values, so a phrase
    does not run from the headline into the body)."""
    code = stemmed_code(language)
    if code is None:
        return
    for text in texts:
        if text:
            document.add_text(field_name(code), text)


def present_languages(searcher: tantivy.Searcher) -> tuple[str, ...]:
    """The languages with at least one term in this index, as STEMMERS codes. An index built
    before the language fields existed has none of them (and keeps being searched as it was
    until it is rebuilt)."""
    present = []
    for code in STEMMERS:
        try:
            if searcher.terms_with_prefix(field_name(code), "", limit=1):
                present.append(code)
        except ValueError:  # no such field: an index from before the language fields
            return ()
    return tuple(present)
