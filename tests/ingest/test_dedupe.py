"""dedupe.py: canonical URLs, content hashes and SimHash. Pure except the lookup tests."""

from __future__ import annotations

import dataclasses
import hashlib
import random
import re

import pytest

from broadsheet.core.sanitize import strip_tags
from broadsheet.ingest import dedupe
from broadsheet.ingest.dedupe import (
    MIN_WORDS_FOR_FINGERPRINT,
    NEAR_DUPLICATE_DISTANCE,
    REISSUE_JACCARD,
    EntryKey,
    Seen,
    bands,
    canonical_url,
    classify,
    classify_many,
    content_hash,
    find_near_duplicate,
    hamming,
    jaccard,
    remember_text,
    shingles,
    simhash,
    without_headline,
)
from broadsheet.ingest.models import Entry, Source, TextFingerprint, Tombstone
from broadsheet.ingest.parse import FeedEntry

from .conftest import FIXTURES

STORY = (
    "The ferry to Gull Island is running again after three months in dry dock, the harbor "
    "authority said on Monday, and the first crossing left the north quay at seven in the "
    "morning with forty passengers aboard. Engineers replaced both propeller shafts and rebuilt "
    "the car ramp, which had been damaged in the January storms. Islanders had relied on a small "
    "water taxi since December, and shopkeepers said deliveries had been irregular all winter."
)
OTHER = (
    "Stallholders voted on Tuesday to move the Saturday fish market into the old rope works, "
    "ending a tradition of trading on the open quay that goes back more than a century. The rope "
    "works has a long hall with a stone floor that the committee says is easy to wash down and "
    "keeps the catch cool in summer. Some traders worried visitors would not find the new site, "
    "so the committee plans painted signs along the quay and a free shuttle bus."
)

# A whole story (as syndicated copies are): prefixes and sign-offs barely move its hash.
LONG = strip_tags((FIXTURES / "ferry.html").read_text().split("<article>")[1].split("</article>")[0])


# A story of about 270 words, the length where one corrected word still leaves a Jaccard of 0.97.
WHOLE = " ".join([LONG, STORY, OTHER])


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Example.com/a?utm_source=x&b=2&a=1#top", "https://example.com/a?a=1&b=2"),
        ("HTTP://example.com:80/story?fbclid=1", "http://example.com/story"),
        ("", ""),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_content_hash_changes_with_content_not_dates():
    entry = FeedEntry(guid="g", url="https://e.test/a", title="Title", summary_html="<p>One</p>")
    assert content_hash(entry) == content_hash(dataclasses.replace(entry, published=None, updated=None))
    assert content_hash(entry) != content_hash(dataclasses.replace(entry, summary_html="<p>Two</p>"))
    assert content_hash(entry) != content_hash(dataclasses.replace(entry, title="Title!"))


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        (STORY, STORY, True),
        (WHOLE, WHOLE.replace("forty", "forty-two"), True),  # a small edit by a syndicator
        (LONG, "BREAKING: " + LONG + " Read more at the Gazette.", True),
        (STORY, OTHER, False),
    ],
)
def test_simhash_near_duplicates(a, b, near):
    assert (hamming(simhash(a), simhash(b)) <= NEAR_DUPLICATE_DISTANCE) is near


def test_simhash_is_signed_64_bit_and_stable():
    value = simhash(STORY)
    assert -(2**63) <= value < 2**63
    assert value == simhash(STORY)


def test_short_texts_get_no_fingerprint():
    assert simhash(" ".join(["word"] * (MIN_WORDS_FOR_FINGERPRINT - 1))) is None


@pytest.mark.parametrize(("a", "b", "distance"), [(0, 0, 0), (0, 1, 1), (-1, 0, 64), (-(2**63), 0, 1)])
def test_hamming_on_signed_values(a, b, distance):
    assert hamming(a, b) == distance


@pytest.mark.django_db
def test_find_near_duplicate_confirms_the_simhash_with_the_exact_jaccard(make_article):
    article = make_article()
    remember_text(article.pk, simhash(WHOLE), WHOLE)
    reissued = WHOLE.replace("forty passengers", "forty-one passengers")  # a corrected figure
    assert jaccard(shingles(WHOLE), shingles(reissued)) >= REISSUE_JACCARD
    assert find_near_duplicate(simhash(reissued), reissued) == article.pk
    assert find_near_duplicate(simhash(OTHER + " " + LONG), OTHER + " " + LONG) is None
    assert find_near_duplicate(simhash(WHOLE), WHOLE, exclude_id=article.pk) is None
    assert find_near_duplicate(None, "") is None


@pytest.mark.django_db
def test_a_close_simhash_with_a_lower_jaccard_is_not_merged(make_article):
    """The SimHash only finds candidates: another text with the same fingerprint is not one."""
    article = make_article()
    remember_text(article.pk, simhash(WHOLE), OTHER + " " + LONG)  # same fingerprint, different words
    assert find_near_duplicate(simhash(WHOLE), WHOLE) is None
    remember_text(article.pk, simhash(WHOLE), WHOLE)  # replaced, not added
    assert TextFingerprint.objects.count() == 1
    assert find_near_duplicate(simhash(WHOLE), WHOLE) == article.pk
    remember_text(article.pk, None, "")  # no fingerprint any more: no row
    assert not TextFingerprint.objects.exists()


