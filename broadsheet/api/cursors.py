"""Opaque cursors for keyset pagination: a page never counts or offsets into the table."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query

from broadsheet.api.errors import BadRequest
from broadsheet.api.fields import MAX_ID, Text

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_CURSOR_CHARS = 500
# Any time a database could hand us, with a day to spare at each end of Python's range, so
# that applying an offset of up to ±24 h never overflows (0001-01-01T00:00+23:59 would).
EARLIEST = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
LATEST = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)
# Exactly what `datetime.isoformat()` writes for an aware time, and nothing else.
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?[+-]\d{2}:\d{2}")
# Text a database cannot hold (PostgreSQL refuses NUL; UTF-8 has no lone surrogates).
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")

# The query parameters of every paginated list, declared once (`= None`, `= DEFAULT_LIMIT`).
Cursor = Annotated[Text | None, Query(None, max_length=MAX_CURSOR_CHARS, description="From `next`.")]
Limit = Annotated[int, Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)]


def encode(*values: Any) -> str:
    """The position after the last item of a page, as URL-safe text clients pass back as is."""
    raw = json.dumps(list(values), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, *types: type) -> tuple[Any, ...]:
    """The values `encode` packed, checked against `types`; BadRequest for anything else.

    A cursor comes back from the client, so it is input like any other: every value is checked
    to be one `encode` could have written (an aware time within the years the API accepts, an
    id that fits a 64-bit column, text a database can store) before it reaches a query.
    """
    try:
        if len(cursor) > MAX_CURSOR_CHARS:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(types):
            raise ValueError("wrong shape")
        return tuple(_typed(value, kind) for value, kind in zip(values, types, strict=True))
    # OverflowError: a time whose offset cannot be applied; RecursionError: JSON nested too deep.
    except (ValueError, TypeError, OverflowError, RecursionError, binascii.Error) as exc:
        raise BadRequest(
            "This cursor is not one the API gave out: pass `next` back unchanged, or leave it out "
            "to start from the first page.",
            code="invalid_cursor",
        ) from exc


def _typed(value: Any, kind: type) -> Any:
    if kind is dt.datetime:
        if not isinstance(value, str) or not _TIMESTAMP.fullmatch(value):
            raise TypeError("expected an ISO 8601 time with an offset")
        when = dt.datetime.fromisoformat(value)
        # Compared before it is converted: converting 0001-01-01T00:00+23:59 to UTC overflows.
        if not EARLIEST <= when <= LATEST:
            raise ValueError("time out of range")
        # In UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts.
        return when.astimezone(dt.UTC)
    if kind is int:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_ID:
            raise TypeError("expected an id")
        return value
    if kind is str:
        if not isinstance(value, str) or _UNSTORABLE.search(value):
            raise TypeError("expected text")
        return value
    raise TypeError(f"cannot decode {kind.__name__}")


def next_url(request: HttpRequest, cursor: str) -> str:
    """This request's URL with `cursor` replaced: the filters carry over to the next page."""
    params = request.GET.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(params.lists()), doseq=True)}")


def by_slug(
    request: HttpRequest, queryset: Any, cursor: str | None, limit: int
) -> tuple[list[Any], str | None]:
    """One page of a table ordered by its unique slug, and the next page's URL."""
    if cursor:
        (after,) = decode(cursor, str)
        queryset = queryset.filter(slug__gt=after)
    return _page(request, queryset.order_by("slug"), limit, lambda last: (last.slug,))


def newest_first(
    request: HttpRequest, queryset: Any, field: str, cursor: str | None, limit: int
) -> tuple[list[Any], str | None]:
    """One page ordered by the time `field` then id, newest first, and the next page's URL:
    keyset pagination, so every page costs the same, however deep."""
    if cursor:
        after_time, after_id = decode(cursor, dt.datetime, int)
        queryset = queryset.filter(
            Q(**{f"{field}__lt": after_time}) | Q(**{field: after_time, "pk__lt": after_id})
        )
    return _page(
        request,
        queryset.order_by(f"-{field}", "-id"),
        limit,
        lambda last: (getattr(last, field).isoformat(), last.pk),
    )


def _page(
    request: HttpRequest, queryset: Any, limit: int, position: Callable[[Any], tuple[Any, ...]]
) -> tuple[list[Any], str | None]:
    """The first `limit` rows, and a next URL (from the last row's `position`) if more follow."""
    page = list(queryset[: limit + 1])
    if len(page) <= limit:
        return page, None
    page = page[:limit]
    return page, next_url(request, encode(*position(page[-1])))
