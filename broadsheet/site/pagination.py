"""Keyset pagination for article lists: every page costs what the first costs, however deep.

A list is newest first, ordered by (published_at, id). The link to older stories carries the
last story's position, `?before=20261203T101500.123456Z.98765` (UTC time, then id: equal times
are told apart by id), and the next page is the stories after that position: an index walk of
one page, never an OFFSET over the pages before it (page 50 of a section at a million stories
walked 1,000 index entries with OFFSET: p99 75 ms). No COUNT(*): one extra row says there is
more. A `before` page is stable: stories published later go on the first page, not into it,
so its URL is its canonical URL and a cache entry for it stays right.

Old `?page=N` URLs still answer with the page they always showed: its start is found by an
OFFSET over the index alone (published_at and id, no rows read), then it is read as above.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import dateformat, timezone

PER_PAGE = 20
# Old ?page=N links are answered up to here; cursor links (`before`) go as deep as the archive.
MAX_PAGE = 500
CURSOR_PARAM = "before"
# Exactly what encode_cursor writes: UTC time to the second, microseconds when there are
# any, "Z", then the id (at most 18 digits: it fits a 64-bit column).
_CURSOR = re.compile(r"(\d{8}T\d{6})(?:\.(\d{6}))?Z\.([1-9]\d{0,17})")


class Position(NamedTuple):
    """Where a story sits in a newest-first list."""

    published_at: dt.datetime
    pk: int


def encode_cursor(position: Position) -> str:
    when = position.published_at.astimezone(dt.UTC)
    fraction = f".{when.microsecond:06d}" if when.microsecond else ""
    # The year by hand: strftime's %Y drops leading zeros on some platforms (year 1 is "1").
    return f"{when.year:04d}{when:%m%dT%H%M%S}{fraction}Z.{position.pk}"


def decode_cursor(raw: str) -> Position:
    """The position a cursor names; a 404 for anything encode_cursor could not have written
    (a list link that was never given out is a page that does not exist)."""
    found = _CURSOR.fullmatch(raw) if raw.isascii() else None
    if found is None:
        raise Http404("This page link is not valid: start from the first page.")
    stamp, micro, pk = found.groups()
    try:
        when = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S").replace(
            microsecond=int(micro or 0), tzinfo=dt.UTC
        )
    except ValueError as exc:  # 20261399T…: digits in the right places, no such date
        raise Http404("This page link is not valid: start from the first page.") from exc
    return Position(when, int(pk))


def position_of(item: Any) -> Position:
    return Position(item.published_at, item.pk)


class Listing(Protocol):
    """A newest-first list that can be read from a position, in either direction."""

    def older(self, before: Position | None, limit: int) -> list[Any]:
        """The first `limit` items strictly older than `before` (or the newest), newest first."""
        ...

    def newer(self, after: Position, limit: int) -> list[Position]:
        """The positions of the first `limit` items strictly newer than `after`, oldest first."""
        ...

    def position_at(self, offset: int) -> Position | None:
        """The position of the item `offset` places from the newest (None past the end)."""
        ...


@dataclass(frozen=True, slots=True)
class QuerySetListing:
    """A listing over a queryset of articles (public_listing()): the ORM writes each query."""

    queryset: QuerySet[Any]

    def older(self, before: Position | None, limit: int) -> list[Any]:
        rows = self.queryset
        if before is not None:
            # published_at <= t first, so the database walks the date index from t down.
            rows = rows.filter(published_at__lte=before.published_at).filter(
                Q(published_at__lt=before.published_at) | Q(pk__lt=before.pk)
            )
        return list(rows.order_by("-published_at", "-pk")[:limit])

    def newer(self, after: Position, limit: int) -> list[Position]:
        rows = (
            self.queryset.filter(published_at__gte=after.published_at)
            .filter(Q(published_at__gt=after.published_at) | Q(pk__gt=after.pk))
            .order_by("published_at", "pk")
            .values_list("published_at", "pk")[:limit]
        )
        return [Position(*row) for row in rows]

    def position_at(self, offset: int) -> Position | None:
        rows = self.queryset.order_by("-published_at", "-pk").values_list("published_at", "pk")
        found = rows[offset : offset + 1]
        return Position(*found[0]) if found else None


@dataclass(frozen=True, slots=True)
class Window:
    """One page of a list: its items, and the query strings of the pages around it.

    `number` is the page number where it is known (the first page, an old ?page=N link);
    a page reached by a cursor has none. `older_query` is "" when there is no older page;
    `newer_query` is None when there is no newer page and "" when the newer page is the first.
    """

    items: Sequence[Any]
    number: int | None
    older_query: str
    newer_query: str | None

    @property
    def has_next(self) -> bool:
        return bool(self.older_query)

    @property
    def has_previous(self) -> bool:
        return self.newer_query is not None

    @property
    def is_paginated(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def caption(self) -> str:
        """What sets this page apart in its title: "" (the first page), "page 3", or, for a
        cursor page, the local day of its newest story ("from 3 December 2026")."""
        if self.number == 1:
            return ""
        if self.number is not None:
            return f"page {self.number}"
        newest = timezone.localtime(self.items[0].published_at)
        return f"from {dateformat.format(newest, 'j F Y')}"


def page_number(request: HttpRequest) -> int:
    """The requested ?page=N: anything unparsable or below 1 is page 1; too deep is a 404."""
    raw = request.GET.get("page", "")
    if not raw.isascii() or not raw.isdigit():
        return 1
    # Compare the digits' length first so a 10**20 page never becomes a huge int to compare.
    if len(raw) > len(str(MAX_PAGE)) or int(raw) > MAX_PAGE:
        raise Http404("No such page.")
    return max(int(raw), 1)


def _cursor_query(position: Position) -> str:
    return f"?{CURSOR_PARAM}={encode_cursor(position)}"


def paginate_listing(request: HttpRequest, listing: Listing, allow_empty_first: bool = True) -> Window:
    """The requested page of `listing`: `?before=<cursor>`, an old `?page=N`, or the first.

    Two queries on any page but the first (which needs one): the page plus one row, and the
    positions of up to a page plus one newer stories, which say where the newer page starts.
    An empty page is a 404, except the first when `allow_empty_first` (a section without
    stories yet).
    """
    number: int | None
    raw = request.GET.get(CURSOR_PARAM)
    if raw is not None:
        number, start = None, decode_cursor(raw)
    else:
        number, start = page_number(request), None
        if number > 1:
            # The last story of the page before: an index-only OFFSET, no rows read.
            start = listing.position_at((number - 1) * PER_PAGE - 1)
            if start is None:
                raise Http404("No such page.")
    rows = listing.older(start, PER_PAGE + 1)
    if not rows and (start is not None or not allow_empty_first):
        raise Http404("No such page.")
    items = rows[:PER_PAGE]
    older = _cursor_query(position_of(items[-1])) if len(rows) > PER_PAGE else ""
    newer: str | None = None
    if start is not None:
        above = listing.newer(position_of(items[0]), PER_PAGE + 1)
        if len(above) > PER_PAGE:
            # The newer page is the PER_PAGE stories just above this one: those before the
            # story one further up.
            newer = _cursor_query(above[PER_PAGE])
        elif above:
            newer = ""  # fewer than a page above: the newer page is the first page
        else:
            number = 1  # nothing newer any more (stories withdrawn): this is the first page
    return Window(items=items, number=number, older_query=older, newer_query=newer)


def paginate(request: HttpRequest, queryset: QuerySet[Any], allow_empty_first: bool = True) -> Window:
    """paginate_listing() over a queryset of articles, newest first."""
    return paginate_listing(request, QuerySetListing(queryset), allow_empty_first)


@dataclass(frozen=True, slots=True)
class IdListing:
    """A listing whose order is worked out in SQL of our own (site.related's tag pages):
    `fetch(before, after, limit, offset)` returns (published_at, id) rows; `rows(ids)` loads
    the items (a queryset, or a list such as listing.rows_by_id's: anything with .pk)."""

    fetch: Callable[[Position | None, Position | None, int, int], list[tuple[dt.datetime, int]]]
    rows: Callable[[list[int]], Iterable[Any]]

    def older(self, before: Position | None, limit: int) -> list[Any]:
        ids = [pk for _when, pk in self.fetch(before, None, limit, 0)]
        by_id = {item.pk: item for item in self.rows(ids)}
        return [by_id[pk] for pk in ids if pk in by_id]

    def newer(self, after: Position, limit: int) -> list[Position]:
        return [Position(*row) for row in self.fetch(None, after, limit, 0)]

    def position_at(self, offset: int) -> Position | None:
        found = self.fetch(None, None, 1, offset)
        return Position(*found[0]) if found else None
