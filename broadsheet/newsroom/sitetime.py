"""The site's time zone named for people: "New York time (EST, UTC−5)".

Editors type times in the site's zone (settings.TIME_ZONE), whatever their computer's zone;
the date fields say so, instead of Django's "You are 5 hours ahead of server time" note.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from broadsheet.core import clock


def site_time_label(now: dt.datetime | None = None) -> str:
    local = timezone.localtime(now or clock.now(), timezone.get_default_timezone())
    place = str(settings.TIME_ZONE).rsplit("/", 1)[-1].replace("_", " ")
    minutes = int((local.utcoffset() or dt.timedelta()).total_seconds() // 60)
    sign = "−" if minutes < 0 else "+"  # a real minus sign, as in print
    hours, rest = divmod(abs(minutes), 60)
    offset = f"{hours}:{rest:02d}" if rest else str(hours)
    return f"{place} time ({local:%Z}, UTC{sign}{offset})"
