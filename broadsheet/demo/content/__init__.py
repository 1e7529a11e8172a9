"""The hand-written demo newsroom: fictional authors and stories from the invented city of Port Alder.

Bodies use a tiny markup so the prose stays readable here: paragraphs are separated by a
blank line, and a paragraph starting with "> " is a pull quote (rendered as <blockquote>).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoAuthor:
    name: str
    slug: str
    bio: str


@dataclass(frozen=True)
class DemoStory:
    section: str  # section slug
    headline: str
    dek: str
    author: str  # author slug
    tags: str  # comma-separated tag names, shared across stories so tag pages fill up
    hours_ago: float  # age at load time: published_at = now - hours_ago
    caption: str  # lead image caption
    body: str
    figure: str = ""  # caption of an inline figure placed after the second paragraph, if any

    @property
    def tag_names(self) -> list[str]:
        return [name.strip() for name in self.tags.split(",") if name.strip()]


AUTHORS: tuple[DemoAuthor, ...] = (
    DemoAuthor(
        "Odessa Finch",
        "odessa-finch",
        "Odessa Finch has covered Port Alder City Hall for eleven years and has sat through more "
        "budget hearings than she will admit to. She grew up in Ferrybridge.",
    ),
    DemoAuthor(
        "Tobias Wren",
        "tobias-wren",
        "Tobias Wren writes about business, the harbour economy and the people who keep the "
        "cranes moving. He was a shipping clerk before he was a reporter.",
    ),
    DemoAuthor(
        "Priya Castellan",
        "priya-castellan",
        "Priya Castellan is the Broadsheet Daily's technology correspondent. She once built a "
        "weather station out of a toaster and still checks its readings.",
    ),
    DemoAuthor(
        "Ines Marlowe",
        "ines-marlowe",
        "Ines Marlowe reports on science, health and the sea. She trained as a marine biologist "
        "and keeps a tide table taped to her monitor.",
    ),
    DemoAuthor(
        "Caleb Juniper",
        "caleb-juniper",
        "Caleb Juniper is the arts editor, reviewing books and films. He reads on the 6:40 ferry "
        "and watches everything with the subtitles on.",
    ),
    DemoAuthor(
        "Rosa Delacroix-Ng",
        "rosa-delacroix-ng",
        "Rosa Delacroix-Ng covers music and television, from basement gigs to season finales. "
        "She plays bass, badly, in a band that has never left the garage.",
    ),
    DemoAuthor(
        "Amos Kettleby",
        "amos-kettleby",
        "Amos Kettleby is a general-assignment reporter who follows national stories home to "
        "Port Alder. He has worked in five newsrooms in four states.",
    ),
    DemoAuthor(
        "Lena Vasquez-Hart",
        "lena-vasquez-hart",
        "Lena Vasquez-Hart writes about food, homes, health and weekends. Her sourdough starter "
        "is older than some of the paper's interns.",
    ),
)


def all_stories() -> list[DemoStory]:
    """Every hand-written story, in no particular order."""
    from broadsheet.demo.content import culture, ideas, living, news

    return [*news.STORIES, *ideas.STORIES, *culture.STORIES, *living.STORIES]
