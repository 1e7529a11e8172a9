"""QuerySet methods: the one place where rules such as 'what is public' are written."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models

from broadsheet.core import clock

if TYPE_CHECKING:
    from broadsheet.newsroom.models import Section

# Article.Status.PUBLISHED, spelt here because models imports this module.
PUBLISHED = "published"

# The rule for "public" is ArticleQuerySet.published(). Two places cannot call it and restate
# it instead: is_public() below, for an article already in hand, and public_sql(), for SQL
# written by hand (site.related, site.listing). tests/newsroom/test_public_rule.py holds every restatement,
# and every caller of one, to the queryset's answer over a table of cases, on each database.


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        """Public now: published and due. A future published_at stays hidden until then, and
        an undated one (status published, published_at NULL) is never public."""
        return self.filter(status=PUBLISHED, published_at__lte=clock.now())

    def scheduled(self) -> ArticleQuerySet:
        return self.filter(status=PUBLISHED, published_at__gt=clock.now())

    def in_section(self, section: Section | int) -> ArticleQuerySet:
        return self.filter(section=section)

    def latest_first(self) -> ArticleQuerySet:
        return self.order_by("-published_at", "-id")

    def for_listing(self) -> ArticleQuerySet:
        """What a list or card needs, in one query, without the heavy body column."""
        return self.select_related("section", "author", "lead_media").defer("body")

    def public_listing(self, **filters: Any) -> ArticleQuerySet:
        return self.published().filter(**filters).for_listing().latest_first()

    def count_by_section(self) -> dict[int, int]:
        """{section id: how many of these articles}, in one GROUP BY; empty sections absent."""
        return dict(
            self.order_by().values("section_id").annotate(n=models.Count("id")).values_list("section_id", "n")
        )


def is_public(status: str, published_at: dt.datetime | None, now: dt.datetime) -> bool:
    """ArticleQuerySet.published() for one article in hand, without a query."""
    return status == PUBLISHED and published_at is not None and published_at <= now


def public_sql(status: str, published_at: str, now: str) -> str:
    """ArticleQuerySet.published() as a SQL condition, for queries written by hand: `status`
    and `published_at` are the (quoted, perhaps qualified) columns, `now` the placeholder the
    caller binds to clock.now(). NULL <= now is not true, so an undated row is left out, as
    the queryset leaves it out."""
    return f"{status} = '{PUBLISHED}' AND {published_at} <= {now}"
