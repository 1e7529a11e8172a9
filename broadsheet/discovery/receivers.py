"""Reacting to the newsroom's `published` signal: queue the article for discovery, nothing more."""

from __future__ import annotations

from typing import Any

from broadsheet.discovery.tasks import request_processing


def article_changed(sender: Any, article_id: int, **kwargs: Any) -> None:
    """Every action is the same job: the batch looks the article up and files or drops it."""
    request_processing(article_id)
