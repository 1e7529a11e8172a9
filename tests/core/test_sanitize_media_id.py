"""The sanitiser keeps a library image's data-media-id only as a plain integer, only on <img>."""

from __future__ import annotations

import pytest

from broadsheet.core.sanitize import sanitize_html


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        (
            '<img src="/m/a.jpg" data-media-id="12" alt="Quay">',
            '<img src="/m/a.jpg" data-media-id="12" alt="Quay">',
        ),
        ('<img src="/m/a.jpg" data-media-id="12x" alt="Quay">', '<img src="/m/a.jpg" alt="Quay">'),
        ('<img src="/m/a.jpg" data-media-id="-3" alt="Quay">', '<img src="/m/a.jpg" alt="Quay">'),
        ('<img src="/m/a.jpg" data-media-id="" alt="Quay">', '<img src="/m/a.jpg" alt="Quay">'),
        ('<img src="/m/a.jpg" data-media-id="²" alt="Quay">', '<img src="/m/a.jpg" alt="Quay">'),
        ('<img src="/m/a.jpg" data-media-id="1 OR 1=1" alt="Quay">', '<img src="/m/a.jpg" alt="Quay">'),
        ('<img src="/m/a.jpg" data-media-id="1234567890123" alt="Quay">', '<img src="/m/a.jpg" alt="Quay">'),
        ('<p data-media-id="12">Text</p>', "<p>Text</p>"),
        (
            '<a href="https://example.com/" data-media-id="12">Link</a>',
            '<a href="https://example.com/" rel="noopener noreferrer">Link</a>',
        ),
        ('<img src="/m/a.jpg" data-other="1" alt="Quay">', '<img src="/m/a.jpg" alt="Quay">'),
    ],
    ids=[
        "integer",
        "letters",
        "negative",
        "empty",
        "superscript-digit",
        "injection",
        "too-long",
        "on-p",
        "on-a",
        "other-data",
    ],
)
def test_data_media_id_survives_only_as_an_integer_on_img(fragment: str, expected: str) -> None:
    assert sanitize_html(fragment) == expected


def test_width_and_height_still_need_digits() -> None:
    assert sanitize_html('<img src="/a.jpg" width="²" height="20">') == '<img src="/a.jpg" height="20">'


def test_html_from_another_site_cannot_point_into_the_library() -> None:
    fragment = '<img src="/a.jpg" data-media-id="12" alt="Quay">'
    assert sanitize_html(fragment, base_url="https://other.example/story") == (
        '<img src="https://other.example/a.jpg" alt="Quay">'
    )
