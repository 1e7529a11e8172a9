"""Renditions through Willow on our Pillow: crop to a ratio around the focal point, resize to
each width up to the original's, save in the modern format (BROADSHEET_IMAGE_FORMAT: WebP or
AVIF) and as a JPEG fallback, store through the default storage (local disk or S3), and record
them as Rendition rows and as the Image's JSON list.

Generated once per image, ratio and focal point; a changed focal point makes new files under
new names (a cache or CDN never serves the old crop) and the old ones are deleted."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from willow.image import Image as WillowImage

from broadsheet.media.models import ORIGINAL, Image, Rendition

logger = logging.getLogger(__name__)

WIDTHS = (320, 640, 960, 1280, 1920)
# Generated after every upload: the original shape (article pages) and 16:9 (cards).
DEFAULT_RATIOS = (ORIGINAL, "16:9")
FALLBACK = "jpeg"
QUALITY = {"jpeg": 78, "webp": 72, "avif": 55}
CONTENT_TYPES = {"jpeg": "image/jpeg", "webp": "image/webp", "avif": "image/avif"}
# Within this fraction of the wanted ratio, the original's renditions serve (no crop needed).
SAME_SHAPE = 0.01
RENDITION_DIR = "renditions"


def modern_format() -> str:
    return str(settings.BROADSHEET_IMAGE_FORMAT)


def parse_ratio(ratio: str) -> tuple[int, int] | None:
    """(16, 9) for "16:9"; None for the original shape; ValueError for nonsense."""
    if ratio == ORIGINAL:
        return None
    across, _, down = ratio.partition(":")
    w, h = int(across), int(down)
    if w <= 0 or h <= 0:
        raise ValueError(f"Not a ratio: {ratio!r}")
    return w, h


def effective_ratio(image: Image, ratio: str) -> str:
    """The ratio key whose renditions serve `ratio`: the original's when the image already has
    that shape, so a 16:9 upload is not rendered twice."""
    wanted = parse_ratio(ratio)
    if wanted is None or not image.width or not image.height:
        return ORIGINAL if wanted is None else ratio
    shape, target = image.width / image.height, wanted[0] / wanted[1]
    return ORIGINAL if abs(shape - target) / target < SAME_SHAPE else ratio


def crop_box(width: int, height: int, ratio: str, focal: tuple[float, float]) -> tuple[int, int, int, int]:
    """The largest box of `ratio` inside width × height, centred on the focal point as far as
    the edges allow."""
    wanted = parse_ratio(ratio)
    if wanted is None:
        return 0, 0, width, height
    target = wanted[0] / wanted[1]
    if width / height > target:
        crop_w, crop_h = max(1, round(height * target)), height
    else:
        crop_w, crop_h = width, max(1, round(width / target))
    left = min(max(round(focal[0] * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(focal[1] * height - crop_h / 2), 0), height - crop_h)
    return left, top, left + crop_w, top + crop_h


def widths_for(crop_width: int) -> list[int]:
    """The standard widths narrower than the crop, plus the crop's own width when it is under
    the widest standard one: never an upscale."""
    chosen = [w for w in WIDTHS if w < crop_width]
    if crop_width <= WIDTHS[-1]:
        chosen.append(crop_width)
    return chosen


@dataclass(frozen=True)
class Made:
    width: int
    height: int
    format: str
    name: str


def _focal_tag(image: Image) -> str:
    return f"{round(image.focal_x * 1000):03d}x{round(image.focal_y * 1000):03d}"


def _name(image: Image, ratio: str, width: int, fmt: str) -> str:
    shape = ratio.replace(":", "x") if ratio else "orig"
    focal = _focal_tag(image) if ratio else "full"
    return f"{RENDITION_DIR}/{image.sha256[:2]}/{image.sha256[:20]}-{shape}-{focal}-{width}.{fmt}"


def _encode(picture: WillowImage, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "jpeg":
        picture.save_as_jpeg(out, quality=QUALITY["jpeg"], progressive=True, apply_optimizers=False)
    elif fmt == "webp":
        picture.save_as_webp(out, quality=QUALITY["webp"], apply_optimizers=False)
    else:
        picture.save_as_avif(out, quality=QUALITY["avif"], apply_optimizers=False)
    return out.getvalue()


def _open(image: Image) -> WillowImage:
    with image.file.open("rb") as source:
        data = source.read()
    picture = WillowImage.open(io.BytesIO(data)).auto_orient()
    if picture.has_alpha():
        picture = picture.set_background_color_rgb((255, 255, 255))
    pil = picture.get_pillow_image()
    # Keep the colour profile, drop the rest (EXIF may hold the camera's GPS position).
    pil.info = {key: value for key, value in pil.info.items() if key == "icc_profile"}
    if pil.mode not in ("RGB", "L"):
        pil = pil.convert("RGB")
    return type(picture)(pil)


def render(image: Image, ratio: str) -> list[Made]:
    """Make and store every rendition of `image` at `ratio` (a key from effective_ratio)."""
    source = _open(image)
    width, height = source.get_size()
    box = crop_box(width, height, ratio, (image.focal_x, image.focal_y))
    cropped = source.crop(box) if box != (0, 0, width, height) else source
    crop_w, crop_h = box[2] - box[0], box[3] - box[1]
    made = []
    for target in widths_for(crop_w):
        size = (target, max(1, round(crop_h * target / crop_w)))
        resized = cropped.resize(size) if size != (crop_w, crop_h) else cropped
        for fmt in (modern_format(), FALLBACK):
            name = _name(image, ratio, target, fmt)
            if default_storage.exists(name):
                default_storage.delete(name)
            stored = default_storage.save(name, ContentFile(_encode(resized, fmt)))
            made.append(Made(size[0], size[1], fmt, stored))
    return made


def is_current(image: Image, ratio: str) -> bool:
    """Has `image` renditions at `ratio` (an effective key) for its current focal point and format?"""
    entry = (image.renditions or {}).get(ratio)
    if not entry or not entry.get(modern_format()) or not entry.get(FALLBACK):
        return False
    return ratio == ORIGINAL or entry.get("focal") == [image.focal_x, image.focal_y]


def ensure(image_id: int, ratios: tuple[str, ...] = DEFAULT_RATIOS) -> int:
    """Generate whatever of `ratios` is missing or stale for the image; the number of files made."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None or not image.file:
        return 0
    count = 0
    for ratio in dict.fromkeys(effective_ratio(image, r) for r in ratios):
        if is_current(image, ratio):
            continue
        made = render(image, ratio)
        _record(image, ratio, made)
        count += len(made)
    return count


