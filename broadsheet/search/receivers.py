"""Reacting to the newsroom's `published` signal: log the change, request an index update."""

from __future__ import annotations

from typing import Any

from broadsheet.search.replica import record_change
from broadsheet.search.tasks import request_update


def article_changed(sender: Any, article_id: int, action: str = "updated", **kwargs: Any) -> None:
    """Every action (published, updated, withdrawn, deleted) is the same job for the index:
    look the article up again and index or drop it. The change-log row is what every node's
    replica follows (one INSERT by id, like enqueueing a task); the task brings the replica of
    whichever node runs it up to date at once, instead of at the follower's next poll. One
    task serves every change logged until it starts (tasks.request_update)."""
    record_change(article_id, action)
    request_update(article_id)
