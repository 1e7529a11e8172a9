"""Related stories prefer the article's own section: a council budget story (Politics) lists
the Politics stories before a Lifestyle walking tour that shares its words."""

from __future__ import annotations

import datetime as dt

import pytest

from broadsheet.core import clock
from broadsheet.discovery import related, stories
from broadsheet.discovery.models import RelatedArticle
from broadsheet.newsroom.models import Article, Section
from broadsheet.search.index import rebuild

pytestmark = pytest.mark.django_db

BUDGET = (
    "Council budget approved after late-night debate",
    "The city council approved next year's budget of 41 million pounds after a debate that ran "
    "past midnight. Councillors voted 23 to 19 for the plan, which cuts the street lighting "
    "budget, raises parking charges in the old town and sets aside money for the harbour walls. "
    "The council leader said the budget protects care services; the opposition said the town "
    "hall had ignored residents of the old town.",
)
POLITICS = [
    (
        "Opposition tables amendment to council spending plan",
        "Opposition councillors tabled an amendment to the council's spending plan, asking the "
        "leader to reverse cuts to care services and to fund the plan from reserves. The vote on "
        "the amendment is due at the next full council meeting.",
    ),
    (
        "Council tax to rise by 4.9 per cent",
        "Council tax will rise by 4.9 per cent from April, the council confirmed, the most it may "
        "raise without a referendum. The leader said rising care costs left no choice; councillors "
        "in opposition said residents were paying for years of poor decisions.",
    ),
    (
        "Councillors back parking charge review",
        "Councillors voted to review parking charges across the town after traders said higher "
        "fees kept shoppers away. The review will report to the council's cabinet in the summer "
        "and could change charges in the old town.",
    ),
]
LIFESTYLE = [
    (
        "A walking tour of the old town and its town hall",
        "Our walking tour starts at the town hall, where the council has met since 1732, and "
        "follows the old town's lanes past the harbour walls. Guides talk about the council's "
        "history, its budget battles over the street lighting, and the parking charges that "
        "changed the old town's squares. The walk takes two hours; the council's tourist office "
        "sells the map.",
    ),
    (
        "Five cafés to try near the harbour",
        "From a bakery by the harbour walls to a roastery in the old town, five cafés worth a "
        "detour this spring, with opening hours and what to order.",
    ),
]


def publish(section: Section, headline: str, body: str, hours: int) -> Article:
    return Article.objects.create(
        headline=headline,
        slug=f"story-{hours}",
        body=f"<p>{body}</p>",
        section=section,
        status=Article.Status.PUBLISHED,
        published_at=clock.now() - dt.timedelta(hours=hours),
    )


def test_the_own_section_comes_before_a_closer_worded_story_from_another():
    politics = Section.objects.create(name="Politics", slug="politics", order=1)
    lifestyle = Section.objects.create(name="Lifestyle", slug="lifestyle", order=2)
    budget = publish(politics, *BUDGET, hours=1)
    politics_ids = {publish(politics, *story, hours=n).pk for n, story in enumerate(POLITICS, start=2)}
    tour, _cafes = (publish(lifestyle, *story, hours=n).pk for n, story in enumerate(LIFESTYLE, start=10))
    for article in Article.objects.order_by("published_at"):
        stories.assign(article.pk)
    rebuild()
    found = related.gather(budget.pk, politics.pk)
    # On words alone the walking tour is the budget story's nearest neighbour: the case at issue.
    assert related.rank(found, section_bonus=0.0)[0][0] == tour
    assert related.rank(found, section_bonus=0.2)[0][0] == tour  # the old prior was too weak
    related.compute(budget.pk)
    listed = list(
        RelatedArticle.objects.filter(article=budget).order_by("rank").values_list("related_id", flat=True)
    )
    assert set(listed[:3]) == politics_ids
    assert listed.index(tour) == 3


def test_rank_candidates_section_prior():
    """Pure: a candidate from another section needs about twice the scaled score to outrank."""
    rows = {1: (9, 100.0, None), 2: (5, 90.0, None), 3: (5, 80.0, None)}
    hits = [(1, 10.0), (2, 6.0), (3, 4.0)]
    assert [pk for pk, _ in related.rank_candidates(hits, rows, section_id=5, story_id=None)] == [2, 1, 3]
    assert [
        pk for pk, _ in related.rank_candidates(hits, rows, section_id=5, story_id=None, section_bonus=0.2)
    ] == [1, 2, 3]
