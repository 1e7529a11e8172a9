"""dedupe.py: canonical URLs, content hashes and SimHash. Pure except the lookup tests."""

from __future__ import annotations

import dataclasses

import pytest

from broadsheet.core.sanitize import strip_tags
from broadsheet.ingest.dedupe import (
    MIN_WORDS_FOR_FINGERPRINT,
    NEAR_DUPLICATE_DISTANCE,
    canonical_url,
    content_hash,
    find_near_duplicate,
    hamming,
    simhash,
)
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
        (STORY, STORY.replace("forty", "forty-two"), True),  # a small edit by a syndicator
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
def test_find_near_duplicate_looks_at_recent_fingerprints(make_article):
    article = make_article(fingerprint=simhash(STORY))
    assert find_near_duplicate(simhash(STORY.replace("forty", "forty-two"))) == article.pk
    assert find_near_duplicate(simhash(OTHER)) is None
    assert find_near_duplicate(simhash(STORY), exclude_id=article.pk) is None
    assert find_near_duplicate(None) is None
