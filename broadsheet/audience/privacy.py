"""Data-subject requests for one address: everything we hold on it, and erasing all of it."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from broadsheet.audience.models import Delivery, PendingSignup, Subscriber


def normalise(email: str) -> str:
    return email.strip().lower()


def export(email: str) -> dict[str, Any]:
    """What is stored about `email`, as JSON-ready data (empty lists when nothing is)."""
    email = normalise(email)
    subscribers = Subscriber.objects.filter(email=email)
    found: dict[str, Any] = {"email": email, "subscriber": None, "pending_signups": [], "deliveries": []}
    subscriber = subscribers.first()
    if subscriber:
        found["subscriber"] = {
            "confirmed_at": subscriber.confirmed_at.isoformat(),
            "unsubscribed_at": subscriber.unsubscribed_at.isoformat() if subscriber.unsubscribed_at else None,
            "suppressed_reason": subscriber.suppressed_reason,
            "lists": sorted(subscriber.subscriptions.values_list("list_key", flat=True)),
        }
        found["deliveries"] = [
            {
                "issue": d.issue.subject,
                "state": d.state,
                "sent_at": d.sent_at.isoformat() if d.sent_at else None,
            }
            for d in Delivery.objects.filter(subscriber=subscriber).select_related("issue").order_by("id")
        ]
    found["pending_signups"] = [
        {"lists": p.lists, "created_at": p.created_at.isoformat(), "expires_at": p.expires_at.isoformat()}
        for p in PendingSignup.objects.filter(email=email).order_by("id")
    ]
    return found


@transaction.atomic
def erase(email: str) -> int:
    """Delete the subscriber, their subscriptions and delivery records, and pending signups;
    returns how many rows went."""
    email = normalise(email)
    deleted, _ = Subscriber.objects.filter(email=email).delete()
    pending, _ = PendingSignup.objects.filter(email=email).delete()
    return deleted + pending
