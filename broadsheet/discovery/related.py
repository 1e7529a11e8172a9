"""Related stories: the nearest articles by text, precomputed per article into RelatedArticle.

Candidates come from the search index's more-like-this (which scales with the archive); they
are then scored by blending that score with the cosine similarity of the stories' centroids
(the clustering term vectors summed over every version of a story: several wordings of one
event name its topic better than one article does), plus a bonus for the article's own
section, the editors' own topic label. Other versions of the article's own story are left out
(the page links them under "Also covered by …"). Candidates of about the same score are
ordered by section (the article's own first), then by recency. `tests/discovery` scores the
lists against the topic labels of the fixtures (`bench/clustering.py related` prints them).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction

from broadsheet.core import clock
from broadsheet.discovery import vectors
from broadsheet.discovery.models import RelatedArticle, StoryMembership
from broadsheet.newsroom.models import Article
from broadsheet.search.similar import SearchUnavailable, similar

logger = logging.getLogger(__name__)

RELATED_LIMIT = 6
# More-like-this hits weighed per article: enough to fill six after dropping the story's versions.
CANDIDATES = 30
# Scores within one twentieth of the best hit's score count as a tie, broken by section and recency.
SCORE_BUCKETS = 20
# Share of the blended score that comes from the term vectors' cosine (the rest: more-like-this).
VECTOR_SHARE = 0.7
# Added to the scaled score (about 0..1) of a candidate in the article's own section: the
# editors' topic label is a prior on top of the text. At 0.5 a story from another section must
# be about twice as close to outrank one from the article's own (a Lifestyle walking tour that
# mentions the council no longer tops a council budget's Politics neighbours). Measured on AG
# News (bench/related_sections.py, bench/RESULTS.md): same-class precision@6 0.854 at the old
# 0.2, 0.960 at 0.5; with a fifth of stories filed in a wrong section, 0.751 and 0.792 (1.0,
# the section deciding alone, gains nothing more there).
SECTION_BONUS = 0.5


def rank_candidates(
    hits: list[tuple[int, float]],
    rows: dict[int, tuple[int, float, int | None]],
    *,
    section_id: int,
    story_id: int | None,
    limit: int = RELATED_LIMIT,
    section_bonus: float = SECTION_BONUS,
) -> list[tuple[int, float]]:
    """Order more-like-this `hits` for one article. `rows` holds, per public candidate,
    (section id, published_at timestamp, story id); candidates missing from it are not public.
    The own section adds SECTION_BONUS to a candidate's scaled score. Pure, so the ranking rule
    is tested without an index."""
    usable = [
        (pk, score) for pk, score in hits if pk in rows and (story_id is None or rows[pk][2] != story_id)
    ]
    if not usable:
        return []
    top = max(score for _pk, score in usable) or 1.0

    def key(item: tuple[int, float]) -> tuple[int, int, float, int]:
        pk, score = item
        section, published, _story = rows[pk]
        scaled = score / top + (section_bonus if section == section_id else 0.0)
        return (-round(scaled * SCORE_BUCKETS), section != section_id, -published, -pk)

    return sorted(usable, key=key)[:limit]


def blend(
    hits: list[tuple[int, float]], own: vectors.Vector, candidate_vectors: dict[int, vectors.Vector]
) -> list[tuple[int, float]]:
    """More-like-this scores (scaled to the best) blended with term-vector cosine similarity.
    (Scaling the cosines to their best too was tried: it let noise in small cosines decide.)"""
    if not hits:
        return []
    top = max(score for _pk, score in hits) or 1.0
    cosines = vectors.similarities(own, [candidate_vectors.get(pk, {}) for pk, _score in hits])
    return [
        (pk, (1 - VECTOR_SHARE) * score / top + VECTOR_SHARE * cosine)
        for (pk, score), cosine in zip(hits, cosines, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class Candidates:
    """What ranking one article's related list needs, read from the index and the database."""

    section_id: int
    story_id: int | None
    hits: list[tuple[int, float]]  # more-like-this, best first, other versions of the story out
    rows: dict[int, tuple[int, float, int | None]]  # public candidates: section, published, story
    own_vector: vectors.Vector
    candidate_vectors: dict[int, vectors.Vector]


def gather(article_id: int, section_id: int) -> Candidates:
    """The more-like-this hits of a public article and what ranking them needs. Raises
    SearchUnavailable when the index cannot be read."""
    hits = similar(article_id, CANDIDATES)
    own = (
        StoryMembership.objects.filter(article_id=article_id)
        .values_list("story_id", "story__centroid", "terms")
        .first()
    )
    story_id, own_vector = (own[0], own[1] or own[2]) if own else (None, {})
    rows: dict[int, tuple[int, float, int | None]] = {}
    candidate_vectors: dict[int, vectors.Vector] = {}
    for pk, section, published, story, centroid in (
        Article.objects.published()
        .filter(pk__in=[pk for pk, _score in hits])
        .values_list(
            "pk",
            "section_id",
            "published_at",
            "story_membership__story_id",
            "story_membership__story__centroid",
        )
    ):
        rows[pk] = (section, published.timestamp(), story)
        candidate_vectors[pk] = centroid or {}
    # Other versions of the article's own story go before blending: they would set the scale
    # (and the vocabulary's weights) that the other candidates are measured against.
    hits = [(pk, score) for pk, score in hits if pk in rows and (story_id is None or rows[pk][2] != story_id)]
    return Candidates(section_id, story_id, hits, rows, own_vector, candidate_vectors)


def rank(
    found: Candidates, limit: int = RELATED_LIMIT, *, section_bonus: float | None = None
) -> list[tuple[int, float]]:
    """The related list from `found` (`section_bonus`: SECTION_BONUS unless a bench says)."""
    scored = blend(found.hits, found.own_vector, found.candidate_vectors) if found.own_vector else found.hits
    return rank_candidates(
        scored,
        found.rows,
        section_id=found.section_id,
        story_id=found.story_id,
        limit=limit,
        section_bonus=SECTION_BONUS if section_bonus is None else section_bonus,
    )


def compute(article_id: int, limit: int = RELATED_LIMIT) -> int:
    """Recompute the article's related list; returns how many entries it now has. A failing
    index keeps the previous list; an article no longer public loses its list."""
    article = Article.objects.published().filter(pk=article_id).only("id", "section_id").first()
    if article is None:
        RelatedArticle.objects.filter(article_id=article_id).delete()
        return 0
    try:
        found = gather(article_id, article.section_id)
    except SearchUnavailable as exc:
        logger.warning("related for article %s not computed: %s", article_id, exc)
        return RelatedArticle.objects.filter(article_id=article_id).count()
    ranked = rank(found, limit)
    now = clock.now()
    with transaction.atomic():
        RelatedArticle.objects.filter(article_id=article_id).delete()
        RelatedArticle.objects.bulk_create(
            RelatedArticle(article_id=article_id, related_id=pk, rank=position, score=score, computed_at=now)
            for position, (pk, score) in enumerate(ranked, start=1)
        )
    return len(ranked)


def missing_since(since_hours: int, limit: int) -> list[int]:
    """Ids of public articles from the last `since_hours` hours without a related list (their
    task ran before the index had them): newest first, at most `limit`."""
    cutoff = clock.now() - dt.timedelta(hours=since_hours)
    return list(
        Article.objects.published()
        .filter(published_at__gte=cutoff)
        .exclude(pk__in=RelatedArticle.objects.values("article_id"))
        .order_by("-published_at")
        .values_list("pk", flat=True)[:limit]
    )
