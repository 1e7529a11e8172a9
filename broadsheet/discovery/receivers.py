"""Reacting to the newsroom's `published` signal: enqueue discovery's task by id, nothing more."""

from __future__ import annotations

from typing import Any

from broadsheet.discovery.tasks import article_changed as article_changed_task


def article_changed(sender: Any, article_id: int, **kwargs: Any) -> None:
    """Every action is one job: the task looks the article up and files or drops it."""
    article_changed_task.enqueue(article_id)
