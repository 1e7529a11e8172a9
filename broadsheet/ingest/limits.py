"""What one poll of one source may cost: entries per poll and time per poll.

A feed of 50,000 entries must not hold a worker for hours; the rest of a long feed comes in the
next polls. What one entry's HTML may cost to sanitise is core's rule (`core/markup_cost.py`),
applied by `core.sanitize.sanitize_html` itself, so every path that stores HTML obeys it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

DEFAULT_POLL_BUDGET = 300.0  # seconds of entry work per poll before the rest wait for the next
BACKLOG_RECHECK = dt.timedelta(minutes=5)  # a poll cut short is followed up this soon


def max_entries() -> int:
    """New or changed entries handled per poll (BROADSHEET_INGEST_MAX_ENTRIES, at least 1); the
    rest wait for the next poll."""
    return max(1, int(settings.BROADSHEET_INGEST_MAX_ENTRIES))
