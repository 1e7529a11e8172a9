"""The library's two tables: Image (one row per distinct upload) and Rendition (one file per
image, ratio, width and format). Image.renditions repeats the rendition list as JSON so a page
can write a whole srcset from the image row it already joined, without a query per card."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

# The ratio key of renditions kept at the original's shape (no crop).
ORIGINAL = ""

unit_interval = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class Image(models.Model):
    file = models.ImageField(upload_to="library/%Y/%m/", width_field="width", height_field="height")
    alt = models.CharField(
        "alt text",
        max_length=300,
        help_text="What the image shows, for readers who cannot see it. Required.",
    )
    caption = models.CharField(max_length=500, blank=True)
    credit = models.CharField(max_length=200, blank=True)
    focal_x = models.FloatField(
        "focal point x", default=0.5, validators=unit_interval, help_text="0 = left edge, 1 = right edge."
    )
    focal_y = models.FloatField(
        "focal point y", default=0.5, validators=unit_interval, help_text="0 = top edge, 1 = bottom edge."
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    # {ratio: {format: [[width, height, storage name], ...] by width}}; written with the Rendition rows.
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.alt[:80] or f"Image {self.pk}"

    @property
    def url(self) -> str:
        return str(self.file.url) if self.file else ""

    @property
    def memo_key(self) -> tuple[Any, ...]:
        """What a memoised fragment showing this image must hold in its key: new renditions
        (made after the page first showed the original) or new text change it."""
        return (self.pk, self.alt, self.caption, self.credit, self.width, self.height, repr(self.renditions))

    def rendition_set(self, ratio: str, fmt: str) -> list[list[Any]]:
        """[[width, height, name], ...] for `ratio` and `fmt`, narrowest first; [] if none yet."""
        return list((self.renditions or {}).get(ratio, {}).get(fmt, []))


class Rendition(models.Model):
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="rendition_rows")
    ratio = models.CharField(max_length=12, blank=True, help_text='"16:9", or empty for the original shape.')
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=8)
    file = models.CharField(max_length=300, help_text="The file's name in the default storage.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["image", "ratio", "width", "format"], name="media_rendition_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.image_id} {self.ratio or 'original'} {self.width}w {self.format}"
