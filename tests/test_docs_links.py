"""The repository documents itself: README.md and docs/*.md link only to files inside it.

A user's clone has nothing beside the repository (`../shared/` was a link to a folder that
exists only on the maintainers' machines), so every relative link must resolve to a file in
the repository, and an anchor (`deploy.md#pgbouncer`) to a heading of that file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]

FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")
# [text](target "title") and ![alt](target); [label]: target for reference-style links.
INLINE_LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
HTML_LINK = re.compile(r"""<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
EXTERNAL = re.compile(r"^(?:https?:|mailto:)", re.IGNORECASE)


def _prose(text: str) -> str:
    return CODE_SPAN.sub("", FENCE.sub("", text))


def links(text: str) -> list[str]:
    prose = _prose(text)
    return [m.group(1) for pattern in (INLINE_LINK, REFERENCE, HTML_LINK) for m in pattern.finditer(prose)]


def anchors(text: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    found: set[str] = set()
    for line in _prose(text).splitlines():
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            slug = re.sub(r"[^\w\- ]", "", heading.group(1).lower()).replace(" ", "-")
            found.add(slug)
    return found


def broken_links(document: Path, text: str | None = None) -> list[str]:
    """What is wrong with each link of `document` (its `text`, if given, instead of the file)."""
    problems: list[str] = []
    for target in links(document.read_text() if text is None else text):
        if EXTERNAL.match(target):
            continue
        if ":" in target.split("/", 1)[0] or target.startswith("/"):
            problems.append(f"{target}: not a relative link to a file in the repository")
            continue
        path_part, _, anchor = target.partition("#")
        resolved = (document.parent / path_part).resolve() if path_part else document
        if not resolved.is_relative_to(ROOT):
            problems.append(f"{target}: leaves the repository")
        elif not resolved.exists():
            problems.append(f"{target}: no such file in the repository")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved.read_text()):
            problems.append(f"{target}: no heading #{anchor} in {resolved.relative_to(ROOT)}")
    return problems


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_documents_link_only_inside_the_repository(document: Path) -> None:
    assert broken_links(document) == []


def test_the_checker_sees_what_leaves_the_repository(tmp_path: Path) -> None:
    text = """
See [architecture](../shared/ARCHITECTURE.md), [ok](docs/configuration.md#configuration),
[gone](docs/nowhere.md), [anchor](docs/deploy.md#no-such-heading), <a href="/etc/passwd">x</a>,
[web](https://example.com/x), `[code](../in/a/code/span.md)`.

```
[fenced](../in/a/fence.md)
```
"""
    found = links(text)
    assert "../in/a/code/span.md" not in found and "../in/a/fence.md" not in found
    assert broken_links(ROOT / "README.md", text) == [
        "../shared/ARCHITECTURE.md: leaves the repository",
        "docs/nowhere.md: no such file in the repository",
        "docs/deploy.md#no-such-heading: no heading #no-such-heading in docs/deploy.md",
        "/etc/passwd: not a relative link to a file in the repository",
    ]
