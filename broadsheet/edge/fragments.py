"""Rendered fragments (cards, the header, the footer, the sidebar) memoised in this process.

Why our own instead of Django's {% cache %} tag: that tag makes one round trip to the shared
cache per fragment (sixty on the home page) and keys on the stringified inputs; profiled with
the page cache off, fragment lookups and the chrome's template rendering were over half of a
page's CPU. Here a fragment's key is the tuple of *every* input of its markup, taken from
data the view has already loaded (rows, widget lists, site settings), so a stale fragment
cannot be served: when anything it shows changes, its key changes. Nothing is invalidated and
no other process needs telling; each process warms its own memo on first use, and the least
recently used fragments make room when it is full.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

# Bounded by total characters: about 8 MB of markup per process at most.
MAX_CHARS = 8 * 1024 * 1024
# A fragment larger than this is rendered every time rather than crowding out the rest.
MAX_ENTRY_CHARS = 256 * 1024


class FragmentMemo:
    """A thread-safe LRU of rendered markup keyed by hashable tuples, bounded by size."""

    def __init__(self, max_chars: int = MAX_CHARS) -> None:
        self.max_chars = max_chars
        self.used = 0
        self.items: OrderedDict[Hashable, str] = OrderedDict()
        self.lock = threading.Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> SafeString:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
                return mark_safe(found)
        markup = str(render())
        if len(markup) <= MAX_ENTRY_CHARS:
            with self.lock:
                old = self.items.pop(key, None)
                if old is not None:
                    self.used -= len(old)
                self.items[key] = markup
                self.used += len(markup)
                while self.used > self.max_chars and self.items:
                    _, dropped = self.items.popitem(last=False)
                    self.used -= len(dropped)
        return mark_safe(markup)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.used = 0


memo = FragmentMemo()


def digest(data: Any) -> str:
    """A key for plain data (lists of dicts from the widget caches) that is not hashable."""
    return hashlib.blake2b(pickle.dumps(data, pickle.HIGHEST_PROTOCOL), digest_size=16).hexdigest()
