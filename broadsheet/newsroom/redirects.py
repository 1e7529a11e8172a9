"""How an old URL is written in LegacyRedirect.old_path: the importer writes it, the site looks it up.

A path is kept as Django's `request.path` has it (decoded); WordPress's query forms on the home
page (`/?p=12`) are kept by key and id, so both sides must spell them the same way.
"""

from __future__ import annotations

# The longest old path kept (the length of LegacyRedirect.old_path).
OLD_PATH_MAX = 500
# WordPress's own query forms, and the key each becomes in LegacyRedirect.old_path.
QUERY_KEYS = ("p", "page_id", "attachment_id", "cat")


def query_path(key: str, value: int | str) -> str:
    """`/?p=12`: how a query-form URL is stored (and looked up) as an old path."""
    return f"/?{key}={value}"
