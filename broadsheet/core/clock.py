"""The one clock: aware datetimes everywhere, so tests and code agree on 'now'."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def make_aware(value: dt.datetime) -> dt.datetime:
    """Naive datetimes from outside are taken as UTC; aware ones are kept."""
    if timezone.is_aware(value):
        return value
    return value.replace(tzinfo=dt.UTC)
