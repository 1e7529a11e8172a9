"""The stored page format: what goes in comes out, and nothing else reads as a page."""

from __future__ import annotations

import math
import pickle

import pytest

from broadsheet.edge import pageentry
from broadsheet.edge.pageentry import PageEntry


def entry(**fields: object) -> PageEntry:
    values: dict[str, object] = {
        "generation": "0f3a/9b2c",
        "status": 200,
        "etag": '"abc123-gzip"',
        "expires": 1_764_800_000.123456,
        "headers": [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Link", "<https://example.org/a:b>; rel=canonical"),
            ("X-Empty", ""),
            ("X-Latin", "caf\xe9"),
            ("Vary", "Accept-Encoding, Cookie"),
        ],
        "body": b"\x1f\x8b\n\n binary\n\n body \x00",
    }
    values.update(fields)
    return PageEntry(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "page",
    [entry(), entry(headers=[]), entry(body=b""), entry(expires=math.inf), entry(body=b"\n\n" * 1000)],
)
def test_a_page_comes_back_as_stored(page):
    assert pageentry.decode(pageentry.encode(page)) == page
    # Through the cache's pickling too: bytes are stored as they are.
    assert pageentry.decode(pickle.loads(pickle.dumps(pageentry.encode(page)))) == page


@pytest.mark.parametrize(
    "value",
    [
        None,
        {"generation": "a/b", "status": 200, "headers": [], "body": b"", "etag": '"x"'},
        b"",
        b"not a page",
        pageentry.encode(entry()).replace(pageentry.MAGIC, b"broadsheet-page/1\n", 1),
        pageentry.MAGIC + b"200\na/b",
        "a string",
    ],
)
def test_anything_else_is_no_page(value):
    assert pageentry.decode(value) is None
