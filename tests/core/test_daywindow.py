"""core/daywindow.py: the last N local days, their bounds and labels."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from broadsheet.core.daywindow import DayWindow


def test_local_days_not_utc_days(settings):
    settings.TIME_ZONE = "America/New_York"
    # 02:30 UTC on 3 Dec is still 2 Dec in New York.
    window = DayWindow.last(3, now=dt.datetime(2026, 12, 3, 2, 30, tzinfo=dt.UTC))
    assert window.days == (dt.date(2026, 11, 30), dt.date(2026, 12, 1), dt.date(2026, 12, 2))
    assert window.labels == ["30 Nov", "1 Dec", "2 Dec"]
    assert window.start == dt.datetime(2026, 11, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    assert timezone.localtime(window.start).hour == 0


def test_missing_days_are_zero():
    window = DayWindow.last(3, now=dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC))
    assert window.values({window.days[1]: 4, dt.date(2020, 1, 1): 9}) == [0, 4, 0]


@pytest.mark.parametrize("count", [0, -1])
def test_a_window_has_at_least_one_day(count):
    with pytest.raises(ValueError, match="at least one day"):
        DayWindow.last(count)


def test_a_dst_day_has_its_own_length(settings):
    settings.TIME_ZONE = "America/New_York"
    # Clocks went back on 1 Nov 2026: that local day lasted 25 hours.
    window = DayWindow.last(3, now=dt.datetime(2026, 11, 2, 17, tzinfo=dt.UTC))
    # (In UTC: two times in one zone subtract as wall clocks.)
    lengths = [
        (high.astimezone(dt.UTC) - low.astimezone(dt.UTC)).total_seconds() / 3600
        for low, high in window.bounds
    ]
    assert lengths == [24, 25, 24]
    assert window.bounds[0][1] == window.bounds[1][0]
