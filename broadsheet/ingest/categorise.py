"""Filing: keyword filters and which section a story goes under (or held for an editor)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.text import slugify

from broadsheet.core.sanitize import strip_tags
from broadsheet.ingest.parse import FeedEntry

logger = logging.getLogger(__name__)

# Feed categories that name a section differently: keys and values are slugs.
SYNONYMS: dict[str, str] = {
    "tech": "technology",
    "technology-news": "technology",
    "science-and-technology": "technology",
    "gadgets": "technology",
    "movies": "film",
    "movie": "film",
    "cinema": "film",
    "films": "film",
    "tv": "television",
    "tv-shows": "television",
    "economy": "business",
    "finance": "business",
    "markets": "business",
    "money": "business",
    "companies": "business",
    "sport": "sports",
    "football": "sports",
    "soccer": "sports",
    "world-news": "world",
    "international": "world",
    "us": "national",
    "us-news": "national",
    "health-and-fitness": "health",
    "wellness": "health",
    "music-news": "music",
    "arts": "culture",
    "entertainment-news": "entertainment",
    "showbiz": "entertainment",
    "games": "gaming",
    "video-games": "gaming",
    "opinion-and-analysis": "opinion",
    "editorial": "opinion",
}


@dataclass(frozen=True, slots=True)
class SectionRef:
    id: int
    name: str
    slug: str


@dataclass(frozen=True, slots=True)
class Filing:
    section_id: int | None  # None: no confident choice, hold for an editor
    how: str  # "source", "category", "classifier" or "held"


# A classifier takes (headline, text, sections) and returns a section slug or None.
Classifier = Callable[[str, str, Sequence[SectionRef]], str | None]


def load_classifier() -> Classifier | None:
    """The hook named by settings.BROADSHEET_CLASSIFIER (a dotted path), if any."""
    path = settings.BROADSHEET_CLASSIFIER
    if not path:
        return None
    classifier: Classifier = import_string(path)
    return classifier


def _keys(label: str) -> list[str]:
    slug = slugify(label)
    keys = [slug]
    if slug in SYNONYMS:
        keys.append(SYNONYMS[slug])
    # "Business / Economy", "Tech, Science": try each part too.
    for part in re.split(r"[/,>|&]+", label):
        part_slug = slugify(part)
        if part_slug and part_slug != slug:
            keys.extend([part_slug, SYNONYMS.get(part_slug, part_slug)])
    return keys


def choose_section(
    *,
    fixed_section_id: int | None,
    categories: Iterable[str],
    sections: Sequence[SectionRef],
    headline: str = "",
    text: str = "",
    classifier: Classifier | None = None,
) -> Filing:
    """The source's fixed section, else the entry's categories mapped to a section, else the
    classifier's answer, else held for review: never filed under a wrong guess."""
    if fixed_section_id is not None:
        return Filing(fixed_section_id, "source")
    by_key: dict[str, int] = {}
    for section in sections:
        by_key.setdefault(section.slug.lower(), section.id)
        by_key.setdefault(slugify(section.name), section.id)
    for category in categories:
        for key in _keys(category):
            if key in by_key:
                return Filing(by_key[key], "category")
    if classifier is not None and sections:
        slug = classifier(headline, text, sections)
        if slug and slug.lower() in by_key:
            return Filing(by_key[slug.lower()], "classifier")
    return Filing(None, "held")


def _contains(haystack: str, needle: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(needle.lower())}(?!\w)", haystack) is not None


def passes_keywords(entry: FeedEntry, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """Keyword rules, checked before any page is fetched: whole words, case-insensitive,
    against the title, summary and categories."""
    if not include and not exclude:
        return True
    haystack = " ".join(
        [entry.title, strip_tags(entry.summary_html), strip_tags(entry.content_html), *entry.categories]
    ).lower()
    if any(_contains(haystack, word) for word in exclude):
        return False
    return not include or any(_contains(haystack, word) for word in include)
