"""Uploads: real images only, within the caps, with alt text, stored once."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from broadsheet.media import services
from broadsheet.media.models import Image
from tests.media.conftest import encode, halves, png_header_only

pytestmark = pytest.mark.django_db


def _refused(data: bytes, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        services.upload(data, name="x.jpg", alt=kwargs.pop("alt", "Something"), **kwargs)
    assert Image.objects.count() == 0
    return caught.value


def test_same_bytes_uploaded_twice_are_stored_once(upload):
    data = halves(800, 450)
    first = upload(data, alt="The harbour at dawn", name="dawn.jpg")
    again = services.upload(data, name="dawn-copy.jpg", alt="Another description")
    assert again.created is False and again.image.pk == first.pk
    assert again.image.alt == "The harbour at dawn"
    assert Image.objects.count() == 1
    folder, name = first.file.name.rsplit("/", 1)
    stored = default_storage.listdir(folder)[1]
    assert name in stored and not any(n.startswith("dawn-copy") for n in stored)  # no second file
    assert first.sha256 and len(first.sha256) == 64
    assert (first.width, first.height) == (800, 450)


def test_alt_text_is_required():
    error = _refused(halves(400, 300), alt="   ")
    assert "Alt text is required" in str(error)


def test_not_an_image_is_refused_with_a_clear_error():
    error = _refused(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    assert error.code == "not_an_image"
    assert "not an image we can read" in error.messages[0]


def test_a_format_outside_the_list_is_refused():
    error = _refused(encode(PILImage.new("RGB", (20, 20)), "BMP"))
    assert error.code == "format" and "BMP images are not accepted" in error.messages[0]


def test_a_truncated_image_is_refused():
    data = halves(600, 400)
    error = _refused(data[: len(data) // 2])
    assert error.code == "corrupt"


def test_a_file_over_the_size_cap_is_refused(settings):
    settings.BROADSHEET_IMAGE_MAX_BYTES = 10 * 1024 * 1024
    noisy = PILImage.effect_noise((3000, 3000), 120).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "PNG")
    assert len(out.getvalue()) > settings.BROADSHEET_IMAGE_MAX_BYTES
    error = _refused(out.getvalue())
    assert error.code == "too_large" and "at most 10 MB" in error.messages[0]


def test_too_many_pixels_is_refused_before_decoding():
    # 60 megapixels in a few hundred bytes: over the 50-megapixel cap.
    error = _refused(png_header_only(10_000, 6_000))
    assert error.code == "too_many_pixels"
    assert "10000 × 6000 pixels" in error.messages[0] and "50 megapixels" in error.messages[0]


def test_a_decompression_bomb_beyond_pillows_own_limit_is_refused():
    error = _refused(png_header_only(100_000, 100_000))
    assert error.code == "too_many_pixels" and "too large to open safely" in error.messages[0]


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "GIF", "AVIF"])
def test_every_allowed_format_is_accepted(upload, fmt):
    image = upload(halves(400, 300, fmt=fmt), name=f"pic.{fmt.lower()}")
    assert (image.width, image.height) == (400, 300)
    assert image.file.name.endswith("." + {"JPEG": "jpg"}.get(fmt, fmt.lower()))
