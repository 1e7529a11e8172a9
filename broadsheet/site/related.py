"""Related stories for an article page, and the latest stories per section for the home page."""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q

from broadsheet.newsroom.models import Article, Section

# How many of the section's newest stories are weighed for relatedness. It bounds the work
# per article page whatever the archive size: an index walk of this many rows, no more.
CANDIDATES = 60


def related_articles(article: Article, limit: int = 6) -> list[Article]:
    """Up to `limit` public stories from the article's section, those sharing a tag first,
    then newest first; never the article itself. One query."""
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
    return list(
        Article.objects.filter(pk__in=candidates)
        .for_listing()
        .annotate(shares_tag=shares_tag)
        .order_by("-shares_tag", "-published_at", "-id")[:limit]
    )


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
