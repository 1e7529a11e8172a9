"""Double opt-in: a pending request and its e-mailed link, then the confirmed subscriber.

Before the reader confirms, only the PendingSignup row holds the address; it expires with its
link (BROADSHEET_SIGNUP_HOURS) and the periodic purge deletes it.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from broadsheet.audience import tokens
from broadsheet.audience.models import PendingSignup, Subscriber, Subscription
from broadsheet.core import clock

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    return str(settings.BROADSHEET_SITE_URL).rstrip("/") + path


def request_signup(email: str, list_keys: list[str]) -> PendingSignup:
    """Store the pending request and e-mail its confirmation link."""
    now = clock.now()
    pending = PendingSignup.objects.create(
        email=email.strip().lower(),
        lists=sorted(set(list_keys)),
        expires_at=now + dt.timedelta(hours=int(settings.BROADSHEET_SIGNUP_HOURS)),
    )
    link = absolute(reverse("audience:confirm", args=[tokens.confirm_token(pending.nonce)]))
    context = {"link": link, "hours": settings.BROADSHEET_SIGNUP_HOURS}
    message = EmailMultiAlternatives(
        subject="Confirm your newsletter subscription",
        body=render_to_string("audience/email/confirm.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[pending.email],
    )
    message.attach_alternative(render_to_string("audience/email/confirm.html", context), "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        # The reader sees the same page either way and can ask again; the request expires.
        logger.exception("Could not send the confirmation for pending signup %s", pending.pk)
    return pending


def find_pending(nonce: str) -> PendingSignup | None:
    return PendingSignup.objects.filter(nonce=nonce, expires_at__gt=clock.now()).first()


@transaction.atomic
def confirm(pending: PendingSignup) -> Subscriber:
    """Turn the request into a subscriber on its lists (joining any they already had)."""
    now = clock.now()
    subscriber, created = Subscriber.objects.get_or_create(
        email=pending.email, defaults={"confirmed_at": now}
    )
    if not created and subscriber.unsubscribed_at is not None:
        subscriber.unsubscribed_at = None
        subscriber.confirmed_at = now
        subscriber.save(update_fields=["unsubscribed_at", "confirmed_at"])
    Subscription.objects.bulk_create(
        [Subscription(subscriber=subscriber, list_key=key) for key in pending.lists],
        ignore_conflicts=True,
    )
    PendingSignup.objects.filter(email=pending.email).delete()
    return subscriber


def unsubscribe(subscriber: Subscriber) -> None:
    """Off every list at once (RFC 8058's one click means all of them)."""
    with transaction.atomic():
        Subscription.objects.filter(subscriber=subscriber).delete()
        Subscriber.objects.filter(pk=subscriber.pk).update(unsubscribed_at=clock.now())


def purge_expired() -> int:
    """Delete the requests whose link has expired (a periodic hook); returns how many."""
    deleted, _ = PendingSignup.objects.filter(expires_at__lte=clock.now()).delete()
    if deleted:
        logger.info("Purged %s expired newsletter signup requests", deleted)
    return deleted
