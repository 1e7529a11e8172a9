"""Fixture files for the WordPress import: our own small exports, and the shared theme unit test data."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "wpimport"
# The WordPress theme unit test exports live beside the repository, not in it.
THEME_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "wp-theme-unit-test"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # The page cache (locmem) outlives a test's database rows; start every test cold.
    from django.core.cache import cache

    cache.clear()
