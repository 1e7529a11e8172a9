"""Listings read as rows: the home page's river and section blocks, a section's front, related
stories, a tag's page.

Why: with their cards memoised (site/templatetags/chrome.py), a listing needs from each story
only what the card's memo key holds, yet the ORM built three model instances per row and
compiled the listing's queryset on every request (7 ms of a 40-row listing against under
1 ms of SQL). Here the SELECT is compiled once per thread (core/prepared.py), the WHERE is
written by hand as site.related's ranked lists are (the rule for "public" is public_sql), and
the Article instance, with its section, author and picture, is built from the row already
fetched only when a card is not in the memo: no extra query either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Field
from django.http import HttpRequest

from broadsheet.core import clock
from broadsheet.core.prepared import LazyRow, PreparedSelect
from broadsheet.newsroom import querysets
from broadsheet.newsroom.models import Article, printed_byline
from broadsheet.newsroom.querysets import public_sql
from broadsheet.site.pagination import Position, QuerySetListing, Window, paginate_listing

_SELECT = PreparedSelect(Article, lambda: Article.objects.for_listing())


class ArticleRow:
    """One story of a listing: what lists and cards read, straight from the row; anything
    else (a card being rendered) from the Article built from that same row."""

    __slots__ = ("row",)

    def __init__(self, row: LazyRow) -> None:
        self.row = row

    @property
    def instance(self) -> Article:
        found = self.row.instance
        assert isinstance(found, Article)
        return found

    @property
    def pk(self) -> int:
        return int(self.row["id"])

    @property
    def published_at(self) -> Any:
        return self.row["published_at"]

    @property
    def section_id(self) -> int:
        return int(self.row["section_id"])

    @property
    def lead_media_id(self) -> int | None:
        value = self.row["lead_media_id"]
        return None if value is None else int(value)

    @property
    def lead_image(self) -> str:
        # The stored file name: as truthy as the FieldFile the instance would hold.
        return str(self.row["lead_image"] or "")

    @property
    def lead_image_url(self) -> str:
        return str(self.row["lead_image_url"])

    @property
    def is_public(self) -> bool:
        return querysets.is_public(self.row["status"], self.row["published_at"], clock.now())

    @property
    def display_byline(self) -> str:
        row = self.row
        return printed_byline(
            row["byline"],
            lambda: row["author.name"] if row["author_id"] is not None else None,
            row["source_name"],
            row["canonical_url"],
        )

    def card_key(self) -> tuple[Any, ...]:
        """The story's part of a card's memo key, as templatetags.chrome.card_key() makes it
        from an instance: the same tuple, so either path finds the other's card."""
        row = self.row
        image = self.instance.lead_media if row["lead_media_id"] is not None else None
        return (
            image.memo_key if image is not None else None,
            row["id"],
            row["updated_at"],
            row["slug"],
            row["section.slug"],
            row["section.name"],
            self.display_byline,
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self.instance, name)


def _rows(tail: str, params: Sequence[Any]) -> list[ArticleRow]:
    return [ArticleRow(row) for row in _SELECT.rows(tail, params)]


def _column(name: str) -> str:
    field = Article._meta.get_field(name)
    assert isinstance(field, Field) and field.column
    return f"{_SELECT.table()}.{connection.ops.quote_name(field.column)}"


def _public_tail(section: bool, before: bool) -> str:
    """ArticleQuerySet.public_listing([section=…]) after the SELECT: public, newest first,
    [older than a position: the keyset walk of site/pagination.py]."""
    where = public_sql(_column("status"), _column("published_at"), "%s")
    if section:
        where += f" AND {_column('section')} = %s"
    if before:
        # published_at <= t first, so the database walks the date index from t down.
        where += (
            f" AND {_column('published_at')} <= %s"
            f" AND ({_column('published_at')} < %s OR {_column('id')} < %s)"
        )
    order = f"{_column('published_at')} DESC, {_column('id')} DESC"
    return f"WHERE {where} ORDER BY {order} LIMIT %s"


class PublicRows:
    """site.pagination's Listing over the public archive [of one section], read as rows.

    Only `older` (every page's own rows) is on the hot path; where a newer page starts and an
    old ?page=N's start are index-only queries, left to the ORM's QuerySetListing.
    """

    def __init__(self, section_id: int | None = None) -> None:
        self.section_id = section_id

    def older(self, before: Position | None, limit: int) -> list[ArticleRow]:
        # Bound as the ORM binds a DateTimeField's value (on SQLite: naive UTC text).
        adapt = connection.ops.adapt_datetimefield_value
        params: list[Any] = [adapt(clock.now())]
        if self.section_id is not None:
            params.append(self.section_id)
        if before is not None:
            params += [adapt(before.published_at), adapt(before.published_at), before.pk]
        params.append(limit)
        return _rows(_public_tail(self.section_id is not None, before is not None), params)

    def _orm(self) -> QuerySetListing:
        filters = {} if self.section_id is None else {"section_id": self.section_id}
        return QuerySetListing(Article.objects.public_listing(**filters))

    def newer(self, after: Position, limit: int) -> list[Position]:
        return self._orm().newer(after, limit)

    def position_at(self, offset: int) -> Position | None:
        return self._orm().position_at(offset)


def public_window(request: HttpRequest, section_id: int | None = None) -> Window:
    """paginate(request, Article.objects.public_listing([section=…])) as rows."""
    return paginate_listing(request, PublicRows(section_id))


def rows_by_id(ids: Sequence[int], latest_first: bool = False) -> list[ArticleRow]:
    """Article.objects.filter(pk__in=ids).for_listing() as rows ([.latest_first()])."""
    if not ids:
        return []
    tail = f"WHERE {_column('id')} IN ({', '.join(['%s'] * len(ids))})"
    if latest_first:
        tail += f" ORDER BY {_column('published_at')} DESC, {_column('id')} DESC"
    return _rows(tail, list(ids))
