"""QuerySet methods: the one place where rules such as 'what is public' are written."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from broadsheet.core import clock

if TYPE_CHECKING:
    from broadsheet.newsroom.models import Section


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        """Public now: published and due. A future published_at stays hidden until then."""
        return self.filter(status="published", published_at__lte=clock.now())

    def scheduled(self) -> ArticleQuerySet:
        return self.filter(status="published", published_at__gt=clock.now())

    def in_section(self, section: Section | int) -> ArticleQuerySet:
        return self.filter(section=section)

    def latest_first(self) -> ArticleQuerySet:
        return self.order_by("-published_at", "-id")

    def for_listing(self) -> ArticleQuerySet:
        """What a list or card needs, in one query, without the heavy body column."""
        return self.select_related("section", "author").defer("body")

    def public_listing(self, **filters: Any) -> ArticleQuerySet:
        return self.published().filter(**filters).for_listing().latest_first()
