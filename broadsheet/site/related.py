"""Related stories for an article page, and the latest stories per section for the home page."""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce
from operator import or_

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q

from broadsheet.discovery.models import RelatedArticle
from broadsheet.newsroom.models import Article, Section

# How many of the section's newest stories are weighed for relatedness. It bounds the work
# per article page whatever the archive size: an index walk of this many rows, no more.
CANDIDATES = 60
# The most entries discovery precomputes per article (discovery.related.RELATED_LIMIT).
PRECOMPUTED_MAX = 6


def related_articles(article: Article, limit: int = 6) -> list[Article]:
    """The list discovery computed when the article was published (nearest by text, other
    stories first), topped up (or, until it exists, replaced) by the article's section's
    stories, those sharing a tag first, then newest first; never the article itself. One query:
    the precomputed rows join in through a filtered LEFT JOIN on (related, article)."""
    entry = FilteredRelation("related_from", condition=Q(related_from__article_id=article.pk))
    candidates = (
        Article.objects.published()
        .in_section(article.section_id)
        .exclude(pk=article.pk)
        .latest_first()
        .values("pk")[:CANDIDATES]
    )
    through = Article.tags.through
    shares_tag = Exists(
        through.objects.filter(
            article_id=OuterRef("pk"),
            tag_id__in=through.objects.filter(article_id=article.pk).values("tag_id"),
        )
    )
    # Two small id lists, looked up by primary key. The precomputed list is checked for
    # withdrawn stories here rather than in SQL, where the check would make the database walk
    # the archive-sized status index; over-fetching by its length keeps `limit` public rows.
    precomputed = RelatedArticle.objects.filter(article_id=article.pk).values("related_id")
    rows = (
        Article.objects.annotate(entry=entry)
        .filter(Q(pk__in=precomputed) | Q(pk__in=candidates))
        .exclude(pk=article.pk)
        .for_listing()
        .annotate(shares_tag=shares_tag)
        .order_by(F("entry__rank").asc(nulls_last=True), "-shares_tag", "-published_at", "-id")
    )
    return [a for a in rows[: limit + PRECOMPUTED_MAX] if a.is_public][:limit]


def latest_by_section(sections: Sequence[Section], per_section: int = 4) -> dict[int, list[Article]]:
    """The newest `per_section` public stories of each section, keyed by section id.

    One query: an OR of small per-section IN (… LIMIT n) subqueries, each an index walk on
    (section, status, published_at). SQLite cannot put LIMIT inside a UNION, so no UNION.
    """
    grouped: dict[int, list[Article]] = {s.pk: [] for s in sections}
    if not sections:
        return grouped
    published = Article.objects.published()
    picks = [Q(pk__in=published.in_section(s.pk).latest_first().values("pk")[:per_section]) for s in sections]
    for item in Article.objects.filter(reduce(or_, picks)).for_listing().latest_first():
        grouped[item.section_id].append(item)
    return grouped
