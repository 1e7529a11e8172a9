"""Images made in memory for the media library's tests."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image as PILImage

from broadsheet.media import services
from broadsheet.media.models import Image


def encode(image: PILImage.Image, fmt: str = "JPEG") -> bytes:
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def halves(width: int, height: int, left=(200, 20, 20), right=(20, 20, 200), fmt: str = "JPEG") -> bytes:
    """Left half one colour, right half another: a crop shows which side it kept."""
    image = PILImage.new("RGB", (width, height), left)
    image.paste(PILImage.new("RGB", (width - width // 2, height), right), (width // 2, 0))
    return encode(image, fmt)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height with almost no data: a decompression bomb's shape."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def upload(db, django_capture_on_commit_callbacks):
    """Upload bytes to the library and run what the commit would run (the renditions task)."""

    def make(data: bytes, alt: str = "A ferry at the north pier", **kwargs) -> Image:
        with django_capture_on_commit_callbacks(execute=True):
            stored = services.upload(data, name=kwargs.pop("name", "ferry.jpg"), alt=alt, **kwargs).image
        stored.refresh_from_db()
        return stored

    return make
