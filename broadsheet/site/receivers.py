"""Reactions of the public site to the publish signal: purge the pages that list an article."""

from __future__ import annotations

from typing import Any

from broadsheet.site import pagecache


def purge_pages(sender: Any, article_id: int, action: str, paths: list[str], **kwargs: Any) -> None:
    pagecache.purge(paths)
