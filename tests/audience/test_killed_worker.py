"""A worker killed (SIGKILL) in the middle of a send, then another resuming it: every reader
gets the issue exactly once. Real processes, a real SMTP server on loopback, a real database file.

The server holds the 16th message without accepting it, so the kill lands while the worker waits
for the server's answer: the moment a crash really can happen without a lost or doubled message.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from broadsheet.audience import digest, sending
from broadsheet.audience.models import Delivery

from .test_sending import make_subscribers

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
READERS = 40
KILL_AFTER = 15
LEASE_SECONDS = 1.0

WORKER = """
import sys, django
django.setup()
from django.conf import settings
settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", int(sys.argv[1])
settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
settings.BROADSHEET_SITE_URL = "https://news.example"
settings.BROADSHEET_NEWSLETTER_BATCH = 10
settings.BROADSHEET_NEWSLETTER_LEASE_SECONDS = float(sys.argv[3])
from django.core.management import call_command
call_command("newsletter", "send-issue", sys.argv[2])
"""


def _this_database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_a_killed_worker_is_resumed_with_no_duplicate_and_no_one_missed(smtp, make_article, settings):
    make_article(headline="Harbor reopens")
    issue = digest.build("daily", dt.date.today()) or digest.build(
        "daily", dt.date.today() - dt.timedelta(days=1)
    )
    assert issue is not None
    readers = make_subscribers(READERS)
    sending.start(issue)
    smtp.hold_after = KILL_AFTER

    env = dict(
        os.environ, DJANGO_SETTINGS_MODULE="broadsheet.settings.test", DATABASE_URL=_this_database_url()
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(settings.EMAIL_PORT), str(issue.pk), str(LEASE_SECONDS)],
        cwd=ROOT,
        env=env,
    )
    try:
        assert smtp.holding.wait(60), "the worker never reached the held message"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    smtp.hold_after = None
    smtp.release.set()
    assert len(smtp.accepted) == KILL_AFTER
    assert Delivery.objects.filter(state=Delivery.State.SENT).count() == KILL_AFTER

    # Another worker resumes once the dead one's lease has run out.
    settings.BROADSHEET_NEWSLETTER_LEASE_SECONDS = LEASE_SECONDS
    started = time.monotonic()
    counts = sending.send(issue)
    print(f"\nresumed {time.monotonic() - started:.1f} s after the kill")

    per_reader = collections.Counter(smtp.recipients())
    assert max(per_reader.values()) == 1, "someone got the issue twice"
    assert set(per_reader) == {r.email for r in readers}, "someone was missed"
    assert counts == {"pending": 0, "sent": READERS, "failed": 0, "suppressed": 0}
