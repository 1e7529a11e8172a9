"""Is it new? Entry identity, canonical URLs, content hashes and SimHash near-duplicates.

The hashing is pure. The lookups only read: `publish.py` is the one writer, and the database
constraints (source + GUID, canonical URL) are what finally rule out duplicates.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from broadsheet.core import clock
from broadsheet.core.urls import canonicalise_url
from broadsheet.ingest.models import Entry, Tombstone
from broadsheet.ingest.parse import FeedEntry
from broadsheet.newsroom.models import Article

SIMHASH_BITS = 64
SHINGLE_WORDS = 3
MIN_WORDS_FOR_FINGERPRINT = 40  # below this, unrelated short texts collide too easily
NEAR_DUPLICATE_DISTANCE = 3  # Hamming distance that still counts as "the same story"
# The near-duplicate lookup is bounded: articles published in the last 7 days, newest 5,000.
# A syndicated copy turns up within hours, so the window loses little and keeps it O(1).
NEAR_DUPLICATE_WINDOW = dt.timedelta(days=7)
NEAR_DUPLICATE_LIMIT = 5000
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_MASK = (1 << SIMHASH_BITS) - 1


def canonical_url(url: str) -> str:
    return canonicalise_url(url) if url else ""


def content_hash(entry: FeedEntry) -> str:
    """Changes when what we would publish from the entry changes (not when only dates move)."""
    digest = hashlib.sha256()
    for part in (
        entry.title,
        entry.url,
        entry.summary_html,
        entry.content_html,
        entry.author,
        entry.image_url,
    ):
        digest.update(part.encode("utf-8", "replace"))
        digest.update(b"\x00")
    return digest.hexdigest()


def _to_signed(value: int) -> int:
    return value - (1 << SIMHASH_BITS) if value >= 1 << (SIMHASH_BITS - 1) else value


def simhash(text: str) -> int | None:
    """64-bit SimHash over word 3-shingles, as a signed integer (it is stored in a BigInteger).

    None when the text is too short for the fingerprint to mean anything.
    """
    words = _WORD_RE.findall(text.lower())
    if len(words) < MIN_WORDS_FOR_FINGERPRINT:
        return None
    shingles = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    # Bit-sliced: rather than 64 Python steps per shingle, count each byte value per byte
    # position in C (Counter over a strided slice of all digests) and derive the 64 bit
    # counts from those at most 8 x 256 tallies. Same fingerprint, about 10x faster.
    digests = b"".join(hashlib.blake2b(s.encode(), digest_size=8).digest() for s in shingles)
    half = len(shingles) / 2
    fingerprint = 0
    for position in range(8):
        tallies = Counter(digests[position::8]).items()
        shift = (7 - position) * 8  # big-endian: byte 0 holds the top bits
        for bit in range(8):
            if sum(count for byte, count in tallies if byte >> bit & 1) > half:
                fingerprint |= 1 << (shift + bit)
    return _to_signed(fingerprint)


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & _MASK).bit_count()


def find_near_duplicate(fingerprint: int | None, *, exclude_id: int | None = None) -> int | None:
    """The id of a recent article whose fingerprint is within NEAR_DUPLICATE_DISTANCE."""
    if fingerprint is None:
        return None
    since = clock.now() - NEAR_DUPLICATE_WINDOW
    candidates = (
        Article.objects.filter(fingerprint__isnull=False, created_at__gte=since)
        .order_by("-created_at")
        .values_list("id", "fingerprint")[:NEAR_DUPLICATE_LIMIT]
    )
    for article_id, other in candidates:
        if (
            article_id != exclude_id
            and other is not None
            and hamming(fingerprint, other) <= NEAR_DUPLICATE_DISTANCE
        ):
            return int(article_id)
    return None


class Seen(enum.Enum):
    NEW = "new"  # never seen: fetch, extract and publish it
    CHANGED = "changed"  # our entry, content changed: update its article
    UNCHANGED = "unchanged"  # our entry, nothing to do
    GONE = "gone"  # seen before and its article was deleted, or tombstoned: never again
    ELSEWHERE = "elsewhere"  # another source already brought the same URL: record syndication


@dataclass(frozen=True, slots=True)
class Verdict:
    seen: Seen
    entry_id: int | None = None
    article_id: int | None = None


def classify(source_id: int, guid: str, url: str, digest: str) -> Verdict:
    """Decide what an entry is, before any page is fetched."""
    entry = (
        Entry.objects.filter(source_id=source_id, guid=guid)
        .values("id", "article_id", "content_hash")
        .first()
    )
    if entry is not None:
        if entry["article_id"] is None:
            return Verdict(Seen.GONE, entry_id=entry["id"])
        if entry["content_hash"] == digest:
            return Verdict(Seen.UNCHANGED, entry["id"], entry["article_id"])
        return Verdict(Seen.CHANGED, entry["id"], entry["article_id"])
    if url and Tombstone.objects.filter(canonical_url=url).exists():
        return Verdict(Seen.GONE)
    if url:
        article_id = Article.objects.filter(canonical_url=url).values_list("id", flat=True).first()
        if article_id is not None:
            return Verdict(Seen.ELSEWHERE, article_id=article_id)
    return Verdict(Seen.NEW)
