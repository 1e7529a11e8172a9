"""`broadsheet ingest` polls due sources one after another: a source that answers a byte at a
time must cost the others no more than the fetch's total deadline (issue #16, finding 3)."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from broadsheet.core import clock
from broadsheet.core.fetch import Fetcher, FetchOptions
from broadsheet.ingest import commands
from broadsheet.ingest.models import Source

from .conftest import LoopbackServer

pytestmark = pytest.mark.django_db

HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Padding: " + b"p" * 200 + b"\r\n\r\n"


def test_a_source_sending_headers_a_byte_at_a_time_does_not_hold_the_others(
    server: LoopbackServer, section, allow_loopback
):
    def dribble(handler):
        try:
            for byte in HEADERS:  # 240 bytes, one every 0.25 s: a minute without a deadline
                handler.wfile.write(bytes([byte]))
                if server.stopping.wait(0.25):
                    return
        except (BrokenPipeError, ConnectionResetError):
            pass
        handler.close_connection = True

    server.routes["/slow.xml"] = dribble
    now = clock.now()
    slow = Source.objects.create(
        feed_url=server.url("/slow.xml"), name="Slow", next_check_at=now - dt.timedelta(hours=1)
    )
    good = Source.objects.create(
        feed_url=server.url("/f/atom.xml"), name="Courier", next_check_at=now - dt.timedelta(minutes=1)
    )
    started = time.monotonic()
    with Fetcher(FetchOptions(connect_timeout=1.0, total_timeout=2.0)) as fetcher:
        reports = commands.ingest_due(fetcher=fetcher)
    elapsed = time.monotonic() - started
    assert [r.source_id for r in reports] == [slow.pk, good.pk]  # the slow one went first
    assert elapsed < 10, f"the run took {elapsed:.1f}s behind a source with a 2 s deadline"
    assert (reports[0].ok, reports[1].ok, reports[1].new) == (False, True, 1)
    slow.refresh_from_db()
    assert slow.last_error.startswith("FetchTimeoutError") and slow.error_count == 1
