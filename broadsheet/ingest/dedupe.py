"""Is it new? Entry identity, canonical URLs, content hashes and SimHash near-duplicates.

The hashing is pure. The lookups only read: `publish.py` is the one writer, and the database
constraints (source + GUID, canonical URL) are what finally rule out duplicates.

Near-duplicates (a story re-issued with small edits) are found in two steps: SimHash over
4-word shingles finds candidates through an index (multi-index hashing: the 64 bits in four
16-bit bands, each probed at its own value and the 136 values one or two bits off, which finds
every fingerprint within NEAR_DUPLICATE_DISTANCE = 11 bits by pigeonhole, and some eight
thousand random others among a million), and the exact Jaccard similarity of the two texts'
shingle sets decides (REISSUE_JACCARD): SimHash alone merges different stories told in
similar words, and misses short ones re-issued.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import itertools
import operator
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from broadsheet.core.urls import canonicalise_url
from broadsheet.ingest.models import Entry, TextFingerprint, Tombstone
from broadsheet.ingest.parse import FeedEntry
from broadsheet.newsroom.models import Article

SIMHASH_BITS = 64
SHINGLE_WORDS = 4
# Below this a text gets no fingerprint: too short for an edit to leave a Jaccard of 0.97.
MIN_WORDS_FOR_FINGERPRINT = 40
BANDS = 4
BAND_BITS = SIMHASH_BITS // BANDS
_BAND_MASK = (1 << BAND_BITS) - 1
# Each band is probed up to this many bits off its value.
BAND_RADIUS = 2
# Within this Hamming distance a fingerprint is found: three bits off in every band would be
# 12, so some band is at most two off. Re-issues at Jaccard >= 0.97 of real stories measure 0
# to 11 bits (median 2; bench/reissues.py): short stories move more bits for the same edit.
NEAR_DUPLICATE_DISTANCE = BANDS * (BAND_RADIUS + 1) - 1
REISSUE_JACCARD = 0.97  # shingle-set similarity from which two texts are one story
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_MASK = (1 << SIMHASH_BITS) - 1
_HASH = functools.partial(hashlib.blake2b, digest_size=8)
_DIGEST = operator.methodcaller("digest")
# _BIT_TABLES[bit] maps a byte to 1 when its bit `bit` is set, else to 0 (for bytes.translate).
_BIT_TABLES = tuple(bytes(value >> bit & 1 for value in range(256)) for bit in range(8))


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


def shingles(text: str) -> set[str]:
    """The text's word 4-shingles (lower-cased words, punctuation dropped)."""
    words = _WORD_RE.findall(text.lower())
    return set(map(" ".join, zip(*(words[i:] for i in range(SHINGLE_WORDS)), strict=False)))


def without_headline(text: str, headlines: Sequence[str]) -> str:
    """`text` without the headline it starts with (extracted pages often do, as a "# " line):
    re-issues are compared on their bodies, and a re-issue often has a new headline."""
    start = text.lstrip().lstrip("#").lstrip()
    for headline in sorted({h.strip() for h in headlines if h.strip()}, key=len, reverse=True):
        if start.startswith(headline):
            return start[len(headline) :].lstrip()
    return text


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def simhash(text: str) -> int | None:
    """64-bit SimHash over word 4-shingles, as a signed integer (it is stored in a BigInteger).

    None when the text is too short for the fingerprint to mean anything.
    """
    if len(_WORD_RE.findall(text)) < MIN_WORDS_FOR_FINGERPRINT:
        return None
    shingles_ = shingles(text)
    # Bit-sliced: rather than 64 Python steps per shingle, everything per shingle runs in C
    # (encode, hash, digest through map), and each of the 64 bit counts is one C count: map
    # every digest byte to its bit `bit` (bytes.translate), then count the ones at each byte
    # position (a strided slice). Same fingerprint as summing vote by vote (tests hold it to
    # that), and about twice as fast as tallying byte values in Python was.
    digests = b"".join(map(_DIGEST, map(_HASH, map(str.encode, shingles_))))
    half = len(shingles_) / 2
    fingerprint = 0
    for bit, table in enumerate(_BIT_TABLES):
        flags = digests.translate(table)
        for position in range(8):
            if flags[position::8].count(1) > half:
                fingerprint |= 1 << ((7 - position) * 8 + bit)  # big-endian: byte 0 is the top
    return _to_signed(fingerprint)


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & _MASK).bit_count()


def bands(fingerprint: int) -> tuple[int, ...]:
    """The fingerprint's four 16-bit bands, top first (as unsigned integers)."""
    unsigned = fingerprint & _MASK
    return tuple(unsigned >> (BAND_BITS * (BANDS - 1 - i)) & _BAND_MASK for i in range(BANDS))


def _probes(band: int) -> list[int]:
    """A band's value and every value up to BAND_RADIUS bits off it: what the index is asked."""
    found = [band]
    for flipped in range(1, BAND_RADIUS + 1):
        for bits in itertools.combinations(range(BAND_BITS), flipped):
            found.append(functools.reduce(operator.xor, (1 << bit for bit in bits), band))
    return found


