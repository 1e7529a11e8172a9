"""Opaque cursors for keyset pagination: a page never counts or offsets into the table."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest

from broadsheet.api.errors import BadRequest

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_CURSOR_CHARS = 500


def encode(*values: Any) -> str:
    """The position after the last item of a page, as URL-safe text clients pass back as is."""
    raw = json.dumps(list(values), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, *types: type) -> tuple[Any, ...]:
    """The values `encode` packed, checked against `types`; BadRequest for anything else."""
    try:
        if len(cursor) > MAX_CURSOR_CHARS:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(types):
            raise ValueError("wrong shape")
        return tuple(_typed(value, kind) for value, kind in zip(values, types, strict=True))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadRequest("This cursor is not one the API gave out.", code="invalid_cursor") from exc


def _typed(value: Any, kind: type) -> Any:
    if kind is dt.datetime:
        if not isinstance(value, str):
            raise TypeError("expected a timestamp")
        when = dt.datetime.fromisoformat(value)
        if when.tzinfo is None:
            raise ValueError("naive timestamp")
        return when
    if kind is int:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
            raise TypeError("expected an id")
        return value
    if not isinstance(value, kind):
        raise TypeError(f"expected {kind.__name__}")
    return value


def next_url(request: HttpRequest, cursor: str) -> str:
    """This request's URL with `cursor` replaced: the filters carry over to the next page."""
    params = request.GET.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(params.lists()), doseq=True)}")
