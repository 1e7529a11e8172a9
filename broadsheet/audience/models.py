"""Subscribers, their pending signups, newsletter issues, one delivery row per recipient; push subscriptions."""

from __future__ import annotations

import secrets

from django.db import models


def new_key() -> str:
    return secrets.token_urlsafe(24)


class PendingSignup(models.Model):
    """A signup waiting for its confirmation link: the only place an unconfirmed address lives.

    Deleted when confirmed, and by the periodic purge once `expires_at` has passed."""

    email = models.EmailField()
    lists = models.JSONField(default=list)
    nonce = models.CharField(max_length=64, default=new_key, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.email


class Subscriber(models.Model):
    email = models.EmailField(unique=True)
    # The secret in this reader's unsubscribe link; knowing it is the proof of ownership.
    unsubscribe_key = models.CharField(max_length=64, default=new_key, unique=True)
    confirmed_at = models.DateTimeField()
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # Why the address was taken off every list by the provider's report (bounced, complained).
    suppressed_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


class Subscription(models.Model):
    """One list one subscriber receives: "daily", "breaking" or "section:<slug>" (lists.py)."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions")
    list_key = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "list_key"], name="audience_one_subscription")
        ]
        indexes = [models.Index(fields=["list_key", "subscriber"], name="audience_list_members_idx")]

    def __str__(self) -> str:
        return f"{self.subscriber} → {self.list_key}"


class Issue(models.Model):
    """One newsletter issue of one list, rendered once; personalised only by the unsubscribe link."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Finished with failures"

    list_key = models.CharField(max_length=100)
    subject = models.CharField(max_length=300)
    intro = models.TextField(blank=True, help_text="A few words from the editors above the stories.")
    article_ids = models.JSONField(default=list, blank=True)
    html = models.TextField(blank=True)
    text = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The local day a digest covers (one per list and day), or the article an alert announces.
    day = models.DateField(null=True, blank=True)
    alert_article_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["list_key", "day"], name="audience_one_digest_a_day"),
            models.UniqueConstraint(fields=["alert_article_id"], name="audience_one_alert_per_article"),
        ]

    def __str__(self) -> str:
        return self.subject


class LeasedSend(models.Model):
    """What a send records per recipient to claim it under a lease and retry it (leases.py)."""

    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True


class Delivery(LeasedSend):
    """The issue for one subscriber: claimed by one worker at a time, sent at most once."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SUPPRESSED = "suppressed", "Suppressed"

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="audience_one_delivery"),
        ]
        indexes = [models.Index(fields=["issue", "state"], name="audience_delivery_state_idx")]

    def __str__(self) -> str:
        return f"{self.issue_id} → {self.subscriber_id}: {self.state}"


class PushSubscription(models.Model):
    """One browser that opted in to breaking-news alerts: its push service URL and keys (RFC 8291)."""

    endpoint = models.URLField(max_length=2000, unique=True)
    p256dh = models.CharField(max_length=100)  # the browser's P-256 public key, base64url
    auth = models.CharField(max_length=50)  # its 16-byte auth secret, base64url
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    # Refusals in a row that were neither "gone" (404/410, which delete the row) nor temporary.
    failures = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.endpoint[:80]


class PushDelivery(LeasedSend):
    """An alert for one browser, claimed and recorded as a Delivery is (sending.py's pattern)."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        GONE = "gone", "Subscription gone"

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="push_deliveries")
    # SET_NULL: a subscription the push service reports gone is deleted, its record stays.
    subscription = models.ForeignKey(
        PushSubscription, on_delete=models.SET_NULL, null=True, related_name="deliveries"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscription"], name="audience_one_push_delivery"),
        ]
        indexes = [models.Index(fields=["issue", "state"], name="audience_push_state_idx")]

    def __str__(self) -> str:
        return f"{self.issue_id} → push {self.subscription_id}: {self.state}"
