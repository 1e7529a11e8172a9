"""Reacting to the newsroom's `published` signal: enqueue an index update, nothing more."""

from __future__ import annotations

from typing import Any

from broadsheet.search.tasks import update_article


def article_changed(sender: Any, article_id: int, **kwargs: Any) -> None:
    """Every action (published, updated, withdrawn, deleted) is the same job for the index:
    look the article up again and index or drop it."""
    update_article.enqueue(article_id)
