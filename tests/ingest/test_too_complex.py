"""An entry too complex to sanitise is an ingest error (TooComplexError), so the pipeline
records it on the source like any other failing entry (issue #16, finding 10)."""

from __future__ import annotations

import pytest

from broadsheet.core.markup_cost import MarkupTooComplex
from broadsheet.ingest.errors import IngestError, TooComplexError
from broadsheet.ingest.models import Source
from broadsheet.ingest.parse import FeedEntry, ParsedFeed
from broadsheet.ingest.pipeline import build_candidate

BOMB = "".join(f'<b class="c{i}">' for i in range(40_000)) + "deep"


def test_the_core_refusal_becomes_an_ingest_error():
    entry = FeedEntry(guid="g1", url="https://news.example/a", title="Bomb", content_html=BOMB)
    feed = ParsedFeed(title="Gazette", link="https://news.example/", entries=(entry,))
    source = Source(feed_url="https://news.example/feed", mode=Source.Mode.FULL)
    with pytest.raises(TooComplexError, match="formatting elements unclosed") as caught:
        build_candidate(
            source=source,
            feed=feed,
            entry=entry,
            url=entry.url,
            digest="d",
            extracted=None,
            sections=[],
            classifier=None,
        )
    assert isinstance(caught.value, IngestError)
    assert isinstance(caught.value.__cause__, MarkupTooComplex)
