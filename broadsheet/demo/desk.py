"""The newsroom's work in progress: drafts, a story waiting for review, one scheduled story.

Each is written by a demo account through newsroom.services with `by=` that user, so the same
permission checks and revisions apply as in the admin, and the dashboard's "My drafts",
"Waiting for review" and "Scheduled" panels have something to show each role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from broadsheet.core import clock
from broadsheet.demo.content import DemoStory
from broadsheet.demo.loader import illustrated_article, render_body, story_slug
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article, Author, Section
from broadsheet.newsroom.roles import AUTHOR, CONTRIBUTOR, EDITOR

# The scheduled story goes live this long after the demo is loaded: long enough to see it in
# the Scheduled panel, short enough to watch it appear on the home page in the first visit.
SCHEDULED_IN = dt.timedelta(minutes=5)

DRAFT = "draft"
REVIEW = "review"
SCHEDULED = "scheduled"


@dataclass(frozen=True)
class DeskStory:
    story: DemoStory
    state: str  # DRAFT, REVIEW or SCHEDULED
    role: str  # the demo account (by role) that writes it


def _story(
    section: str, headline: str, dek: str, author: str, tags: str, caption: str, body: str
) -> DemoStory:
    return DemoStory(section, headline, dek, author, tags, 0, caption, body)


DESK: tuple[DeskStory, ...] = (
    DeskStory(
        _story(
            "us-news",
            "Night ferry returns to the Ferrybridge crossing tonight",
            "After a winter of repairs, the 23:40 sailing is back, with a new heated cabin.",
            "odessa-finch",
            "Ferries, Transport, Ferrybridge",
            "The night ferry Marigold at her berth in Ferrybridge.",
            "The Marigold, the last ferry of the day between Ferrybridge and the city quay, sails "
            "again tonight after four months in dry dock.\n\n"
            "The harbour authority says the hull repairs came in under budget and that the new "
            "heated cabin seats forty.\n\n"
            "> Night-shift workers asked for it at every meeting. Tonight they get it back. — "
            "Harbour authority spokesperson Nell Adair\n\n"
            "Tickets cost the same as the daytime crossing; monthly passes are valid.",
        ),
        SCHEDULED,
        AUTHOR,
    ),
    DeskStory(
        _story(
            "lifestyle",
            "Ten bakeries worth the early alarm",
            "Our readers voted; the queue at number one starts at six.",
            "lena-vasquez-hart",
            "Food, Bakeries, Weekends",
            "Morning loaves cooling at a bakery on Saltmarsh Row.",
            "We asked readers which bakery is worth getting up for. Nearly two thousand of you "
            "answered.\n\n"
            "The winner bakes only four hundred loaves a day and sells out by nine.\n\n"
            "Notes for the editor: photos still to come from the Saltmarsh Row shoot.",
        ),
        REVIEW,
        CONTRIBUTOR,
    ),
    DeskStory(
        _story(
            "music",
            "The Lantern Rooms at twenty: an oral history",
            "Bands, bar staff and neighbours remember the city's smallest big venue.",
            "amos-kettleby",
            "Venues, Local History, Concerts",
            "The Lantern Rooms' stage before doors open.",
            "The Lantern Rooms opened in a former rope store with a borrowed PA and a capacity "
            "of 120.\n\n"
            "Twenty years on, the people who played, poured and complained about the noise tell "
            "its story.\n\n"
            "Draft: interviews with the first three bands still to transcribe.",
        ),
        DRAFT,
        CONTRIBUTOR,
    ),
    DeskStory(
        _story(
            "business",
            "Crane operators and port agree on a new shift pattern",
            "Four-day weeks on the container terminal from March, if the members vote yes.",
            "tobias-wren",
            "Harbour, Jobs, Unions",
            "Gantry cranes at the container terminal at dusk.",
            "The port and the crane operators' union have agreed on a four-day shift pattern for "
            "the container terminal, to be put to members next week.\n\n"
            "Draft: waiting for the union's statement before this goes out.",
        ),
        DRAFT,
        AUTHOR,
    ),
    DeskStory(
        _story(
            "politics",
            "What the council's budget means for your street",
            "Road repairs, library hours and bin collections, district by district.",
            "odessa-finch",
            "City Council, Budget, Ferrybridge",
            "Council chamber during the budget debate.",
            "The council's budget passed on Tuesday night. Here is what it changes in each "
            "district.\n\n"
            "Draft: the district table is still being checked against the published figures.",
        ),
        DRAFT,
        EDITOR,
    ),
)


def _article(desk: DeskStory, section: Section, author: Author | None, user: Any) -> Article:
    return illustrated_article(desk.story, section, author, render_body(desk.story), uploaded_by=user)


def load_desk(users: dict[str, Any], now: dt.datetime | None = None) -> int:
    """Write the desk's stories that are missing (matched by slug) as their demo accounts;
    a story whose account was deleted is left out. Returns how many were written."""
    now = now or clock.now()
    sections = {s.slug: s for s in Section.objects.all()}
    authors = {a.slug: a for a in Author.objects.all()}
    existing = set(
        Article.objects.filter(slug__in=[story_slug(d.story) for d in DESK]).values_list("slug", flat=True)
    )
    written = 0
    for desk in DESK:
        user = users.get(desk.role)
        section = sections.get(desk.story.section)
        if user is None or section is None or story_slug(desk.story) in existing:
            continue
        article = services.save_article(
            _article(desk, section, authors.get(desk.story.author), user), by=user
        )
        if desk.state == REVIEW:
            services.submit_for_review(article, by=user)
        elif desk.state == SCHEDULED:
            services.schedule(article, now + SCHEDULED_IN, by=user)
        written += 1
    return written
