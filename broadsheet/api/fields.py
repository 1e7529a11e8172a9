"""Input types shared by parameters and bodies: text the databases accept, bounded times,
URLs that fit their columns, ids that fit 64 bits."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, AnyHttpUrl, BeforeValidator, UrlConstraints

from broadsheet.core import clock

# PostgreSQL refuses NUL in text, and lone surrogates cannot be encoded as UTF-8: neither is
# anything a person meant to send, so they are dropped rather than turned into a 500.
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
# Far enough out for any news date, near enough that converting between zones never overflows.
EARLIEST = dt.datetime(1800, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)
# The URL columns' length (Article.lead_image_url, Source.feed_url).
MAX_URL_CHARS = 1000
# The largest id a 64-bit primary key holds: larger ones are refused, never overflowed.
MAX_ID = 2**63 - 1


def _storable(value: str) -> str:
    return _UNSTORABLE.sub("", value)


# A date, optionally followed by a time: pydantic would also take "0.5" as a Unix timestamp.
_ISO_8601 = re.compile(r"^\d{4}-\d{2}-\d{2}([T ].*)?$")


def _iso_text(value: object) -> object:
    if isinstance(value, str) and not _ISO_8601.match(value):
        raise ValueError("expected an ISO 8601 date or date and time")
    if isinstance(value, int | float):
        raise ValueError("expected an ISO 8601 date or date and time")
    return value


def _bounded(value: dt.datetime) -> dt.datetime:
    """Aware (a naive time is taken as UTC), within EARLIEST..LATEST, and in UTC: PostgreSQL
    refuses offsets beyond ±15:59 that Python accepts (+23:59 was a 500)."""
    if value.tzinfo is not None and value.utcoffset() is None:
        raise ValueError("time zone without an offset")
    if not EARLIEST <= clock.make_aware(value) <= LATEST:
        raise ValueError(f"must lie between {EARLIEST.year} and {LATEST.year}")
    return clock.make_aware(value).astimezone(dt.UTC)


def _fits_column(value: AnyHttpUrl) -> AnyHttpUrl:
    """The URL as it will be stored fits its column. pydantic checks the length of the text as
    sent, but normalising can grow it sixfold ("é" becomes "%C3%A9"): PostgreSQL would refuse
    the row with a 500, SQLite would keep a URL longer than the column says."""
    if len(str(value)) > MAX_URL_CHARS:
        raise ValueError(f"the URL is longer than {MAX_URL_CHARS} characters once encoded")
    return value


Text = Annotated[str, AfterValidator(_storable)]
Timestamp = Annotated[dt.datetime, BeforeValidator(_iso_text), AfterValidator(_bounded)]
WebUrl = Annotated[AnyHttpUrl, UrlConstraints(max_length=MAX_URL_CHARS), AfterValidator(_fits_column)]
