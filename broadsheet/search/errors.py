"""Search errors, drawn in one place.

SearchError             base of everything this app raises
├── SearchUnavailable   the index cannot be read (corrupt, or from an incompatible
│                       version): the site shows "temporarily unavailable" and an
│                       operator runs `broadsheet search reindex`
└── IndexBusy           another process held the writer lock for longer than we wait:
                        the task fails and is retried; nothing is lost from the database
"""

from __future__ import annotations


class SearchError(Exception):
    """Base class for search errors."""


class SearchUnavailable(SearchError):
    """The search index exists but cannot be opened or read."""


class IndexBusy(SearchError):
    """The index writer lock stayed taken by another writer for the whole wait."""