@pytest.mark.parametrize("flips", [0, 1, 4, 7, 11])
@pytest.mark.django_db
def test_the_band_index_finds_every_fingerprint_within_eleven_bits(make_article, flips):
    article = make_article()
    remember_text(article.pk, simhash(WHOLE), WHOLE)
    rng = random.Random(flips)
    for _ in range(25):  # the differing bits anywhere: every placement must be found
        near = simhash(WHOLE)
        for bit in rng.sample(range(64), flips):
            near ^= 1 << bit
        near = near - (1 << 64) if near >= 1 << 63 else near
        assert hamming(near, simhash(WHOLE)) == flips
        assert find_near_duplicate(near, WHOLE) == article.pk


@pytest.mark.parametrize(
    ("text", "headlines", "body"),
    [
        ("# Wall to be rebuilt\n\nThe authority said.", ["Wall to be rebuilt"], "The authority said."),
        ("Wall to be rebuilt The authority said.", ["", "Wall to be rebuilt"], "The authority said."),
        ("The authority said.", ["Wall to be rebuilt"], "The authority said."),  # none to drop
        ("# Wall to be rebuilt: update\nText", ["Wall", "Wall to be rebuilt: update"], "Text"),  # the longest
    ],
)
def test_without_headline(text, headlines, body):
    assert without_headline(text, headlines) == body


def test_bands_split_the_fingerprint_in_four_sixteen_bit_parts():
    assert bands(0) == (0, 0, 0, 0)
    assert bands(-1) == (65535, 65535, 65535, 65535)
    assert bands(0x0001_0002_0003_0004) == (1, 2, 3, 4)


def simhash_by_the_book(text: str) -> int | None:
    """SimHash as written in the textbook: 64 votes per shingle. The reference for the fast one."""
    words = re.findall(r"\w+", text.lower())
    if len(words) < MIN_WORDS_FOR_FINGERPRINT:
        return None
    grams = {" ".join(words[i : i + 4]) for i in range(len(words) - 3)}
    votes = [0] * 64
    for shingle in grams:
        value = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            votes[bit] += 1 if value >> bit & 1 else -1
    unsigned = sum(1 << bit for bit in range(64) if votes[bit] > 0)
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def random_texts() -> list[str]:
    rng = random.Random(6)
    vocabulary = [*STORY.split(), *OTHER.split(), "Straße", "naïve", "日本", "42"]
    return [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(30, 1500))) for _ in range(40)]


@pytest.mark.parametrize("text", [STORY, OTHER, LONG, STORY * 3, *random_texts()])
def test_simhash_is_the_textbook_fingerprint(text):
    assert simhash(text) == simhash_by_the_book(text)


@pytest.fixture
def feed_source(db) -> Source:
    return Source.objects.create(feed_url="https://wire.test/feed.xml", name="Wire")


@pytest.mark.django_db
def test_classify_many_answers_as_classify_does_one_by_one(feed_source, make_article):
    other = Source.objects.create(feed_url="https://other.test/feed.xml", name="Other")
    stored = make_article(canonical_url="https://wire.test/stored")
    changed = make_article(canonical_url="https://wire.test/changed")
    elsewhere = make_article(canonical_url="https://wire.test/elsewhere")
    Entry.objects.create(source=feed_source, guid="stored", article=stored, content_hash="h1")
    Entry.objects.create(source=feed_source, guid="changed", article=changed, content_hash="old")
    Entry.objects.create(source=feed_source, guid="gone", article=None, content_hash="h3")
    Entry.objects.create(source=other, guid="elsewhere", article=elsewhere, content_hash="h4")
    Tombstone.objects.create(canonical_url="https://wire.test/deleted")
    keys = [
        EntryKey("stored", "https://wire.test/stored", "h1"),
        EntryKey("changed", "https://wire.test/changed", "new"),
        EntryKey("gone", "https://wire.test/gone", "h3"),
        EntryKey("elsewhere", "https://wire.test/elsewhere", "h4"),  # same GUID, another source
        EntryKey("deleted", "https://wire.test/deleted", "h5"),
        EntryKey("fresh", "https://wire.test/fresh", "h6"),
        EntryKey("no-url", "", "h7"),
        EntryKey("fresh", "https://wire.test/fresh", "h6"),  # repeated in the same feed
    ]
    verdicts = classify_many(feed_source.pk, keys)
    assert [v.seen for v in verdicts] == [
        Seen.UNCHANGED,
        Seen.CHANGED,
        Seen.GONE,
        Seen.ELSEWHERE,
        Seen.GONE,
        Seen.NEW,
        Seen.NEW,
        Seen.NEW,
    ]
    assert verdicts[3].article_id == elsewhere.pk and verdicts[1].article_id == changed.pk
    assert verdicts == [classify(feed_source.pk, k.guid, k.url, k.digest) for k in keys]


@pytest.mark.django_db
def test_classify_many_asks_three_queries_per_chunk_not_per_entry(
    feed_source, django_assert_num_queries, monkeypatch
):
    keys = [EntryKey(f"g{i}", f"https://wire.test/{i}", "h") for i in range(25)]
    with django_assert_num_queries(3):
        assert {v.seen for v in classify_many(feed_source.pk, keys)} == {Seen.NEW}
    monkeypatch.setattr(dedupe, "LOOKUP_CHUNK", 10)  # 25 entries: three chunks of each query
    with django_assert_num_queries(9):
        assert len(classify_many(feed_source.pk, keys)) == 25
    with django_assert_num_queries(0):
        assert classify_many(feed_source.pk, []) == []
