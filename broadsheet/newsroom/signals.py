"""The one cross-app signal: an article became visible, changed, or stopped being visible.

Receivers (search, discovery, the edge's page-cache purge) are connected in their
AppConfig.ready() and only enqueue work by id. Sent after the transaction commits, with the
article's id and a snapshot of where it was listed before the change and where it is listed
after: content does not know the site's URLs, so the snapshot names the article's section,
author, tags and month, and the edge turns both into the paths to purge (so the pages that
stop listing it after a move or a withdrawal are purged too).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal


@dataclass(frozen=True)
class ArticleSnapshot:
    """What a published (or scheduled) article is listed under, by slug.

    A snapshot stands for an article with status "published" and a publication time; where
    there is none (no article yet, a draft, withdrawn, deleted), the signal carries None.
    """

    section: str
    slug: str
    author: str | None
    tags: tuple[str, ...]
    month: tuple[int, int]  # (year, month) of published_at


# kwargs: article_id: int, action: "published" | "updated" | "withdrawn" | "deleted",
#         before: ArticleSnapshot | None, after: ArticleSnapshot | None
published = Signal()
