"""Discovery's derived data: stories (clusters of versions) and related lists.

All of it can be rebuilt from the newsroom's tables; none of it is edited by hand.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from broadsheet.core import clock
from broadsheet.newsroom.models import Article


class Story(models.Model):
    """One event, reported by one or more articles (its versions)."""

    headline = models.CharField(max_length=300, help_text="The earliest version's headline.")
    slug = models.SlugField(max_length=120)
    first_published_at = models.DateTimeField()
    last_published_at = models.DateTimeField()
    article_count = models.PositiveIntegerField(default=0)
    source_count = models.PositiveIntegerField(default=0)
    # The sum of the members' unit term vectors, cut to the heaviest terms: {term: weight}.
    centroid = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "stories"
        indexes = [
            # The clustering window: stories still taking new versions.
            models.Index(fields=["last_published_at"], name="story_last_published_idx"),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("site:story", kwargs={"story_id": self.pk, "slug": self.slug or "story"})


class StoryRedirect(models.Model):
    """A story that was merged into another (two workers had started one event twice): its
    old id, so its page answers with a permanent redirect to the story that absorbed it."""

    old_id = models.BigIntegerField(primary_key=True, help_text="The merged story's id.")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="redirects_from")
    merged_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"story {self.old_id} -> {self.story_id}"


class StoryMembership(models.Model):
    """An article's place in a story; an article belongs to at most one."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="memberships")
    # SET_NULL, not CASCADE: when an article is deleted its row stays, orphaned, until the
    # clustering task rebuilds the story without it (the task runs after the delete commits).
    article = models.OneToOneField(
        Article, null=True, on_delete=models.SET_NULL, related_name="story_membership"
    )
    published_at = models.DateTimeField()
    similarity = models.FloatField(help_text="Cosine similarity to the story when the article joined.")
    # The article's unit term vector, kept so the centroid can be rebuilt when a version leaves.
    terms = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["story", "published_at"], name="story_member_timeline_idx")]

    def __str__(self) -> str:
        return f"{self.article_id} in story {self.story_id}"


class RelatedArticle(models.Model):
    """A precomputed "You might also be interested in…" entry: `related` at `rank` for `article`."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_entries")
    related = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_from")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField(default=0.0)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "rank"], name="related_article_rank_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} -> {self.related_id} (#{self.rank})"


class PendingArticle(models.Model):
    """An article whose story and related list must be worked out again: the publish signal's
    receiver adds a row per change, and the `process_pending` task takes them in batches
    (discovery/pending.py), so an ingest run of thousands of stories queues a few tasks, not
    thousands. A row stays until its batch is done: a worker killed mid-batch loses nothing."""

    id = models.BigAutoField(primary_key=True)
    # Not a foreign key: a deleted article's story must still be rebuilt without it.
    article_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=clock.now)
    # The batch that holds the row, until when (then another batch may take it), and how
    # many batches have taken it (a row that keeps failing is given up, see pending.py).
    taken_by = models.CharField(max_length=32, blank=True, default="")
    taken_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} article {self.article_id}"
