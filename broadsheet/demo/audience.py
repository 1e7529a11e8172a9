"""The demo's readers: a few confirmed subscribers, and the latest daily digest, already sent.

Both go through the audience app's own code: a subscriber is a pending signup confirmed
(signup.confirm), the digest is built (digest.build) and sent (sending.start, sending.send).
The mail goes to Django's console backend writing into a buffer that is thrown away: the
subscribers are fictional, on the reserved .example domain, and the demo never sends mail
whatever the site's mail settings say. What stays is the issue, marked sent, in the archive.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.core.mail import get_connection
from django.utils import timezone

from broadsheet.audience import digest, lists, sending, signup
from broadsheet.audience.models import Delivery, Issue, PendingSignup, Subscriber
from broadsheet.core import clock

# (address, lists): everyone takes the daily digest, some a section's or breaking news too.
SUBSCRIBERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("marguerite.oyelaran@readers.example", (lists.DAILY, lists.BREAKING)),
    ("tomas.brightwater@readers.example", (lists.DAILY,)),
    ("hana.kowalczyk@readers.example", (lists.DAILY, lists.section_key("science"))),
    ("desmond.achterberg@readers.example", (lists.DAILY, lists.section_key("business"))),
    ("ivy.sandoval@readers.example", (lists.DAILY, lists.BREAKING, lists.section_key("music"))),
    ("rufus.penhaligon@readers.example", (lists.DAILY,)),
)
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
# How far back to look for a day whose digest has stories (the demo's stories are days apart).
LOOKBACK_DAYS = 7


@dataclass(frozen=True)
class AudienceResult:
    subscribers: int
    issue: Issue | None


def ensure_subscribers(now: dt.datetime) -> int:
    """Confirm each missing demo subscriber, as if they had clicked their link; how many new."""
    created = 0
    for email, keys in SUBSCRIBERS:
        if Subscriber.objects.filter(email=email).exists():
            continue
        pending = PendingSignup.objects.create(
            email=email, lists=list(keys), expires_at=now + dt.timedelta(hours=1)
        )
        signup.confirm(pending)
        created += 1
    return created


def last_digest_day(now: dt.datetime) -> tuple[dt.date, dt.datetime]:
    """The latest day whose digest time has passed, and that moment: today's if this morning's
    digest would already have gone out, else yesterday's."""
    local = timezone.localtime(now)
    day = local.date() if local.time() >= digest.due_time() else local.date() - dt.timedelta(days=1)
    return day, timezone.make_aware(dt.datetime.combine(day, digest.due_time()))


def send_past_digest(now: dt.datetime) -> Issue | None:
    """Build and send the latest past daily digest that has stories; None when a digest is
    already in the archive (a second load) or no day in LOOKBACK_DAYS had any story."""
    if Issue.objects.filter(list_key=lists.DAILY).exists():
        return None
    day, until = last_digest_day(now)
    for _ in range(LOOKBACK_DAYS):
        issue = digest.build(lists.DAILY, day, until=until)
        if issue is not None:
            break
        day, until = day - dt.timedelta(days=1), until - dt.timedelta(days=1)
    else:
        return None
    sending.start(issue)
    nowhere = get_connection(CONSOLE_BACKEND, stream=io.StringIO())
    sending.send(issue, wait=False, connection=nowhere)
    # It went out at its digest time, not at load time: the archive dates it so.
    Issue.objects.filter(pk=issue.pk).update(sent_at=until, created_at=until)
    Delivery.objects.filter(issue=issue).update(sent_at=until)
    issue.refresh_from_db()
    return issue


def load_audience(now: dt.datetime | None = None) -> AudienceResult:
    now = now or clock.now()
    return AudienceResult(ensure_subscribers(now), send_past_digest(now))
