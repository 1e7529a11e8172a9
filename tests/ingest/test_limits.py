"""limits.py: what one poll may cost (the markup rules are core's: tests/core/test_markup_cost.py)."""

from __future__ import annotations

from broadsheet.ingest.limits import max_entries


def test_the_entry_cap_comes_from_the_setting(settings):
    settings.BROADSHEET_INGEST_MAX_ENTRIES = 7
    assert max_entries() == 7
    settings.BROADSHEET_INGEST_MAX_ENTRIES = 0
    assert max_entries() == 1
