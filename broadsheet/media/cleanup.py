"""Orphans: rendition files no row records (their image was deleted, or a crop was replaced and
its old files were left by a failed delete), and images nobody has used for
BROADSHEET_MEDIA_ORPHAN_DAYS days.

"Used" means referred to by any relation in the project (an article's lead image, or any field
added later that points at Image): found through Django's relation graph, so the library never
imports what refers to it, and a new reference is protected without changes here."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models

from broadsheet.core import clock
from broadsheet.media.models import Image, Rendition
from broadsheet.media.renditions import RENDITION_DIR, delete_files

logger = logging.getLogger(__name__)

# A file younger than this may belong to a rendition being written now (file first, row after).
FILE_GRACE = dt.timedelta(hours=1)


def unreferenced(queryset: models.QuerySet[Image] | None = None) -> models.QuerySet[Image]:
    """Images that nothing refers to (their own renditions aside)."""
    queryset = Image.objects.all() if queryset is None else queryset
    for relation in Image._meta.related_objects:
        if relation.related_model is Rendition:
            continue
        queryset = queryset.exclude(**{f"{relation.name}__isnull": False})
    return queryset


def unused_images(now: dt.datetime | None = None) -> models.QuerySet[Image]:
    now = now or clock.now()
    cutoff = now - dt.timedelta(days=settings.BROADSHEET_MEDIA_ORPHAN_DAYS)
    return unreferenced(Image.objects.filter(created_at__lt=cutoff, updated_at__lt=cutoff))


def _rendition_files() -> list[str]:
    names: list[str] = []
    if not default_storage.exists(RENDITION_DIR):
        return names
    folders, files = default_storage.listdir(RENDITION_DIR)
    names += [f"{RENDITION_DIR}/{name}" for name in files]
    for folder in folders:
        _, inner = default_storage.listdir(f"{RENDITION_DIR}/{folder}")
        names += [f"{RENDITION_DIR}/{folder}/{name}" for name in inner]
    return names


def orphan_rendition_files(now: dt.datetime | None = None) -> list[str]:
    now = now or clock.now()
    recorded = set(Rendition.objects.values_list("file", flat=True))
    orphans = []
    for name in _rendition_files():
        if name in recorded:
            continue
        try:
            if now - default_storage.get_modified_time(name) < FILE_GRACE:
                continue
        except (NotImplementedError, OSError):
            continue
        orphans.append(name)
    return orphans


def clean_up(now: dt.datetime | None = None) -> dict[str, int]:
    """Delete unused images (with their files) and orphaned rendition files; the counts."""
    images = 0
    for image in unused_images(now).iterator():
        # Checked again row by row: a reference may have been added since the query began.
        if unreferenced(Image.objects.filter(pk=image.pk)).exists():
            image.delete()  # the post_delete handler removes its files
            images += 1
    orphans = orphan_rendition_files(now)
    delete_files(orphans)
    logger.info("Media clean-up: %d unused images, %d orphaned rendition files deleted", images, len(orphans))
    return {"images": images, "rendition_files": len(orphans)}


def delete_image_files(sender: Any, instance: Image, **kwargs: Any) -> None:
    """post_delete: the original and every rendition file of a deleted image (after commit)."""
    from django.db import transaction

    # Its Rendition rows are gone already (deleted first, by the cascade); the JSON copy names them.
    names: list[str] = []
    for entry in (instance.renditions or {}).values():
        for key, value in entry.items():
            if key != "focal":
                names += [item[2] for item in value]
    if instance.file:
        names.append(instance.file.name)
    transaction.on_commit(lambda: delete_files(sorted(set(names))))
