"""The lists a reader can join: the daily digest, one digest per section, breaking news.

Lists are keys, not rows: "daily", "breaking" and "section:<slug>" for every section, so a new
section has its digest without anyone creating a list.
"""

from __future__ import annotations

from dataclasses import dataclass

from broadsheet.newsroom.models import Section

DAILY = "daily"
BREAKING = "breaking"
SECTION_PREFIX = "section:"


@dataclass(frozen=True)
class MailingList:
    key: str
    name: str
    description: str


def section_key(slug: str) -> str:
    return f"{SECTION_PREFIX}{slug}"


def available() -> list[MailingList]:
    """Every list, the general ones first, then a digest per section in menu order."""
    found = [
        MailingList(DAILY, "The daily digest", "The day's top stories, every morning."),
        MailingList(BREAKING, "Breaking news", "An e-mail the moment big news breaks."),
    ]
    for section in Section.objects.order_by("order", "name").only("name", "slug"):
        found.append(
            MailingList(
                section_key(section.slug), f"{section.name} digest", f"The day's {section.name} stories."
            )
        )
    return found


def name_of(key: str) -> str:
    if key == DAILY:
        return "The daily digest"
    if key == BREAKING:
        return "Breaking news"
    if key.startswith(SECTION_PREFIX):
        section = Section.objects.filter(slug=key.removeprefix(SECTION_PREFIX)).first()
        return f"{section.name} digest" if section else key
    return key


def section_slug(key: str) -> str | None:
    return key.removeprefix(SECTION_PREFIX) if key.startswith(SECTION_PREFIX) else None
