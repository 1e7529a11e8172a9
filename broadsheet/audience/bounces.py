"""Bounces and complaints from the ESP's tracking webhook (django-anymail checks its signature):
the address leaves every list, so no later issue is sent to it."""

from __future__ import annotations

import logging
from typing import Any

from anymail.signals import AnymailTrackingEvent, EventType

from broadsheet.audience import signup
from broadsheet.audience.models import Subscriber

logger = logging.getLogger(__name__)

# anymail reports a temporary failure as "deferred"; "bounced" is the permanent kind.
SUPPRESSING = {EventType.BOUNCED, EventType.COMPLAINED, EventType.REJECTED, EventType.UNSUBSCRIBED}


def on_tracking(sender: Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any) -> None:
    if event.event_type not in SUPPRESSING or not event.recipient:
        return
    subscriber = Subscriber.objects.filter(email=event.recipient.strip().lower()).first()
    if subscriber is None:
        return
    signup.unsubscribe(subscriber)
    reason = f"{esp_name} {event.event_type}: {event.description or event.reject_reason or ''}".strip()
    Subscriber.objects.filter(pk=subscriber.pk).update(suppressed_reason=reason[:200])
    logger.info("Suppressed subscriber %s: %s", subscriber.pk, reason)
