"""What the article form keeps while an editor works: autosaved drafts and who has the form open."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from broadsheet.newsroom.models import Article


class ArticleAutosave(models.Model):
    """What an editor had typed in the article form, saved every few seconds by the admin's
    autosave (newsroom/autosave.py): one row per user and article (article NULL: a new one not
    yet saved). It is never written to the article; a real save deletes it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # The form's fields by name: a string each, or a list for a multiple choice.
    data = models.JSONField()
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=models.Q(article__isnull=False),
                name="autosave_user_article_unique",
            ),
            # NULLs are distinct in a unique index: a user's one new-article draft needs its own.
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(article__isnull=True), name="autosave_user_new_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Autosave of {self.article_id or 'a new article'} by {self.user_id}"


class ArticlePresence(models.Model):
    """Who has an article's change form open: the form's heartbeat refreshes `seen_at`, so the
    admin warns a second editor (newsroom/presence.py)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="presence_article_user_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on article {self.article_id}"
