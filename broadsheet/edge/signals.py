"""What edge tells the apps behind it.

The page cache is the first to notice that a scheduled article has come due (no cron: the
first request after its time). It purges the pages that must now list it and then sends
`came_due`, so that what else follows (the site's sidebar lists) need not live here.
"""

from django.dispatch import Signal

# kwargs: article_ids: list[int]  (the articles whose scheduled time has just passed)
came_due = Signal()