def _band_query(fingerprint: int) -> Q:
    """Any band within BAND_RADIUS bits of its value: index lookups, no scan."""
    query = Q()
    for i, band in enumerate(bands(fingerprint)):
        query |= Q(**{f"band{i}__in": _probes(band)})
    return query


def pack_text(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 6)


def unpack_text(packed: bytes | memoryview) -> str:
    return zlib.decompress(bytes(packed)).decode("utf-8")


def find_near_duplicate(fingerprint: int | None, text: str, *, exclude_id: int | None = None) -> int | None:
    """The id of a stored article whose text is `text` re-issued: SimHash within
    NEAR_DUPLICATE_DISTANCE (found through the band index) and a shingle Jaccard of at least
    REISSUE_JACCARD. The closest fingerprint wins; None when there is none."""
    if fingerprint is None:
        return None
    query = TextFingerprint.objects.filter(_band_query(fingerprint)).values_list("article_id", "simhash")
    # Some eight thousand rows at a million articles: read them as plain tuples, without the
    # ORM's per-row work (half the lookup's time).
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    candidates = sorted(
        (hamming(fingerprint, other), int(article_id))
        for article_id, other in rows
        if article_id != exclude_id and hamming(fingerprint, other) <= NEAR_DUPLICATE_DISTANCE
    )
    if not candidates:
        return None
    ours = shingles(text)
    texts = dict(
        TextFingerprint.objects.filter(article_id__in=[i for _, i in candidates]).values_list(
            "article_id", "text"
        )
    )
    for _distance, article_id in candidates:
        if article_id in texts and jaccard(ours, shingles(unpack_text(texts[article_id]))) >= REISSUE_JACCARD:
            return article_id
    return None


def remember_text(article_id: int, fingerprint: int | None, text: str) -> None:
    """Store (or replace, or drop) the article's fingerprint row for later lookups."""
    if fingerprint is None:
        TextFingerprint.objects.filter(article_id=article_id).delete()
        return
    TextFingerprint.objects.update_or_create(
        article_id=article_id,
        defaults={
            "simhash": fingerprint,
            **{f"band{i}": band for i, band in enumerate(bands(fingerprint))},
            "text": pack_text(text),
        },
    )


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


LOOKUP_CHUNK = 500  # values per IN (...) query: under SQLite's bound-parameter limit


@dataclass(frozen=True, slots=True)
class EntryKey:
    """What "is it new?" looks at: the entry's GUID, canonical URL and content hash."""

    guid: str
    url: str
    digest: str


def _chunks(values: Sequence[str]) -> list[Sequence[str]]:
    return [values[i : i + LOOKUP_CHUNK] for i in range(0, len(values), LOOKUP_CHUNK)]


def classify_many(source_id: int, keys: Sequence[EntryKey]) -> list[Verdict]:
    """Decide what each entry is, before any page is fetched: one verdict per key, in order,
    from at most three queries per LOOKUP_CHUNK entries (not three per entry).

    The answers are as of now: an entry repeating a GUID or URL of an earlier one in `keys`
    gets the same answer as that one, so a caller storing the earlier entry first must ask
    again about the later (`classify`).
    """
    guids = list(dict.fromkeys(key.guid for key in keys))
    entries: dict[str, tuple[int, int | None, str]] = {}
    for chunk in _chunks(guids):
        rows = Entry.objects.filter(source_id=source_id, guid__in=chunk).values_list(
            "guid", "id", "article_id", "content_hash"
        )
        entries.update((guid, (entry_id, article_id, digest)) for guid, entry_id, article_id, digest in rows)
    urls = list(dict.fromkeys(key.url for key in keys if key.url and key.guid not in entries))
    tombstoned: set[str] = set()
    articles: dict[str, int] = {}
    for chunk in _chunks(urls):
        tombstoned.update(
            Tombstone.objects.filter(canonical_url__in=chunk).values_list("canonical_url", flat=True)
        )
        stored = Article.objects.filter(canonical_url__in=chunk).values_list("canonical_url", "id")
        articles.update((str(url), int(article_id)) for url, article_id in stored)
    return [_verdict(entries.get(key.guid), key, tombstoned, articles) for key in keys]


def _verdict(
    entry: tuple[int, int | None, str] | None, key: EntryKey, tombstoned: set[str], articles: dict[str, int]
) -> Verdict:
    if entry is not None:
        entry_id, article_id, digest = entry
        if article_id is None:
            return Verdict(Seen.GONE, entry_id=entry_id)
        return Verdict(Seen.UNCHANGED if digest == key.digest else Seen.CHANGED, entry_id, article_id)
    if key.url and key.url in tombstoned:
        return Verdict(Seen.GONE)
    if key.url and key.url in articles:
        return Verdict(Seen.ELSEWHERE, article_id=articles[key.url])
    return Verdict(Seen.NEW)


def classify(source_id: int, guid: str, url: str, digest: str) -> Verdict:
    """Decide what one entry is, before its page is fetched."""
    return classify_many(source_id, [EntryKey(guid, url, digest)])[0]
