"""Story clusters: online clustering of articles into stories over a sliding window.

A published article is compared with the stories still open around its time (their newest
version at most `WINDOW` away): cosine similarity of its term vector to each story's centroid,
with IDF taken over those stories. It joins the most similar one at or above `THRESHOLD`, or
starts a story of its own. The stories are read through an index on last_published_at, so the
cost of adding an article depends on how many stories the window holds, not on the archive.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from broadsheet.core.sanitize import excerpt, strip_tags
from broadsheet.discovery import vectors
from broadsheet.discovery.models import Story, StoryMembership
from broadsheet.discovery.signals import story_changed
from broadsheet.newsroom.models import Article

logger = logging.getLogger(__name__)

WINDOW = dt.timedelta(hours=72)
# Tuned on tests/fixtures/discovery (bench/clustering.py sweeps it): similarity to join a story.
THRESHOLD = 0.35
# A safety cap on the stories compared, newest first, should a window ever hold more.
MAX_CANDIDATES = 20_000
SLUG_CHARS = 100
# "Also covered by …" names at most this many other versions; the story page lists them all.
COVERAGE_LIMIT = 8
EXCERPT_CHARS = 220


@dataclass(frozen=True, slots=True)
class Assignment:
    story_id: int
    similarity: float
    created: bool  # a new story, not an existing one


def article_vector(article: Article) -> vectors.Vector:
    return vectors.article_vector(article.headline, strip_tags(article.dek), strip_tags(article.body))


def window_stories(published_at: dt.datetime) -> list[Story]:
    """The stories an article published at `published_at` may join."""
    return list(
        Story.objects.filter(
            last_published_at__gte=published_at - WINDOW, first_published_at__lte=published_at + WINDOW
        )
        .only("id", "centroid")
        .order_by("-last_published_at")[:MAX_CANDIDATES]
    )


def nearest(vector: vectors.Vector, stories: list[Story]) -> tuple[Story | None, float]:
    """The story most similar to `vector` and the similarity (None and 0.0 for no stories)."""
    frequencies, documents = vectors.idf([vector, *(s.centroid for s in stories)])
    best: Story | None = None
    best_score = 0.0
    for story in stories:
        score = vectors.cosine(vector, story.centroid, frequencies, documents)
        if score > best_score:
            best, best_score = story, score
    return best, best_score


def assign(article_id: int, threshold: float = THRESHOLD) -> Assignment | None:
    """Put a published (or scheduled) article into a story; drop it from its story otherwise.
    Idempotent: an article already in a story stays there, with its vector refreshed."""
    with transaction.atomic():
        article = Article.objects.filter(pk=article_id, status=Article.Status.PUBLISHED).first()
        if article is None or article.published_at is None:
            remove(article_id)
            return None
        vector = article_vector(article)
        membership = StoryMembership.objects.select_for_update().filter(article_id=article_id).first()
        if membership is not None:
            membership.terms = vector
            membership.published_at = article.published_at
            membership.save(update_fields=["terms", "published_at"])
            story_id, similarity, created = membership.story_id, membership.similarity, False
        else:
            story, similarity = nearest(vector, window_stories(article.published_at))
            created = story is None or similarity < threshold
            if created:
                story = Story.objects.create(
                    headline=article.headline,
                    slug=_slug(article.headline),
                    first_published_at=article.published_at,
                    last_published_at=article.published_at,
                )
                similarity = 1.0
            assert story is not None
            StoryMembership.objects.create(
                story=story,
                article=article,
                published_at=article.published_at,
                similarity=similarity,
                terms=vector,
            )
            story_id = story.pk
            if not created:
                _join(story, vector, article)
        if membership is not None or created:
            rebuild(story_id)
    _announce(story_id, article_id)
    logger.debug("article %s in story %s (similarity %.2f)", article_id, story_id, similarity)
    return Assignment(story_id, similarity, created)


def _join(story: Story, vector: vectors.Vector, article: Article) -> None:
    """Add a version to a story in place: the centroid gains its vector, the counts one
    (sources by one DISTINCT query over source names, the site's own being ""), the span widens. Costs the same whatever the story's size."""
    assert article.published_at is not None
    story = Story.objects.select_for_update().get(pk=story.pk)
    story.centroid = vectors.add(story.centroid, vector)
    story.article_count += 1
    story.source_count = (
        StoryMembership.objects.filter(story_id=story.pk, article__isnull=False)
        .values("article__source_name")
        .distinct()
        .count()
    )
    if article.published_at < story.first_published_at:
        story.first_published_at = article.published_at
        story.headline, story.slug = article.headline, _slug(article.headline)
    story.last_published_at = max(story.last_published_at, article.published_at)
    story.save()


def remove(article_id: int) -> list[int]:
    """Take the article (and any deleted article's leftover row) out of its story. Returns the
    ids of the stories that changed."""
    with transaction.atomic():
        doomed = StoryMembership.objects.filter(article_id=article_id) | StoryMembership.objects.filter(
            article__isnull=True
        )
        story_ids = sorted(set(doomed.values_list("story_id", flat=True)))
        doomed.delete()
        for story_id in story_ids:
            rebuild(story_id)
    for story_id in story_ids:
        _announce(story_id)
    return story_ids


def rebuild(story_id: int) -> None:
    """Recompute a story's centroid, counts, span and headline from its members (bounded by the
    story's size); delete it when none is left."""
    members = list(
        StoryMembership.objects.filter(story_id=story_id, article__isnull=False)
        .select_related("article")
        .only("terms", "published_at", "article__headline", "article__source_name", "article__canonical_url")
        .order_by("published_at", "article_id")
    )
    if not members:
        Story.objects.filter(pk=story_id).delete()
        return
    centroid: vectors.Vector = {}
    for member in members:
        centroid = vectors.add(centroid, member.terms)
    first = members[0]
    assert first.article is not None
    Story.objects.filter(pk=story_id).update(
        headline=first.article.headline,
        slug=_slug(first.article.headline),
        first_published_at=first.published_at,
        last_published_at=members[-1].published_at,
        article_count=len(members),
        source_count=len({source_key(m.article) for m in members if m.article is not None}),
        centroid=centroid,
    )


def source_key(article: Article) -> str:
    """Who published a version: the source's name, or "" for the site's own journalism."""
    return article.source_name if article.canonical_url else ""


def _slug(headline: str) -> str:
    return slugify(headline)[:SLUG_CHARS].strip("-") or "story"


def story_paths(story_id: int, article_id: int | None = None) -> list[str]:
    """The public pages whose story links change: the story page, the pages of the earliest
    versions (their "Also covered by" lists name the first few others) and the changed
    article's. Later versions' pages only show a "(N more)" count, which may lag by the page
    cache's TTL: purging every version would make a big story's update cost its size."""
    story = Story.objects.filter(pk=story_id).only("id", "slug").first()
    if story is None:
        return []
    members = Article.objects.filter(story_membership__story_id=story_id).select_related("section")
    earliest = members.order_by("story_membership__published_at")[: COVERAGE_LIMIT + 1]
    chosen = list(earliest.only("slug", "section__slug"))
    if article_id is not None:
        chosen.extend(members.filter(pk=article_id).only("slug", "section__slug"))
    return [story.get_absolute_url(), *sorted({a.get_absolute_url() for a in chosen})]


def _announce(story_id: int, article_id: int | None = None) -> None:
    paths = story_paths(story_id, article_id)
    transaction.on_commit(lambda: story_changed.send(sender=Story, story_id=story_id, paths=paths))


# -- reading (pages) ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Version:
    article: Article
    source: str  # the source's name, "" for the site's own
    excerpt: str
    earliest: bool


@dataclass(frozen=True, slots=True)
class Coverage:
    """What an article page shows under "Also covered by …"."""

    story: Story
    others: list[Article]

    @property
    def more(self) -> int:
        return max(self.story.article_count - 1 - len(self.others), 0)


def coverage(article: Article, limit: int = COVERAGE_LIMIT) -> Coverage | None:
    """The other public versions of the article's story, earliest first. Load the article with
    select_related("story_membership__story"): then an article alone in its story (or in none)
    costs no query, and one with other versions one indexed query."""
    try:
        membership = article.story_membership
    except StoryMembership.DoesNotExist:
        return None
    if membership.story.article_count < 2:
        return None
    others = list(
        Article.objects.published()
        .filter(story_membership__story_id=membership.story_id)
        .exclude(pk=article.pk)
        .select_related("section")
        .defer("body")
        .order_by("published_at", "id")[:limit]
    )
    if not others:
        return None
    return Coverage(story=membership.story, others=others)


def timeline(story: Story) -> list[Version]:
    """Every public version of a story, earliest first, the first one marked."""
    articles = list(
        Article.objects.published()
        .filter(story_membership__story=story)
        .select_related("section", "author")
        .order_by("published_at", "id")
    )
    return [
        Version(
            article=a,
            source=a.source_name if a.canonical_url else "",
            excerpt=excerpt(a.dek or a.body, EXCERPT_CHARS),
            earliest=i == 0,
        )
        for i, a in enumerate(articles)
    ]
