"""Sending an issue: one Delivery row per recipient, claimed in batches, marked sent one by one.

Why a killed worker resumes with no duplicate: a delivery is claimed with a conditional UPDATE
(of two workers only one wins a row, the ingest claims' pattern) for a lease the worker renews
while it runs; each recipient is marked sent right after the server accepted the message. A
worker killed mid-batch leaves its unsent rows pending under a lease that runs out, and the
next worker takes them. The one window left is between the server's 250 and our UPDATE (a
millisecond per message): documented in docs/newsletters.md.

Temporary failures (4xx replies such as 421 and 451, a dropped connection) leave the delivery
pending with an exponential backoff; permanent ones (5xx) fail it; so do too many attempts.
A subscriber who left the list since the issue started is suppressed when the batch is claimed.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Count, QuerySet

from broadsheet.audience import compose, leases
from broadsheet.audience.models import Delivery, Issue, Subscriber, Subscription
from broadsheet.core import clock

logger = logging.getLogger(__name__)

MAX_BACKOFF = dt.timedelta(hours=1)
START_CHUNK = 2000


def start(issue: Issue) -> int:
    """One pending delivery per active subscriber of the issue's list; returns how many were
    added (none twice: a second start adds only who joined since)."""
    members = (
        Subscription.objects.filter(list_key=issue.list_key, subscriber__unsubscribed_at__isnull=True)
        .order_by("subscriber_id")
        .values_list("subscriber_id", flat=True)
    )
    before = Delivery.objects.filter(issue=issue).count()
    chunk: list[Delivery] = []
    for subscriber_id in members.iterator(chunk_size=START_CHUNK):
        chunk.append(Delivery(issue=issue, subscriber_id=subscriber_id))
        if len(chunk) >= START_CHUNK:
            Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
            chunk = []
    if chunk:
        Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENDING)
    issue.status = Issue.Status.SENDING
    return Delivery.objects.filter(issue=issue).count() - before


def claim(issue: Issue, limit: int, now: dt.datetime | None = None) -> tuple[str, list[Delivery]]:
    """Claim up to `limit` ready deliveries; suppress those whose subscriber left the list."""
    token, claimed = leases.take(_pending(issue), limit, now or clock.now(), "subscriber")
    if not claimed:
        return token, []
    staying = set(
        Subscription.objects.filter(
            list_key=issue.list_key,
            subscriber_id__in=[d.subscriber_id for d in claimed],
            subscriber__unsubscribed_at__isnull=True,
        ).values_list("subscriber_id", flat=True)
    )
    gone = [d.pk for d in claimed if d.subscriber_id not in staying]
    if gone:
        Delivery.objects.filter(pk__in=gone).update(state=Delivery.State.SUPPRESSED, claim_token="")
    return token, [d for d in claimed if d.subscriber_id in staying]


def backoff(attempts: int) -> dt.timedelta:
    base = float(settings.BROADSHEET_NEWSLETTER_BACKOFF_SECONDS)
    return min(dt.timedelta(seconds=base * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass
class Outcome:
    sent: bool
    temporary: bool = False
    error: str = ""


def classify(exc: Exception) -> Outcome:
    """4xx and a lost connection are worth retrying; 5xx is the server's final answer."""
    code = 0
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code = min((c for c, _ in exc.recipients.values()), default=0)
    elif isinstance(exc, smtplib.SMTPResponseException):
        code = int(exc.smtp_code)
    if 500 <= code < 600:
        return Outcome(False, temporary=False, error=f"{code} {exc}"[:300])
    return Outcome(
        False, temporary=True, error=(f"{code} " if code else "") + f"{type(exc).__name__}: {exc}"[:280]
    )


class Pacer:
    """The provider's rate limit (BROADSHEET_NEWSLETTER_RATE messages a second, 0 = none)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        delay = self.next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self.next_at = max(self.next_at, time.monotonic()) + self.interval


def progress(issue: Issue) -> dict[str, int]:
    counts = dict.fromkeys(Delivery.State.values, 0)
    for row in Delivery.objects.filter(issue=issue).values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    return counts


def send(
    issue: Issue,
    *,
    wait: bool = True,
    on_sent: Callable[[int], None] | None = None,
    connection: BaseEmailBackend | None = None,
) -> dict[str, int]:
    """Send the issue's pending deliveries until none is left (or, with wait=False, none is
    ready now); returns the count per state. Safe to run in several workers at once.
    `connection` replaces the site's mail backend (the demo's fictional readers get no mail)."""
    batch = int(settings.BROADSHEET_NEWSLETTER_BATCH)
    max_attempts = int(settings.BROADSHEET_NEWSLETTER_MAX_ATTEMPTS)
    pacer = Pacer(float(settings.BROADSHEET_NEWSLETTER_RATE))
    connection = connection or get_connection(fail_silently=False)
    sent_total = 0
    try:
        for token, deliveries in leases.batches(lambda: claim(issue, batch), _pending(issue), wait):
            heartbeat = leases.Heartbeat(_pending(issue), token)
            for delivery in deliveries:
                pacer.wait()
                outcome = _deliver(connection, issue, delivery.subscriber)
                _record(delivery, token, outcome, max_attempts)
                if outcome.sent:
                    sent_total += 1
                    if on_sent:
                        on_sent(sent_total)
                else:
                    connection.close()  # a fresh session for the next one (421 closes it anyway)
                heartbeat.beat()
    finally:
        connection.close()
    _finish_if_done(issue)
    return progress(issue)


def _deliver(connection, issue: Issue, subscriber: Subscriber) -> Outcome:  # type: ignore[no-untyped-def]
    msg = compose.message(issue, subscriber.email, subscriber.unsubscribe_key)
    try:
        accepted = connection.send_messages([msg])
    except (smtplib.SMTPException, OSError) as exc:
        return classify(exc)
    return Outcome(True) if accepted else Outcome(False, temporary=True, error="not accepted")


def _record(delivery: Delivery, token: str, outcome: Outcome, max_attempts: int) -> None:
    now = clock.now()
    rows = Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.PENDING)
    if outcome.sent:
        rows.update(state=Delivery.State.SENT, sent_at=now, claim_token="", attempts=delivery.attempts + 1)
        return
    attempts = delivery.attempts + 1
    if outcome.temporary and attempts < max_attempts:
        rows.update(
            attempts=attempts,
            next_attempt_at=now + backoff(attempts),
            claim_token="",
            claimed_until=None,
            last_error=outcome.error,
        )
        logger.info("Delivery %s deferred (attempt %s): %s", delivery.pk, attempts, outcome.error)
    else:
        rows.update(state=Delivery.State.FAILED, attempts=attempts, claim_token="", last_error=outcome.error)
        logger.warning("Delivery %s failed: %s", delivery.pk, outcome.error)


def _pending(issue: Issue) -> QuerySet[Delivery]:
    return Delivery.objects.filter(issue=issue, state=Delivery.State.PENDING)


def _finish_if_done(issue: Issue) -> None:
    if Delivery.objects.filter(issue=issue, state=Delivery.State.PENDING).exists():
        return
    failed = Delivery.objects.filter(issue=issue, state=Delivery.State.FAILED).exists()
    status = Issue.Status.FAILED if failed else Issue.Status.SENT
    Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING).update(status=status, sent_at=clock.now())
    issue.refresh_from_db(fields=["status", "sent_at"])
