"""What the import remembers: each WordPress item it saw and what it became.

The old URLs that must keep working are LegacyRedirect rows in newsroom, which the site reads.
"""

from __future__ import annotations

from django.db import models

from broadsheet.newsroom.models import Article, Page


class WordPressItem(models.Model):
    """One post, page or attachment of a WordPress site, and what it became here.

    Keyed by the WordPress post id and by the GUID, each unique per site, so a second import
    of the same export (or a fresh export of the same site) updates instead of duplicating.
    """

    class Kind(models.TextChoices):
        POST = "post", "Post"
        PAGE = "page", "Page"
        ATTACHMENT = "attachment", "Attachment"

    site = models.CharField(max_length=200, help_text="The WordPress site's address (base blog URL).")
    wp_id = models.PositiveBigIntegerField("WordPress post id")
    guid = models.CharField("GUID", max_length=500)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="wordpress_items"
    )
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.SET_NULL, related_name="wordpress_items"
    )
    attachment_url = models.URLField(max_length=1000, blank=True)
    caption = models.CharField(max_length=500, blank=True)
    alt_text = models.CharField(max_length=300, blank=True)
    old_path = models.CharField(max_length=500, blank=True)
    # A hash of what the import wrote: equal on re-import means the item is unchanged.
    digest = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "wp_id"], name="wpitem_site_wp_id_unique"),
            models.UniqueConstraint(fields=["site", "guid"], name="wpitem_site_guid_unique"),
        ]
        verbose_name = "WordPress item"

    def __str__(self) -> str:
        return f"{self.kind} {self.wp_id} ({self.site})"
