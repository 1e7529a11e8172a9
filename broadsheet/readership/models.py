"""View counts, rolled up: a reader's view adds one to a row, never a row per hit.

Two tables because they answer different questions: the daily rows are the lasting record
(Popular, the admin), the hourly rows a short window in UTC hours for Trending, pruned after
a few days. The beacon writes both (counting.py).
"""

from __future__ import annotations

from django.db import models

from broadsheet.newsroom.models import Article


class ArticleViews(models.Model):
    """Views rolled up per article per day: one row per day, never one per hit."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "day"], name="article_views_day_unique")]
        indexes = [models.Index(fields=["day", "article"], name="article_views_day_idx")]
        verbose_name_plural = "article views"

    def __str__(self) -> str:
        return f"{self.article_id} on {self.day}: {self.views}"


class HourlyViews(models.Model):
    """Views rolled up per article per hour (UTC), for trending; pruned after a few days."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="hourly_views")
    hour = models.DateTimeField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "hour"], name="hourly_views_unique")]
        indexes = [models.Index(fields=["hour", "article"], name="hourly_views_hour_idx")]
        verbose_name_plural = "hourly views"

    def __str__(self) -> str:
        return f"{self.article_id} at {self.hour:%Y-%m-%d %H}:00: {self.views}"
