"""Bounces and complaints through the ESP's tracking webhook (Mailgun's, signed with HMAC as
Mailgun signs it): a permanent bounce or a complaint takes the address off every list and a
send in progress skips it; a temporary failure or a bad signature changes nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from django.test import Client

from broadsheet.audience import sending
from broadsheet.audience.models import Delivery, Issue, Subscriber

from .test_sending import make_subscribers

pytestmark = pytest.mark.django_db

KEY = "test-mailgun-signing-key"
URL = "/newsletter/esp/mailgun/tracking/"


@pytest.fixture(autouse=True)
def _signing_key(settings) -> None:
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": KEY, "MAILGUN_API_KEY": "unused"}


def _post(event: dict, key: str = KEY):
    timestamp, token = str(int(time.time())), f"token-{time.monotonic_ns()}"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    body = {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": event,
    }
    return Client(enforce_csrf_checks=True).post(URL, json.dumps(body), content_type="application/json")


def _event(kind: str, recipient: str, severity: str = "") -> dict:
    event = {"event": kind, "recipient": recipient, "timestamp": time.time(), "message": {"headers": {}}}
    if severity:
        event["severity"] = severity
    return event


@pytest.mark.parametrize(("kind", "severity"), [("failed", "permanent"), ("complained", "")])
def test_a_bounce_or_complaint_suppresses_the_address(kind, severity):
    [reader] = make_subscribers(1)
    response = _post(_event(kind, reader.email.upper(), severity))
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.unsubscribed_at is not None
    assert reader.suppressed_reason.startswith(f"Mailgun {'bounced' if kind == 'failed' else 'complained'}")
    assert not reader.subscriptions.exists()


def test_a_temporary_failure_changes_nothing():
    [reader] = make_subscribers(1)
    assert _post(_event("failed", reader.email, "temporary")).status_code == 200
    reader.refresh_from_db()
    assert reader.unsubscribed_at is None and reader.subscriptions.exists()


def test_a_wrong_signature_is_refused_and_changes_nothing():
    [reader] = make_subscribers(1)
    response = _post(_event("failed", reader.email, "permanent"), key="not-the-key")
    assert response.status_code == 400
    reader.refresh_from_db()
    assert reader.unsubscribed_at is None


def test_an_unknown_address_is_ignored():
    assert _post(_event("complained", "stranger@example.org")).status_code == 200
    assert not Subscriber.objects.exists()


def test_a_bounced_reader_is_skipped_by_a_send_in_progress(smtp):
    readers = make_subscribers(3)
    issue = Issue.objects.create(
        list_key="daily", subject="Tuesday", text="Hi %%UNSUBSCRIBE_URL%%", html="<p>Hi</p>"
    )
    sending.start(issue)
    _post(_event("failed", readers[1].email, "permanent"))
    counts = sending.send(issue)
    assert counts == {"pending": 0, "sent": 2, "failed": 0, "suppressed": 1}
    assert readers[1].email not in smtp.recipients()
    assert Delivery.objects.get(subscriber=readers[1]).state == Delivery.State.SUPPRESSED
