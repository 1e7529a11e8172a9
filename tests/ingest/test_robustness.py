"""Every real feed in ../shared/data through parse and sanitise: no crash, nothing active survives.

Reads feedparser's test suite (2,100 files, 745 of them XSS cases) and feedjira's real-world
samples. Skips when ../shared is absent (a fresh clone). `pytest -s` prints the counts.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

from broadsheet.core.sanitize import sanitize_html
from broadsheet.ingest.errors import ParseError
from broadsheet.ingest.parse import parse_feed

from .conftest import SHARED_DATA

SETS = ["feedparser-tests", "feedjira-sample-feeds"]
SKIP_NAMES = {"LICENSE", "SOURCE.md"}
_HEADER_RE = re.compile(rb"^\s*Header:\s*Content-type:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "background", "poster", "data"}


def active_content(fragment: str) -> list[str]:
    """Anything that could run: script/iframe-like elements, on* handlers, javascript: URLs."""
    if not fragment.strip():
        return []
    found = []
    if "<script" in fragment.lower():
        found.append("<script")
    for element in lxml.html.fragments_fromstring(f"<div>{fragment}</div>")[0].iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in {"script", "iframe", "object", "embed", "style", "form", "svg", "math"}:
            found.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{element.tag}@{name}")
            if name.lower() in _URL_ATTRIBUTES and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(
                ("javascript:", "vbscript:", "data:")
            ):
                found.append(f"{element.tag}@{name}={value[:40]}")
    return found


def feed_files() -> list[Path]:
    files = []
    for name in SETS:
        root = SHARED_DATA / name
        files.extend(p for p in sorted(root.rglob("*")) if p.is_file() and p.name not in SKIP_NAMES)
    return files


@pytest.mark.skipif(not (SHARED_DATA / SETS[0]).is_dir(), reason="../shared/data is absent (fresh clone)")
def test_every_shared_feed_parses_and_sanitises_safely():
    files = feed_files()
    assert len(files) > 2000
    entries = refused = bozo = fragments = 0
    problems: list[str] = []
    for path in files:
        content = path.read_bytes()
        header = _HEADER_RE.search(content[:2000])
        content_type = header.group(1).decode("latin-1") if header else ""
        try:
            feed = parse_feed(content, url=f"http://feeds.test/{path.name}", content_type=content_type)
        except ParseError:
            refused += 1  # not a feed at all: a clean refusal, recorded on the source
            continue
        bozo += bool(feed.problem)
        for entry in feed.entries:
            entries += 1
            for fragment in (entry.summary_html, entry.content_html, entry.title):
                clean = sanitize_html(fragment, base_url=entry.url or None)
                fragments += 1
                for found in active_content(clean):
                    problems.append(f"{path.relative_to(SHARED_DATA)}: {found}")
    print(
        f"\nrobustness: {len(files)} files, {entries} entries, {fragments} fragments sanitised, "
        f"{bozo} flagged malformed, {refused} refused as not a feed, {len(problems)} problems"
    )
    assert problems == []
    assert entries > 1400


@pytest.mark.parametrize(
    ("fragment", "found"),
    [
        ('<a href="javascript:x()">a</a>', True),
        ('<img src="x" onerror="y()">', True),
        ("<script>x()</script>", True),
        ("<p>&lt;script&gt; is text</p>", False),
        ('<a href="https://example.com/">ok</a>', False),
    ],
)
def test_active_content_detector(fragment, found):
    assert bool(active_content(fragment)) is found
