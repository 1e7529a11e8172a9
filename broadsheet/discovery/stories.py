"""Story clusters: online clustering of articles into stories over a sliding window.

A published article is compared with the stories still open around its time (their newest
version at most `WINDOW` away): cosine similarity of its term vector to each story's centroid,
with IDF taken over those stories. It joins the most similar one at or above `THRESHOLD`, or
starts a story of its own. The stories are read through an index on last_published_at, so the
cost of adding an article depends on how many stories the window holds, not on the archive.

Then a merge pass (`merge_duplicates`) looks for stories of the window whose centroids are now
within the threshold of the article's story and merges the younger into the older: on
PostgreSQL two workers filing two versions of one event at the same instant each see no story
and each start one. Merge passes take turns (an advisory lock on PostgreSQL; SQLite has one
writer anyway) and each runs after its own assignment committed, so the later of the two sees
both stories. A merged story's id is kept in StoryRedirect: its page redirects to the survivor.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Min
from django.utils.text import slugify

from broadsheet.core import clock
from broadsheet.core.ranking import Cluster
from broadsheet.core.sanitize import excerpt, strip_tags
from broadsheet.discovery import vectors
from broadsheet.discovery.models import Story, StoryMembership, StoryRedirect
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
# PostgreSQL advisory lock key that makes merge passes take turns (b"bs:merge" as an integer).
MERGE_LOCK_KEY = 0x62733A6D65726765


@dataclass(frozen=True, slots=True)
class Assignment:
    story_id: int  # the story the article ended in, after any merge
    similarity: float
    created: bool  # a new story, not an existing one
    merged: tuple[int, ...] = ()  # ids of stories merged into story_id by this assignment


def article_vector(article: Article) -> vectors.Vector:
    return vectors.article_vector(article.headline, strip_tags(article.dek), strip_tags(article.body))


def window_stories(published_at: dt.datetime, until: dt.datetime | None = None) -> list[Story]:
    """The stories an article published at `published_at` may join (or, with `until`, a story
    spanning `published_at`..`until` may merge with)."""
    return list(
        Story.objects.filter(
            last_published_at__gte=published_at - WINDOW,
            first_published_at__lte=(until or published_at) + WINDOW,
        )
        .only("id", "centroid", "first_published_at")
        .order_by("-last_published_at")[:MAX_CANDIDATES]
    )


def nearest(vector: vectors.Vector, stories: list[Story]) -> tuple[Story | None, float]:
    """The story most similar to `vector` and the similarity (None and 0.0 for no stories)."""
    best: Story | None = None
    best_score = 0.0
    for story, score in zip(
        stories, vectors.similarities(vector, [s.centroid for s in stories]), strict=True
    ):
        if score > best_score:
            best, best_score = story, score
    return best, best_score


def assign(article_id: int, threshold: float = THRESHOLD) -> Assignment | None:
    """Put a published (or scheduled) article into a story, then merge that story with any
    twin (see `merge_duplicates`); drop the article from its story when it is not public.
    Idempotent: an article already in a story stays there, with its vector refreshed."""
    with transaction.atomic():
        article = Article.objects.filter(pk=article_id, status=Article.Status.PUBLISHED).first()
        if article is None or article.published_at is None:
            remove(article_id)
            return None
        vector = article_vector(article)
        current = (
            StoryMembership.objects.filter(article_id=article_id).values_list("story_id", flat=True).first()
        )
        if current is not None:
            # The story row is locked before the membership, in the order a merge locks them.
            _lock_story(current)
            membership = StoryMembership.objects.select_for_update().get(article_id=article_id)
            membership.terms = vector
            membership.published_at = article.published_at
            membership.save(update_fields=["terms", "published_at"])
            story_id, similarity, created = membership.story_id, membership.similarity, False
            rebuild(story_id)
        else:
            candidate, similarity = nearest(vector, window_stories(article.published_at))
            story = _lock_story(candidate.pk) if candidate is not None and similarity >= threshold else None
            created = story is None
            if story is None:
                story = Story.objects.create(
                    headline=article.headline,
                    slug=_slug(article.headline),
                    first_published_at=article.published_at,
                    last_published_at=article.published_at,
                )
                similarity = 1.0
            StoryMembership.objects.create(
                story=story,
                article=article,
                published_at=article.published_at,
                similarity=similarity,
                terms=vector,
            )
            story_id = story.pk
            if created:
                rebuild(story_id)
            else:
                _join(story, vector, article)
    story_id, merged = merge_duplicates(story_id, threshold)
    _announce(story_id, article_id)
    logger.debug("article %s in story %s (similarity %.2f)", article_id, story_id, similarity)
    return Assignment(story_id, similarity, created, tuple(merged))


def _lock_story(story_id: int) -> Story | None:
    """Lock a story's row for this transaction, following a merge that removed it since it was
    read; None when it is gone altogether."""
    for _hop in range(3):
        story = Story.objects.select_for_update().filter(pk=story_id).first()
        if story is not None:
            return story
        survivor = StoryRedirect.objects.filter(old_id=story_id).values_list("story_id", flat=True).first()
        if survivor is None:
            return None
        story_id = survivor
    return None


def _join(story: Story, vector: vectors.Vector, article: Article) -> None:
    """Add a version to a story (its row locked by the caller) in place: the centroid gains its
    vector, the counts one (sources by one DISTINCT query over source names, the site's own
    being ""), the span widens. Costs the same whatever the story's size."""
    assert article.published_at is not None
    story.centroid = vectors.add(story.centroid, vector)
    story.article_count += 1
    story.source_count = _source_count(story.pk)
    if article.published_at < story.first_published_at:
        story.first_published_at = article.published_at
        story.headline, story.slug = article.headline, _slug(article.headline)
    story.last_published_at = max(story.last_published_at, article.published_at)
    story.save()


