"""Discovery fixtures: a fresh search index and cache per test, and the labelled event reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache

from broadsheet.discovery import related, stories
from broadsheet.search.index import rebuild
from tests.discovery.fixtures import create_events


@pytest.fixture(autouse=True)
def search_dir(settings, tmp_path: Path) -> Path:
    path = tmp_path / "search"
    settings.BROADSHEET_SEARCH_DIR = path
    return path


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def events(db) -> dict[int, str]:
    """{article id: event label} for every report in tests/fixtures/discovery/events.jsonl,
    clustered in publish order as the publish task would (the signal path is tested on its own)."""
    labels = create_events()
    for article_id in labels:
        stories.assign(article_id)
    return labels


@pytest.fixture
def related_events(events) -> dict[int, str]:
    """The events, also indexed (one commit, not one per article) and with related lists."""
    rebuild()
    for article_id in events:
        related.compute(article_id)
    return events
