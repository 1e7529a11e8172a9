"""Writing to the library: every upload (admin, demo, importers) goes through `upload()`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from broadsheet.media.models import Image
from broadsheet.media.validation import ALLOWED_FORMATS, check_image

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif", "GIF": "gif"}


@dataclass(frozen=True)
class Uploaded:
    image: Image
    created: bool  # False: the same bytes were already in the library, and that image is returned


def read_upload(upload: Any) -> bytes:
    """The bytes of an uploaded file (or anything with read()), from its start."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read()
    return bytes(data)


def store(image: Image, data: bytes, name: str) -> Image:
    """Validate `data`, put it in `image` (unsaved, its alt text set) and save it; or return
    the library's existing image with the same bytes (stored once)."""
    checked = check_image(data)
    existing = Image.objects.filter(sha256=checked.sha256).first()
    if existing is not None:
        return existing
    if not image.alt.strip():
        raise ValidationError({"alt": "Alt text is required: describe what the image shows."})
    stem = (name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "image")[:60]
    image.sha256 = checked.sha256
    image.file.save(f"{stem}.{EXTENSIONS[checked.format]}", ContentFile(data), save=False)
    image.width, image.height = checked.width, checked.height
    image.full_clean(exclude=["file", "sha256"])
    try:
        with transaction.atomic():
            image.save()
    except IntegrityError:
        # The same bytes were stored by another upload between our look-up and our save.
        image.file.delete(save=False)
        return Image.objects.get(sha256=checked.sha256)
    transaction.on_commit(lambda: _enqueue_renditions(image.pk))
    return image


def upload(
    data: bytes,
    *,
    name: str,
    alt: str,
    caption: str = "",
    credit: str = "",
    focal: tuple[float, float] = (0.5, 0.5),
    uploaded_by: Any = None,
) -> Uploaded:
    """Add an image to the library; the same bytes uploaded twice return the first image."""
    image = Image(
        alt=alt, caption=caption, credit=credit, focal_x=focal[0], focal_y=focal[1], uploaded_by=uploaded_by
    )
    stored = store(image, data, name)
    return Uploaded(stored, created=stored is image)


def focal_changed(image: Image) -> None:
    """After an edit of the focal point: new crops, made by the task."""
    transaction.on_commit(lambda: _enqueue_renditions(image.pk))


def _enqueue_renditions(image_id: int) -> None:
    from broadsheet.media.tasks import generate_renditions

    generate_renditions.enqueue(image_id)


__all__ = ["ALLOWED_FORMATS", "Uploaded", "focal_changed", "read_upload", "store", "upload"]
