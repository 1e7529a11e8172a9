"""Old WordPress URLs: paths from permalinks, permalink structures, slugs."""

from __future__ import annotations

import pytest

from broadsheet.wpimport.paths import clean_slug, old_path, permalink_structure


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("https://a.example/2024/03/ferry/", "/2024/03/ferry/"),
        ("https://a.example/caf%C3%A9/", "/café/"),
        ("https://a.example/?p=12", None),
        ("https://a.example", None),
        ("", None),
        ("https://a.example/" + "x" * 600, None),
    ],
)
def test_old_path(link: str, expected: str | None) -> None:
    assert old_path(link) == expected


@pytest.mark.parametrize(
    ("path", "structure"),
    [
        ("/2024/03/ferry/", "/%year%/%monthnum%/%postname%/"),
        ("/2024/03/05/ferry/", "/%year%/%monthnum%/%day%/%postname%/"),
        ("/harbor/ferry/", "/%category%/%postname%/"),
        ("/ferry/", "/%postname%/"),
        ("/archives/123/", "/archives/%post_id%/"),
    ],
)
def test_permalink_structure(path: str, structure: str) -> None:
    assert permalink_structure(path, frozenset({"harbor"})) == structure


@pytest.mark.parametrize(
    ("raw", "expected"), [("ferry-plan", "ferry-plan"), ("%e6%b8%af", ""), ("a b", ""), ("", "")]
)
def test_clean_slug(raw: str, expected: str) -> None:
    assert clean_slug(raw) == expected