def _record(image: Image, ratio: str, made: list[Made]) -> None:
    with transaction.atomic():
        locked = Image.objects.select_for_update().filter(pk=image.pk).first()
        if locked is None:  # deleted meanwhile: its files are orphans for the clean-up
            return
        old = list(Rendition.objects.filter(image=locked, ratio=ratio).values_list("file", flat=True))
        Rendition.objects.filter(image=locked, ratio=ratio).delete()
        Rendition.objects.bulk_create(
            Rendition(image=locked, ratio=ratio, width=m.width, height=m.height, format=m.format, file=m.name)
            for m in made
        )
        entry: dict[str, object] = {"focal": [image.focal_x, image.focal_y]}
        for fmt in {m.format for m in made}:
            entry[fmt] = sorted([m.width, m.height, m.name] for m in made if m.format == fmt)
        renditions = dict(locked.renditions or {})
        renditions[ratio] = entry
        Image.objects.filter(pk=locked.pk).update(renditions=renditions)
        image.renditions = renditions
        kept = {m.name for m in made}
        stale = [name for name in old if name not in kept]
        transaction.on_commit(lambda: delete_files(stale))


def delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # a missing file or a storage hiccup: the clean-up tries again
            logger.warning("Could not delete rendition %s", name, exc_info=True)
