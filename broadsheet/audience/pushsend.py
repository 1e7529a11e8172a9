"""Sending an alert to every opted-in browser: one PushDelivery per device, claimed in batches.

The e-mail send's pattern (sending.py): rows made once per alert, claimed with a conditional
UPDATE under a lease, each marked right after the push service answered, so a worker killed
mid-batch leaves its unsent rows to the next worker and no device gets the alert twice (but
for the window between the service's 201 and our UPDATE).

What a push service's answer means (RFC 8030): 201 accepted; 404/410 the subscription is gone
for good, so it is deleted; 429 and 5xx, or no answer, are retried with a backoff (Retry-After
when given); any other 4xx (a bad key, a payload refused) fails the delivery and is counted on
the subscription.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, QuerySet

from broadsheet.audience import leases, vapid, webpush
from broadsheet.audience.models import Issue, PushDelivery, PushSubscription
from broadsheet.audience.sending import MAX_BACKOFF, backoff
from broadsheet.core import clock
from broadsheet.newsroom.models import Article

logger = logging.getLogger(__name__)

START_CHUNK = 2000
MAX_BODY_CHARS = 300  # a notification shows two or three lines; the payload stays far under 4 KB


def start(issue: Issue) -> int:
    """One pending delivery per subscribed browser; returns how many were added."""
    before = PushDelivery.objects.filter(issue=issue).count()
    ids = PushSubscription.objects.order_by("id").values_list("id", flat=True)
    chunk: list[PushDelivery] = []
    for subscription_id in ids.iterator(chunk_size=START_CHUNK):
        chunk.append(PushDelivery(issue=issue, subscription_id=subscription_id))
        if len(chunk) >= START_CHUNK:
            PushDelivery.objects.bulk_create(chunk, ignore_conflicts=True)
            chunk = []
    if chunk:
        PushDelivery.objects.bulk_create(chunk, ignore_conflicts=True)
    return PushDelivery.objects.filter(issue=issue).count() - before


def payload(article: Article) -> bytes:
    """What the service worker (sw.js) shows: the headline, the standfirst, the article's URL."""
    site_url = str(settings.BROADSHEET_SITE_URL).rstrip("/")
    body = article.dek if len(article.dek) <= MAX_BODY_CHARS else article.dek[: MAX_BODY_CHARS - 1] + "…"
    data = {
        "title": article.headline,
        "body": body,
        "url": site_url + article.get_absolute_url(),
        "tag": f"alert-{article.pk}",
    }
    return json.dumps(data, ensure_ascii=False).encode()


def claim(issue: Issue, limit: int, now: dt.datetime | None = None) -> tuple[str, list[PushDelivery]]:
    """Claim up to `limit` ready deliveries; those whose subscription was deleted are gone."""
    token, claimed = leases.take(_pending(issue), limit, now or clock.now(), "subscription")
    orphans = [d.pk for d in claimed if d.subscription is None]
    if orphans:
        PushDelivery.objects.filter(pk__in=orphans).update(state=PushDelivery.State.GONE, claim_token="")
    return token, [d for d in claimed if d.subscription is not None]


@dataclass(frozen=True)
class Outcome:
    state: str  # a PushDelivery.State, or PENDING for "try again later"
    error: str = ""
    retry_after: float | None = None


def classify(reply: webpush.Reply) -> Outcome:
    if 200 <= reply.status < 300:
        return Outcome(PushDelivery.State.SENT)
    if reply.status in (404, 410):
        return Outcome(PushDelivery.State.GONE, reply.error)
    if reply.blocked:
        return Outcome(PushDelivery.State.FAILED, reply.error)
    if reply.status == 0 or reply.status == 429 or reply.status >= 500:
        return Outcome(PushDelivery.State.PENDING, reply.error or "no answer", reply.retry_after)
    return Outcome(PushDelivery.State.FAILED, reply.error or str(reply.status))


def progress(issue: Issue) -> dict[str, int]:
    counts = dict.fromkeys(PushDelivery.State.values, 0)
    for row in PushDelivery.objects.filter(issue=issue).values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    return counts


def send(issue: Issue, *, wait: bool = True) -> dict[str, int]:
    """Push the alert to its pending deliveries until none is left (with wait=False: none is
    ready now); returns the count per state. Safe to run in several workers at once."""
    keys = vapid.keys()
    article = Article.objects.filter(pk=issue.alert_article_id).first() if issue.alert_article_id else None
    pending = _pending(issue)
    if keys is None or article is None or not article.is_public:
        why = "the site has no VAPID keys" if keys is None else "the article is no longer public"
        pending.update(state=PushDelivery.State.FAILED, last_error=why, claim_token="")
        logger.warning("Push for issue %s not sent: %s", issue.pk, why)
        return progress(issue)
    body = payload(article)
    ttl = int(settings.BROADSHEET_PUSH_TTL)
    batch = int(settings.BROADSHEET_NEWSLETTER_BATCH)
    max_attempts = int(settings.BROADSHEET_NEWSLETTER_MAX_ATTEMPTS)
    signer = webpush.Signer(keys)
    with webpush.PushClient() as client:
        for token, deliveries in leases.batches(lambda: claim(issue, batch), pending, wait):
            heartbeat = leases.Heartbeat(pending, token)
            for delivery in deliveries:
                subscription = delivery.subscription
                assert subscription is not None
                encrypted = webpush.encrypt(body, subscription.p256dh, subscription.auth)
                reply = client.post(
                    subscription.endpoint, encrypted, webpush.headers(signer, subscription.endpoint, ttl)
                )
                _record(delivery, subscription, classify(reply), max_attempts)
                heartbeat.beat()
    return progress(issue)


def _record(
    delivery: PushDelivery, subscription: PushSubscription, outcome: Outcome, max_attempts: int
) -> None:
    now = clock.now()
    rows = PushDelivery.objects.filter(pk=delivery.pk, state=PushDelivery.State.PENDING)
    attempts = delivery.attempts + 1
    done = {"claim_token": "", "attempts": attempts, "last_error": outcome.error[:300]}
    if outcome.state == PushDelivery.State.SENT:
        rows.update(state=PushDelivery.State.SENT, sent_at=now, **done)
        PushSubscription.objects.filter(pk=subscription.pk).update(
            last_success_at=now, failures=0, last_error=""
        )
    elif outcome.state == PushDelivery.State.GONE:
        rows.update(state=PushDelivery.State.GONE, **done)
        PushSubscription.objects.filter(pk=subscription.pk).delete()
        logger.info("Push subscription %s is gone (%s): deleted", subscription.pk, outcome.error)
    elif outcome.state == PushDelivery.State.PENDING and attempts < max_attempts:
        wait = backoff(attempts)
        if outcome.retry_after is not None:
            wait = min(max(wait, dt.timedelta(seconds=outcome.retry_after)), MAX_BACKOFF)
        rows.update(next_attempt_at=now + wait, claimed_until=None, **done)
        logger.info("Push delivery %s deferred (attempt %s): %s", delivery.pk, attempts, outcome.error)
    else:
        rows.update(state=PushDelivery.State.FAILED, **done)
        PushSubscription.objects.filter(pk=subscription.pk).update(
            failures=F("failures") + 1, last_error=outcome.error[:300]
        )
        logger.warning("Push delivery %s failed: %s", delivery.pk, outcome.error)


def _pending(issue: Issue) -> QuerySet[PushDelivery]:
    return PushDelivery.objects.filter(issue=issue, state=PushDelivery.State.PENDING)
