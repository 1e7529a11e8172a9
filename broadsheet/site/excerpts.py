"""An aggregated story's page says its summary once.

Ingest stores an excerpt story's summary twice over (the dek, cut at 300 characters, and the
body, cut at 400). What the page prints is worked out here, at display time, so rows already
stored read right too. The call to the original is the page's own button: ingest no longer
writes one into the body, and newsroom's migration 0019 took it out of the rows it had.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from broadsheet.core.sanitize import strip_tags
from broadsheet.newsroom.models import Article

_ELLIPSIS_RE = re.compile(r"(?:…|\.\.\.)\s*$")
_NOT_WORD_RE = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class StoryText:
    dek: str
    body_html: str


def normalised(text: str) -> str:
    """Text for comparing two wordings of one summary: case, accents' forms, punctuation,
    spacing and a trailing ellipsis (where a copy was cut short) ignored."""
    text = _ELLIPSIS_RE.sub("", unicodedata.normalize("NFKC", text))
    return _NOT_WORD_RE.sub(" ", text.casefold()).strip()


def story_text(article: Article) -> StoryText:
    """The dek and body the article page prints. Our own stories print as written. An
    aggregated story loses, when dek and body are one summary (one a prefix of the other),
    the shorter copy."""
    if not article.is_aggregated:
        return StoryText(article.dek, article.body)
    body = article.body
    dek, text = normalised(article.dek), normalised(strip_tags(body))
    if not dek or not text:
        return StoryText(article.dek, body)
    if text.startswith(dek):
        return StoryText("", body)
    if dek.startswith(text):
        return StoryText(article.dek, "")
    return StoryText(article.dek, body)
