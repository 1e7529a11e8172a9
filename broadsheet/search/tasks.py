"""Search tasks: bring the replica of the node that runs them up to date."""

from __future__ import annotations

from django_tasks import task

from broadsheet.search import replica


@task()
def update_article(article_id: int) -> int:
    """Apply the change log to this node's replica, re-checking `article_id` in any case (so
    the task alone also repairs one article): the article is indexed while it is published
    or scheduled and dropped otherwise. Returns how many log rows were applied. Raises
    IndexBusy (so the task fails and can be retried) if another writer keeps the lock.
    A node that keeps no replica (a machine of task workers only) does nothing."""
    if not replica.enabled():
        return 0
    return replica.catch_up(also=[article_id])
