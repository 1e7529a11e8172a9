"""Renditions: made once by the task after upload, at the right widths and formats, cropped
around the focal point, and re-made (under new names) when the focal point moves."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from broadsheet.media import renditions
from broadsheet.media.models import Image, Rendition
from tests.media.conftest import halves

pytestmark = pytest.mark.django_db


def _widths(image: Image, ratio: str, fmt: str) -> list[int]:
    return [w for w, _, _ in image.rendition_set(ratio, fmt)]


def test_upload_makes_renditions_in_both_formats_never_wider_than_the_original(upload):
    image = upload(halves(2000, 1000))
    assert _widths(image, "", "webp") == _widths(image, "", "jpeg") == [320, 640, 960, 1280, 1920]
    # 16:9 out of 2:1: a 1778-wide crop, so no 1920.
    assert _widths(image, "16:9", "webp") == [320, 640, 960, 1280, 1778]
    assert Rendition.objects.filter(image=image).count() == 20
    for width, height, name in image.rendition_set("16:9", "jpeg"):
        with default_storage.open(name) as stored, PILImage.open(stored) as made:
            assert made.format == "JPEG" and made.size == (width, height)
            assert abs(width / height - 16 / 9) < 0.01
    for _, _, name in image.rendition_set("", "webp"):
        with default_storage.open(name) as stored, PILImage.open(stored) as made:
            assert made.format == "WEBP"


def test_a_small_image_gets_its_own_width_and_no_upscale(upload):
    image = upload(halves(500, 300))
    assert _widths(image, "", "jpeg") == [320, 500]


def test_an_image_already_16_9_is_not_rendered_twice(upload):
    image = upload(halves(1600, 900))
    assert renditions.effective_ratio(image, "16:9") == ""
    assert set(image.renditions) == {""}


def test_avif_when_configured(upload, settings):
    settings.BROADSHEET_IMAGE_FORMAT = "avif"
    image = upload(halves(700, 400))
    _, _, name = image.rendition_set("", "avif")[0]
    with default_storage.open(name) as stored, PILImage.open(stored) as made:
        assert made.format == "AVIF"


def _centre_colour(name: str) -> tuple[int, int, int]:
    with default_storage.open(name) as stored, PILImage.open(stored) as made:
        return made.convert("RGB").getpixel((made.width // 2, made.height // 2))


def test_the_crop_keeps_the_focal_point(upload, django_capture_on_commit_callbacks):
    # Red on the left, blue on the right; a square crop of a 2:1 picture keeps one half.
    image = upload(halves(1200, 600), focal=(0.1, 0.5))
    assert image.rendition_set("1:1", "jpeg") == []  # 1:1 is not made until asked for
    renditions.ensure(image.pk, ("1:1",))
    image.refresh_from_db()
    r, _, b = _centre_colour(image.rendition_set("1:1", "jpeg")[-1][2])
    assert r > 150 and b < 80
    old = [name for _, _, name in image.rendition_set("1:1", "jpeg")]

    image.focal_x = 0.9
    image.save()
    with django_capture_on_commit_callbacks(execute=True):
        renditions.ensure(image.pk, ("1:1",))
    image.refresh_from_db()
    r, _, b = _centre_colour(image.rendition_set("1:1", "jpeg")[-1][2])
    assert b > 150 and r < 80
    new = [name for _, _, name in image.rendition_set("1:1", "jpeg")]
    assert not set(old) & set(new)  # new names: a cache never serves the old crop
    assert not any(default_storage.exists(name) for name in old)


def test_renditions_are_made_once(upload):
    image = upload(halves(900, 500))
    assert renditions.ensure(image.pk) == 0


def test_crop_box_stays_inside_the_picture():
    assert renditions.crop_box(2000, 1000, "1:1", (0.0, 0.5)) == (0, 0, 1000, 1000)
    assert renditions.crop_box(2000, 1000, "1:1", (1.0, 0.5)) == (1000, 0, 2000, 1000)
    assert renditions.crop_box(1000, 2000, "16:9", (0.5, 0.0)) == (0, 0, 1000, 562)
    assert renditions.crop_box(1000, 2000, "", (0.3, 0.3)) == (0, 0, 1000, 2000)
