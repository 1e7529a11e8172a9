"""Comparing two revisions' text side by side: words taken out in <del>, words put in in <ins>.

Pure functions over strings. Every piece of text is escaped before it is wrapped, so markup
in a headline or body shows as text and never runs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Words, runs of spaces and single punctuation marks: a diff at this grain reads naturally.
TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
# Elements that end a paragraph when the body is read as text.
BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figure", "figcaption", "tr"}
)


@dataclass(frozen=True)
class SideBySide:
    before: SafeString
    after: SafeString
    changed: bool


class _TextOf(HTMLParser):
    """Paragraphs of text out of sanitised body HTML; images stand in as [image: alt]."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []

    def _end_paragraph(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.paragraphs.append(text)
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self._end_paragraph()
        elif tag == "br":
            self._current.append(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt") or ""
            self._current.append(f" [image: {alt}] ")

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self._end_paragraph()

    def handle_data(self, data: str) -> None:
        self._current.append(data)

    def close(self) -> None:
        super().close()
        self._end_paragraph()


def paragraphs(html: str) -> list[str]:
    parser = _TextOf()
    parser.feed(html or "")
    parser.close()
    return parser.paragraphs


def _wrap(tag: str, tokens: list[str]) -> str:
    text = escape("".join(tokens))
    return f"<{tag}>{text}</{tag}>" if text else ""


Opcode = tuple[str, int, int, int, int]


def _joined(opcodes: Sequence[Opcode], old: list[str]) -> list[Opcode]:
    """Changes separated only by a space become one: "<del>old words</del>", not five marks."""
    merged: list[Opcode] = []
    for index, code in enumerate(opcodes):
        op, i1, i2, j1, j2 = code
        between = 0 < index < len(opcodes) - 1
        if op == "equal" and between and not "".join(old[i1:i2]).strip():
            op = "replace"
        if merged and op != "equal" and merged[-1][0] != "equal":
            _, p1, _, q1, _ = merged[-1]
            merged[-1] = ("replace", p1, i2, q1, j2)
        else:
            merged.append((op, i1, i2, j1, j2))
    return merged


def _words(before: str, after: str) -> tuple[str, str]:
    """One paragraph against another, word by word."""
    old, new = TOKEN.findall(before), TOKEN.findall(after)
    left: list[str] = []
    right: list[str] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in _joined(matcher.get_opcodes(), old):
        if op == "equal":
            same = escape("".join(old[i1:i2]))
            left.append(same)
            right.append(same)
            continue
        left.append(_wrap("del", old[i1:i2]))
        right.append(_wrap("ins", new[j1:j2]))
    return "".join(left), "".join(right)


def text(before: str, after: str) -> SideBySide:
    """Two short texts (a headline, a standfirst) compared word by word."""
    left, right = _words(before or "", after or "")
    return SideBySide(mark_safe(left), mark_safe(right), (before or "") != (after or ""))


def body(before_html: str, after_html: str) -> SideBySide:
    """Two bodies as text, paragraph by paragraph; changed paragraphs word by word.

    Paragraphs first keeps a long body's diff fast (the word matcher is quadratic) and lines
    up what an editor sees as units."""
    old, new = paragraphs(before_html), paragraphs(after_html)
    left: list[str] = []
    right: list[str] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            left.extend(f"<p>{escape(p)}</p>" for p in old[i1:i2])
            right.extend(f"<p>{escape(p)}</p>" for p in new[j1:j2])
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for k in range(pairs):
            a, b = _words(old[i1 + k], new[j1 + k])
            left.append(f'<p class="bs-diff-changed">{a}</p>')
            right.append(f'<p class="bs-diff-changed">{b}</p>')
        left.extend(f"<p><del>{escape(p)}</del></p>" for p in old[i1 + pairs : i2])
        right.extend(f"<p><ins>{escape(p)}</ins></p>" for p in new[j1 + pairs : j2])
    return SideBySide(mark_safe("".join(left)), mark_safe("".join(right)), old != new)


def values(before: str, after: str) -> SideBySide:
    """A value shown whole on each side (a section, a status, a list of tags)."""
    changed = before != after
    if not changed:
        return SideBySide(escape(before), escape(after), False)
    return SideBySide(
        mark_safe(_wrap("del", [before])),
        mark_safe(_wrap("ins", [after])),
        True,
    )
