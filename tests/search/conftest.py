"""Search fixtures: a fresh index directory per test, and articles that reach it through the
real publish signal (transactional tests, so on_commit fires and the inline task runs)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.cache import cache

from broadsheet.core import clock
from broadsheet.newsroom.models import Section


@pytest.fixture(autouse=True)
def search_dir(settings, tmp_path: Path) -> Path:
    path = tmp_path / "search"
    settings.BROADSHEET_SEARCH_DIR = path
    return path


@pytest.fixture(autouse=True)
def _fresh_page_cache() -> None:
    # The page cache is process-wide locmem in tests: a search page from another test must
    # not answer for this one.
    cache.clear()


@pytest.fixture
def sport(db) -> Section:
    return Section.objects.create(name="Sport", slug="sport", order=4)


@pytest.fixture
def ago():
    def ago(**delta: float) -> dt.datetime:
        return clock.now() - dt.timedelta(**delta)

    return ago