def _source_count(story_id: int) -> int:
    return (
        StoryMembership.objects.filter(story_id=story_id, article__isnull=False)
        .values("article__source_name")
        .distinct()
        .count()
    )


def merge_duplicates(story_id: int, threshold: float = THRESHOLD) -> tuple[int, list[int]]:
    """Merge the story with every story of its window whose centroid is within `threshold` of
    its own: the younger ones (later first report) go into the oldest, which keeps its id.
    Returns the surviving story's id and the ids merged into it. Runs in its own transaction,
    after the assignment committed, in the task path only (never while a page is served)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [MERGE_LOCK_KEY])
        story = _live(story_id)
        if story is None:
            return story_id, []
        others = [
            s for s in window_stories(story.first_published_at, story.last_published_at) if s.pk != story.pk
        ]
        scores = vectors.similarities(story.centroid, [s.centroid for s in others])
        twins = [s.pk for s, score in zip(others, scores, strict=True) if score >= threshold]
        if not twins:
            return story.pk, []
        group = list(Story.objects.select_for_update().filter(pk__in=[story.pk, *twins]).order_by("pk"))
        if len(group) < 2:  # the twins were deleted since the window was read
            return story.pk, []
        group.sort(key=lambda s: (s.first_published_at, s.pk))
        survivor, merged = group[0], group[1:]
        merged_ids = [s.pk for s in merged]
        # The merged stories' pages (they now redirect) and their earliest versions' pages.
        pages = {s.pk: story_paths(s.pk) for s in merged}
        StoryMembership.objects.filter(story_id__in=merged_ids).update(story_id=survivor.pk)
        StoryRedirect.objects.filter(story_id__in=merged_ids).update(story_id=survivor.pk)
        StoryRedirect.objects.bulk_create(
            StoryRedirect(old_id=pk, story_id=survivor.pk, merged_at=clock.now()) for pk in merged_ids
        )
        Story.objects.filter(pk__in=merged_ids).delete()
        # In place, as `_join` does, so a merge into a big story costs what a join does. The
        # survivor has the earliest report: its headline and start stand.
        for other in merged:
            survivor.centroid = vectors.add(survivor.centroid, other.centroid)
            survivor.article_count += other.article_count
            survivor.last_published_at = max(survivor.last_published_at, other.last_published_at)
        survivor.source_count = _source_count(survivor.pk)
        survivor.save()
        logger.info("stories %s merged into story %s", merged_ids, survivor.pk)
        for merged_id, paths in pages.items():
            transaction.on_commit(
                functools.partial(story_changed.send, Story, story_id=merged_id, paths=paths)
            )
    return survivor.pk, merged_ids


def _live(story_id: int) -> Story | None:
    """The story, or the one it was merged into; None when it was deleted."""
    story = (
        Story.objects.filter(pk=story_id)
        .only("id", "centroid", "first_published_at", "last_published_at")
        .first()
    )
    if story is not None:
        return story
    survivor = StoryRedirect.objects.filter(old_id=story_id).values_list("story_id", flat=True).first()
    if survivor is None:
        return None
    return (
        Story.objects.filter(pk=survivor)
        .only("id", "centroid", "first_published_at", "last_published_at")
        .first()
    )


def find(story_id: int) -> Story | None:
    """The story a page asks for by id: the story itself, or the one it was merged into (the
    page then redirects there); None for no such story."""
    story = Story.objects.filter(pk=story_id).first()
    if story is not None:
        return story
    return Story.objects.filter(redirects_from__old_id=story_id).first()


def remove(article_id: int) -> list[int]:
    """Take the article (and any deleted article's leftover row) out of its story. Returns the
    ids of the stories that changed."""
    with transaction.atomic():
        doomed = StoryMembership.objects.filter(article_id=article_id) | StoryMembership.objects.filter(
            article__isnull=True
        )
        story_ids = sorted(set(doomed.values_list("story_id", flat=True)))
        # Story rows before membership rows, in id order, as a merge locks them.
        list(Story.objects.select_for_update().filter(pk__in=story_ids).order_by("pk").values_list("pk"))
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


def clusters_of(article_ids: Sequence[int], limit: int = COVERAGE_LIMIT) -> dict[int, Cluster]:
    """The story of each of the articles that has other versions, for a ranking outside
    discovery (the digest asks through core.ranking): its id, how many sources told it and
    the other publishers' names, earliest first, at most `limit`. Two queries."""
    members = list(
        StoryMembership.objects.filter(article_id__in=article_ids, story__article_count__gte=2).values_list(
            "article_id", "story_id", "story__source_count", "article__source_name", "article__canonical_url"
        )
    )
    if not members:
        return {}
    publishers: dict[int, list[str]] = {}
    rows = (
        Article.objects.published()
        .filter(story_membership__story_id__in={story_id for _, story_id, *_ in members})
        .exclude(canonical_url__isnull=True)
        .exclude(source_name="")
        .values("story_membership__story_id", "source_name")
        .annotate(first=Min("published_at"))
        .order_by("first", "source_name")
        .values_list("story_membership__story_id", "source_name")
    )
    for story_id, name in rows:
        publishers.setdefault(story_id, []).append(name)
    found = {}
    for article_id, story_id, sources, source_name, canonical_url in members:
        own = source_name if canonical_url else ""
        others = tuple(name for name in publishers.get(story_id, ()) if name != own)[:limit]
        found[article_id] = Cluster(key=story_id, sources=sources, others=others)
    return found
