"""Word count and reading time of an article body: the one statement of the rule.

The editor's live count (static/newsroom/editor.js) counts the same way and reads the speed
from the `data-words-per-minute` attribute this module's figure is rendered into, so the
number under the editor and the one the server shows agree.
"""

from __future__ import annotations

import math

from broadsheet.core.sanitize import strip_tags

# Adult silent reading of non-fiction, the figure most news sites use.
WORDS_PER_MINUTE = 230


def count_words(body: str) -> int:
    """Words in an HTML body: tags count as spaces, entities as their characters."""
    return len(strip_tags(body).split())


def reading_minutes(words: int) -> int:
    """Whole minutes, rounded up: 1 word is a 1-minute read, 0 words no read at all."""
    return math.ceil(words / WORDS_PER_MINUTE) if words > 0 else 0


def describe(body: str) -> str:
    """ "412 words · 2 min read", as the editor shows it."""
    words = count_words(body)
    unit = "word" if words == 1 else "words"
    return f"{words} {unit} · {reading_minutes(words)} min read"
