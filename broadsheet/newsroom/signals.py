"""The one cross-app signal: an article became visible, changed, or stopped being visible.

Receivers (search, discovery, cache purge) are connected in their AppConfig.ready() and only
enqueue work by id. Sent after the transaction commits, with the article's id and the public
paths it was listed under before the change (so pages that stop listing it are purged too).
"""

from django.dispatch import Signal

# kwargs: article_id: int, action: "published" | "updated" | "withdrawn" | "deleted",
#         paths: list[str]  (paths the article appeared on, before and after the change)
published = Signal()
