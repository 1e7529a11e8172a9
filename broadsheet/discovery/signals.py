"""Discovery's own signal: a story's pages changed (a version joined or left it).

Sent by the clustering task after its transaction commits, with the public paths that show
the story (its page and the article pages that say "Also covered by"), so the site can purge
them from the page cache. Discovery sits below the site and cannot purge them itself.
"""

from django.dispatch import Signal

# kwargs: story_id: int, paths: list[str]
story_changed = Signal()
