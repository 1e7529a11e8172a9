"""What readers send us: contact messages and copyright takedown requests."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.db import models

from broadsheet.newsroom.models import Article, ArticleSlugHistory


def find_article(url: str) -> Article | None:
    """The article a reader's URL points at, matched on the path `/<section>/<slug>/`.

    Only the path counts (the reader may paste http:// or a www. host); the slug decides,
    since a moved article keeps its slug, and an old slug still finds the article.
    """
    parts = [part for part in urlsplit(url.strip()).path.split("/") if part]
    if len(parts) != 2:
        return None
    slug = parts[1]
    article = Article.objects.filter(slug=slug).first()
    if article is None:
        history = ArticleSlugHistory.objects.select_related("article").filter(slug=slug).first()
        article = history.article if history else None
    return article


class ContactMessage(models.Model):
    name = models.CharField(max_length=120)
    email = models.EmailField(max_length=254)
    subject = models.CharField(max_length=200)
    message = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip_hash = models.CharField(
        "IP hash", max_length=64, blank=True, help_text="Keyed SHA-256 of the sender's address."
    )
    user_agent = models.CharField(max_length=300, blank=True)
    handled = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        # The dashboard's unread messages, newest first, without walking the handled ones.
        indexes = [models.Index(fields=["handled", "created_at"], name="inbox_contact_unread_idx")]

    def __str__(self) -> str:
        return f"{self.subject} ({self.name})"


class TakedownRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        WITHDRAWN = "withdrawn", "Article withdrawn"
        REJECTED = "rejected", "Rejected"

    name = models.CharField(max_length=120)
    email = models.EmailField(max_length=254)
    organisation = models.CharField(max_length=200, blank=True)
    article_url = models.URLField("article URL", max_length=1000)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="takedown_requests"
    )
    work_description = models.TextField(
        "copyrighted work", max_length=5000, help_text="The work the claimant says was infringed."
    )
    sworn_statement = models.BooleanField(
        default=False, help_text="Good-faith belief and accuracy under penalty of perjury."
    )
    signature = models.CharField(max_length=200, help_text="Typed full name.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip_hash = models.CharField("IP hash", max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True, help_text="Internal notes; never shown to the claimant.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Takedown: {self.article_url}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.article_id is None and self.article_url:
            self.article = find_article(self.article_url)
        super().save(*args, **kwargs)
