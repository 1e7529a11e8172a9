"""Bounded pagination for article lists: no COUNT(*), one extra row tells us there is more."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

PER_PAGE = 20
# Deep OFFSETs get slower with the archive; beyond this the monthly archives are the way in.
MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class Window:
    """One page of a list: its items and whether there is a page before and after it."""

    items: Sequence[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def is_paginated(self) -> bool:
        return self.has_next or self.has_previous


def page_number(request: HttpRequest) -> int:
    """The requested page: anything unparsable or below 1 is page 1; too deep is a 404."""
    raw = request.GET.get("page", "")
    if not raw.isascii() or not raw.isdigit():
        return 1
    # Compare the digits' length first so a 10**20 page never becomes a huge int to compare.
    if len(raw) > len(str(MAX_PAGE)) or int(raw) > MAX_PAGE:
        raise Http404("No such page.")
    return max(int(raw), 1)


def paginate(
    request: HttpRequest, queryset: QuerySet[Any], per_page: int = PER_PAGE, allow_empty_first: bool = True
) -> Window:
    """Fetch the requested page plus one row: the extra row says whether an older page exists.

    A page past the end is a 404, as is an empty first page when `allow_empty_first` is off.
    """
    number = page_number(request)
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    if not rows and (number > 1 or not allow_empty_first):
        raise Http404("No such page.")
    return Window(items=rows[:per_page], number=number, has_next=len(rows) > per_page)


def paginate_ids(
    request: HttpRequest,
    fetch_ids: Callable[[int, int], list[int]],
    rows: Callable[[list[int]], QuerySet[Any]],
) -> Window:
    """paginate() for lists whose order is worked out in SQL of our own: `fetch_ids(offset,
    limit)` returns the page's ids in order, `rows(ids)` loads them. A page past the end is a
    404 (the first page may be empty)."""
    number = page_number(request)
    ids = fetch_ids((number - 1) * PER_PAGE, PER_PAGE + 1)
    if not ids and number > 1:
        raise Http404("No such page.")
    by_id = {item.pk: item for item in rows(ids[:PER_PAGE])}
    return Window(
        items=[by_id[pk] for pk in ids[:PER_PAGE] if pk in by_id], number=number, has_next=len(ids) > PER_PAGE
    )
