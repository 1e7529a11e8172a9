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
from django.http import Http404, HttpRequest

from broadsheet.core import clock
from broadsheet.core.prepared import LazyRow, PreparedSelect
from broadsheet.newsroom import querysets
from broadsheet.newsroom.models import Article, printed_byline
from broadsheet.newsroom.querysets import public_sql
from broadsheet.site.pagination import PER_PAGE, Window, page_number

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


def _public_tail(section: bool) -> str:
    """ArticleQuerySet.public_listing([section=…]) after the SELECT: public, newest first."""
    where = public_sql(_column("status"), _column("published_at"), "%s")
    if section:
        where += f" AND {_column('section')} = %s"
    order = f"{_column('published_at')} DESC, {_column('id')} DESC"
    return f"WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s"


def public_window(request: HttpRequest, section_id: int | None = None) -> Window:
    """paginate(request, Article.objects.public_listing([section=…])) as rows: the requested
    page plus one row to tell whether an older page exists; a page past the end is a 404."""
    number = page_number(request)
    # Bound as the ORM binds a DateTimeField's value (on SQLite: naive UTC text).
    params: list[Any] = [connection.ops.adapt_datetimefield_value(clock.now())]
    if section_id is not None:
        params.append(section_id)
    params += [PER_PAGE + 1, (number - 1) * PER_PAGE]
    rows = _rows(_public_tail(section_id is not None), params)
    if not rows and number > 1:
        raise Http404("No such page.")
    return Window(items=rows[:PER_PAGE], number=number, has_next=len(rows) > PER_PAGE)


def rows_by_id(ids: Sequence[int], latest_first: bool = False) -> list[ArticleRow]:
    """Article.objects.filter(pk__in=ids).for_listing() as rows ([.latest_first()])."""
    if not ids:
        return []
    tail = f"WHERE {_column('id')} IN ({', '.join(['%s'] * len(ids))})"
    if latest_first:
        tail += f" ORDER BY {_column('published_at')} DESC, {_column('id')} DESC"
    return _rows(tail, list(ids))
