"""Search tasks: run by the worker, the index's one writer."""

from __future__ import annotations

from django_tasks import task

from broadsheet.search import index


@task()
def update_article(article_id: int) -> int:
    """Make the index agree with the database about one article: (re)index it while it is
    published or scheduled, drop it otherwise. Raises IndexBusy (so the task fails and can be
    retried) if another writer keeps the lock."""
    return index.index_articles([article_id])
