"""The reading-time rule: words (tags are spaces, entities characters) at 230 a minute, rounded up."""

from __future__ import annotations

import pytest

from broadsheet.newsroom import readingtime


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("", 0),
        ("<p></p>", 0),
        ("<p>One</p>", 1),
        ("<p>Tide tables</p><p>are printed</p>", 4),
        ("<p>one<strong>two</strong></p>", 2),  # a tag separates words, as the editor counts
        ("<p>fish&nbsp;and&amp;chips</p>", 2),
        ("<figure><img src='/a.jpg' alt='not counted'><figcaption>Low water</figcaption></figure>", 2),
        ("<ul><li>a</li><li>b</li></ul>", 2),
    ],
)
def test_words_are_counted_as_the_editor_counts_them(body: str, words: int) -> None:
    assert readingtime.count_words(body) == words


@pytest.mark.parametrize(
    ("words", "minutes"),
    [(0, 0), (1, 1), (229, 1), (230, 1), (231, 2), (460, 2), (461, 3), (2300, 10)],
)
def test_minutes_are_rounded_up_at_230_words_a_minute(words: int, minutes: int) -> None:
    assert readingtime.WORDS_PER_MINUTE == 230
    assert readingtime.reading_minutes(words) == minutes


def test_description_reads_as_the_editor_shows_it() -> None:
    assert readingtime.describe("") == "0 words · 0 min read"
    assert readingtime.describe("<p>Alone</p>") == "1 word · 1 min read"
    assert readingtime.describe("<p>" + "word " * 231 + "</p>") == "231 words · 2 min read"
