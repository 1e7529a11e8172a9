"""Bylines: who wrote a story, as readers see it. Pure: strings in, strings out.

Feeds and pages state authors in many shapes: RSS 2.0's `email (Name)`, `Name <email>`, a
bare address, several <dc:creator>, "A, B, and C", a JSON-LD list, markup with entities. Here
they become a list of people and then one line, "A, B and C". No e-mail address ever survives
(a bare one is no person at all). Entities are decoded exactly once, at ingest
(`people_from_raw`): what is stored is plain text, so display (`tidy`) never decodes again.

Written here rather than taken from a library: feedparser splits `email (Name)` for one author
(parse.py hands its `authors` list in), but nothing parses the free-text forms or joins them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

# An address anywhere in a name, with the brackets or parentheses around it.
_EMAIL = r"(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_EMAIL_RE = re.compile(rf"[<(\[]?\s*{_EMAIL}\s*[>)\]]?", re.IGNORECASE)
_TAG_RE = re.compile(r"</?[a-zA-Z][^<>]*>")
_SPACE_RE = re.compile(r"\s+")
# "By Dana Reyes", "Von Anna Beck", "Par Léa Martin", "Por ...": the word the template prints.
_BY_RE = re.compile(r"^(?:by|von|vom|par|por|door|di|da|av|af)\s+(?=\S)", re.IGNORECASE)
# "Art Edwards says": a commenter's name that page heuristics took for the author's.
_COMMENTER_RE = re.compile(r"\s(?:says|said|sagt|schreibt|dit)\b", re.IGNORECASE)
# Separators between people: commas, semicolons, slashes and a final "and" ("A, B, and C",
# "A und B", "A et B"). Not Spanish "y" nor Portuguese "e": they sit inside single names
# ("José Ortega y Gasset").
# A ";" splits only before a space: "AT&amp;T" is one name.
_SPLIT_RE = re.compile(r"\s*(?:[,/]|;(?=\s))\s*(?:(?:and|und|et)\s+)?|\s+(?:and|und|et)\s+", re.IGNORECASE)
# "Dana Reyes | Political editor", "Anna Beck | heise online": a name, then a role or a site.
_TRAILER_RE = re.compile(r"\s+[|•·]\s+.*$")
_URL_RE = re.compile(r"(?:https?:)?//\S*|\bwww\.\S+", re.IGNORECASE)
MAX_PEOPLE = 8  # past this a "byline" is a list of contributors or junk, not a line to print


def _person(piece: str) -> str:
    """One name, cleaned; "" when nothing of a person is left."""
    piece = _EMAIL_RE.sub(" ", piece)
    piece = _SPACE_RE.sub(" ", piece).strip(" \t-–—:·•()[]<>\"'")
    piece = _BY_RE.sub("", piece).strip()
    if not piece or "@" in piece or _COMMENTER_RE.search(piece):
        return ""
    # A name has letters; "2024", "--" or "..." is not one.
    return piece if any(ch.isalpha() for ch in piece) else ""


def split_people(line: str) -> list[str]:
    """The people named in an already-plain line, in order, each once (case-insensitively)."""
    line = _URL_RE.sub(" ", _EMAIL_RE.sub(" ", line))
    line = _BY_RE.sub("", _SPACE_RE.sub(" ", line).strip())
    line = _TRAILER_RE.sub("", line)
    people: list[str] = []
    seen: set[str] = set()
    for piece in _SPLIT_RE.split(line):
        name = _person(piece)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            people.append(name)
    return people


def people_from_raw(values: Iterable[str]) -> list[str]:
    """People from raw feed or page values (each may hold markup and entities): entities
    decoded once, tags dropped, e-mail addresses gone."""
    people: list[str] = []
    for value in values:
        # Addresses first: `Name <dana@example.org>` would otherwise read as a tag.
        plain = _EMAIL_RE.sub(" ", str(value or ""))
        plain = html.unescape(_TAG_RE.sub(" ", plain))
        for name in split_people(plain):
            if name.casefold() not in {p.casefold() for p in people}:
                people.append(name)
    return people


def join_people(people: Iterable[str]) -> str:
    """ "A", "A and B", "A, B and C" (no serial comma: the house style)."""
    names = [name for name in people if name][:MAX_PEOPLE]
    if len(names) <= 1:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + " and " + names[-1]


def from_raw(*values: str) -> str:
    """The byline line for raw values (a feed entry's authors, a page's stated author)."""
    return join_people(people_from_raw(values))


def tidy(stored: str) -> str:
    """A stored byline as printed: e-mail addresses gone, several people joined "A, B and C".
    No entity decoding: stored bylines are plain text (rows from before this module too)."""
    return join_people(split_people(stored or ""))


def choose(*, page: str, feed: str, not_people: Iterable[str] = ()) -> str:
    """The byline to store: the page's own author over the feed's; a name that is only the
    publisher's (`not_people`: the source and site names) is no author."""
    blocked = {name.casefold().strip() for name in not_people if name}
    for line in (page, feed):
        people = [p for p in split_people(line) if p.casefold() not in blocked]
        if people:
            return join_people(people)
    return ""


def staff_line(source_name: str) -> str:
    """What an aggregated story with no author shows: the publisher's staff, not a person."""
    source_name = _SPACE_RE.sub(" ", source_name or "").strip()
    return f"{source_name} staff" if source_name else ""
