"""The search change log: one row per article change, the feed every node's replica follows."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now


class IndexChange(models.Model):
    """An article changed and every search replica must look at it again.

    Append-only, ordered by id. A row names the article, not what to write: a replica applies
    it by reading the article's current state from the database (index it while it is public
    or scheduled, drop it otherwise), so applying a row twice, or late, is harmless.
    """

    id = models.BigAutoField(primary_key=True)
    # Not a foreign key: a deleted article's row must outlive it so replicas drop it too.
    article_id = models.BigIntegerField()
    action = models.CharField(max_length=20)
    # The database's clock, so nodes with skewed clocks agree on a row's age (for pruning).
    created_at = models.DateTimeField(db_default=Now(), db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} article {self.article_id} {self.action}"
