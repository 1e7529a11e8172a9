"""Search tasks: bring the replica of the node that runs them up to date."""

from __future__ import annotations

from django_tasks import task

from broadsheet.core import once
from broadsheet.search import replica

# Set while an index task is queued: a burst of publishes (an ingest run) queues one task,
# which applies every change logged by the time it runs. Cleared when the task starts, so a
# change logged after that queues the next one.
QUEUED_KEY = "bs:search:update-queued"
# A task lost before it ran (a wiped queue) holds the flag no longer than this; meanwhile the
# follower applies the log anyway.
QUEUED_SECONDS = 60


def request_update(article_id: int) -> bool:
    """Enqueue an index task unless one is already queued; True when this call enqueued it."""
    if not once.once_per(QUEUED_KEY, QUEUED_SECONDS):
        return False
    update_article.enqueue(article_id)
    return True


@task()
def update_article(article_id: int) -> int:
    """Apply the change log to this node's replica, re-checking `article_id` in any case (so
    the task alone also repairs one article): the article is indexed while it is published
    or scheduled and dropped otherwise. Every change logged before the task started is
    applied too, whichever article it names. Returns how many log rows were applied. Raises
    IndexBusy (so the task fails and can be retried) if another writer keeps the lock.
    A node that keeps no replica (a machine of task workers only) does nothing."""
    once.forget(QUEUED_KEY)
    if not replica.enabled():
        return 0
    return replica.catch_up(also=[article_id])
