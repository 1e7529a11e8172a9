"""Reactions of the public site to the publish signal: purge pages, note schedules, refresh widgets."""

from __future__ import annotations

from typing import Any

from broadsheet.site import pagecache
from broadsheet.site.tasks import request_widget_refresh


def purge_pages(sender: Any, article_id: int, action: str, paths: list[str], **kwargs: Any) -> None:
    # Purging is a few cache writes and must be visible at once, so it runs inline rather
    # than as a task; so does the one indexed MIN query for the next scheduled time.
    pagecache.purge(paths)
    pagecache.refresh_next_due()
    request_widget_refresh()


def purge_story_pages(sender: Any, story_id: int, paths: list[str], **kwargs: Any) -> None:
    """A story gained or lost a version: its page and its versions' "Also covered by" change."""
    pagecache.purge(paths)
